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
    dependencies = [
        ("pledges", "0003_files_evidence_corrections"),
        ("ledger", "0001_ledger_append_only_chain"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
