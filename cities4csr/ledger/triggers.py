"""The database's own guard of the ledger (ADR 0025), per vendor: no UPDATE or DELETE of a
movement or a posting, whoever asks (the ORM, raw SQL, a console), and a city's chain head only
advances to the next movement, and only to one whose postings sum to zero.

Used by the migration that makes the tables; the tests drop and re-create them to simulate
tampering by someone with the database's owner rights."""

import threading
from contextlib import contextmanager

SQLITE_CREATE = [
    *[
        f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} {when}
        BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: {op} refused on {table}'); END"""
        for table in ("ledger_posting", "ledger_group")
        # emptying the whole database (flush: the tests, restore --force) deletes row by row on
        # SQLite; PostgreSQL truncates, which row triggers do not see
        for op, when in (("UPDATE", ""), ("DELETE", "WHEN NOT ledger_flushing()"))
    ],
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
]

SQLITE_DROP = [
    *[f"DROP TRIGGER IF EXISTS {t}_no_{op}" for t in ("ledger_posting", "ledger_group") for op in ("update", "delete")],
    "DROP TRIGGER IF EXISTS ledger_head_advance",
]

POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END $$""",
    *[
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"""
        for table in ("ledger_posting", "ledger_group")
    ],
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
    """CREATE TRIGGER ledger_head_advance BEFORE UPDATE ON ledger_head
    FOR EACH ROW EXECUTE FUNCTION ledger_head_advance()""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting",
    "DROP TRIGGER IF EXISTS ledger_group_append_only ON ledger_group",
    "DROP TRIGGER IF EXISTS ledger_head_advance ON ledger_head",
    "DROP FUNCTION IF EXISTS ledger_append_only()",
    "DROP FUNCTION IF EXISTS ledger_head_advance()",
]

_state = threading.local()


def _flushing() -> int:
    return int(getattr(_state, "flushing", False))


@contextmanager
def whole_database_emptied():
    """While ``flush`` empties every table of the database (ledger/management/commands/flush.py),
    the SQLite triggers let its row-by-row DELETE through. Nothing else sets it."""
    _state.flushing = True
    try:
        yield
    finally:
        _state.flushing = False


def sqlite_functions(sender, connection, **kwargs) -> None:
    """Give each SQLite connection the function the triggers ask (a connection without it, a
    console's, is refused every DELETE as well: "no such function")."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("ledger_flushing", 0, _flushing)


STATEMENTS = {"sqlite": (SQLITE_CREATE, SQLITE_DROP), "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP)}


def triggers_create(connection) -> None:
    create, _drop = STATEMENTS[connection.vendor]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)


def triggers_drop(connection) -> None:
    _create, drop = STATEMENTS[connection.vendor]
    with connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
