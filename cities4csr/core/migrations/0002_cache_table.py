"""The shared cache's table (settings.CACHES without CACHE_URL is a DatabaseCache): created by
``migrate`` itself, so that no deployment forgets ``createcachetable``. With Redis, or locmem in
tests, there is no table to create and this does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
