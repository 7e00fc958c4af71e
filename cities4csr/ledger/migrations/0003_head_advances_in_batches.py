"""The chain's head may advance over several movements at once (a batch written under one lock,
``groups_post_many``): the trigger checks the whole range. Going back restores the trigger that
allowed one step at a time (its SQL frozen here)."""

from django.db import migrations

from cities4csr.ledger.triggers import triggers_create, triggers_drop

ONE_STEP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS ledger_head_advance",
        """CREATE TRIGGER ledger_head_advance BEFORE UPDATE ON ledger_head
        WHEN NEW.last_group_id IS NOT NULL AND (
            NEW.seq != OLD.seq + 1
            OR (SELECT COUNT(*) FROM ledger_posting WHERE group_id = NEW.last_group_id) < 2
            OR (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_posting WHERE group_id = NEW.last_group_id) != 0
            OR (SELECT COALESCE(SUM(quantity), 0) FROM ledger_posting WHERE group_id = NEW.last_group_id) != 0
            OR (SELECT seq FROM ledger_group WHERE id = NEW.last_group_id) != NEW.seq
            OR (SELECT prev_hash FROM ledger_group WHERE id = NEW.last_group_id) != OLD.last_hash
        )
        BEGIN SELECT RAISE(ABORT, 'ledger: a movement must sum to zero and follow the last one'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION ledger_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            n bigint; amount numeric; quantity numeric; g_seq bigint; g_prev varchar;
        BEGIN
            IF NEW.last_group_id IS NULL THEN RETURN NEW; END IF;
            SELECT count(*), coalesce(sum(p.amount_cents), 0), coalesce(sum(p.quantity), 0)
                INTO n, amount, quantity FROM ledger_posting p WHERE p.group_id = NEW.last_group_id;
            SELECT g.seq, g.prev_hash INTO g_seq, g_prev FROM ledger_group g WHERE g.id = NEW.last_group_id;
            IF NEW.seq <> OLD.seq + 1 OR n < 2 OR amount <> 0 OR quantity <> 0
                OR g_seq <> NEW.seq OR g_prev <> OLD.last_hash THEN
                RAISE EXCEPTION 'ledger: a movement must sum to zero and follow the last one'
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$""",
    ],
}


def in_batches(apps, schema_editor):
    triggers_drop(schema_editor.connection)
    triggers_create(schema_editor.connection)


def one_step(apps, schema_editor):
    connection = schema_editor.connection
    triggers_drop(connection)
    triggers_create(connection)
    with connection.cursor() as cursor:
        for sql in ONE_STEP[connection.vendor]:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_partial_reversals_running_balances"),
    ]

    operations = [migrations.RunPython(in_batches, one_step)]
