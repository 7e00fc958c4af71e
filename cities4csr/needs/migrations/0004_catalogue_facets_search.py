"""The catalogue's theme and resource-kind filters as columns of the need (filled here from
the themes and lines), and, on PostgreSQL, a trigram index for its substring search."""

from django.db import migrations, models
from django_scopes import scopes_disabled

TRIGRAM_INDEX = "need_search_trgm"


def _index(tags) -> str:
    return "|" + "|".join(sorted(tags)) + "|" if tags else ""


def fill_facets(apps, schema_editor):
    Need = apps.get_model("needs", "Need")
    ResourceLine = apps.get_model("needs", "ResourceLine")
    kinds, themes = {}, {}
    with scopes_disabled():
        for need_id, kind in ResourceLine.objects.values_list("need_id", "kind").order_by():
            kinds.setdefault(need_id, set()).add(kind)
        for need_id, key in Need.themes.through.objects.values_list("need_id", "theme__key").order_by():
            themes.setdefault(need_id, set()).add(key)
        for pk in sorted(set(kinds) | set(themes)):
            Need.objects.filter(pk=pk).update(kinds=_index(kinds.get(pk, ())), theme_keys=_index(themes.get(pk, ())))


def trigram_index(apps, schema_editor):
    # "search_text LIKE '%word%'" reads every need without it. pg_trgm is a trusted extension
    # (PostgreSQL 13+): a database owner may create it. SQLite scans, which is fine at its size.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON needs_need USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("needs", "0003_catalogue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="kinds",
            field=models.CharField(default="", editable=False, help_text="'|goods|money|', for filtering", max_length=80),
        ),
        migrations.AddField(
            model_name="need",
            name="theme_keys",
            field=models.TextField(default="", editable=False, help_text="'|culture|education|', for filtering"),
        ),
        migrations.RunPython(fill_facets, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
