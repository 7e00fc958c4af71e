"""Pledges verified before the contributions ledger existed go into it: one movement per item
(pledges.services.pledges_ledger_backfill, idempotent). From now on verifying a pledge writes
its movements (the lifecycle effect in pledges.services)."""

from django.db import migrations


def _backfill(apps, schema_editor):
    # the historical model only asks whether there is anything to do: on a fresh database (and
    # after later migrations change the models) the service below, which uses today's models,
    # never runs
    Pledge = apps.get_model("pledges", "Pledge")
    if not Pledge.objects.filter(state="verified").exists():
        return
    from cities4csr.pledges.services import pledges_ledger_backfill

    pledges_ledger_backfill()


class Migration(migrations.Migration):
    # after every migration of the apps whose models the service reads (it uses today's models)
    dependencies = [
        ("pledges", "0004_constraint_messages"),
        ("ledger", "0001_ledger_append_only_chain"),
        ("needs", "0006_translations_and_constraint_messages"),
        ("organisations", "0004_constraint_messages"),
        ("cities", "0006_merge_0005_constraint_messages_0005_place"),
        ("core", "0004_constraint_messages"),
        ("accounts", "0004_constraint_messages"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
