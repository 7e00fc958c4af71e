"""The database's own guard of the ledger (ADR 0025), per vendor: no UPDATE or DELETE of a
movement or a posting, whoever asks (the ORM, raw SQL, a console), and a city's chain head only
advances over movements that follow it: numbered on without a gap, each chained to the one before
and with postings that sum to zero (a batch of movements moves it once, over all of them).

Used by the migration that makes the tables; the tests drop and re-create them to simulate
tampering by someone with the database's owner rights."""

import threading
from contextlib import contextmanager

#: what the head's advance refuses, whatever the vendor
REFUSED = "ledger: a movement must sum to zero and follow the last one"

# The movements of the range (OLD.seq, NEW.seq] of the head's city that do not balance: fewer
# than two postings, or amounts or quantities that do not sum to zero (one aggregate query).
UNBALANCED = """SELECT g.id FROM ledger_group g LEFT JOIN ledger_posting p ON p.group_id = g.id
            WHERE g.city_id = NEW.city_id AND g.seq > OLD.seq AND g.seq <= NEW.seq
            GROUP BY g.id
            HAVING COUNT(p.id) < 2 OR COALESCE(SUM(p.amount_cents), 0) != 0 OR COALESCE(SUM(p.quantity), 0) != 0"""

# The movements of the range that do not follow the one before (the first: the head's old hash),
# once the range is known to have no gap (one window query).
UNLINKED = """SELECT 1 FROM (
                SELECT g.prev_hash, LAG(g.hash, 1, OLD.last_hash) OVER (ORDER BY g.seq) AS expected
                FROM ledger_group g WHERE g.city_id = NEW.city_id AND g.seq > OLD.seq AND g.seq <= NEW.seq
            ) AS links WHERE links.prev_hash != links.expected"""

SQLITE_CREATE = [
    *[
        f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} {when}
        BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: {op} refused on {table}'); END"""
        for table in ("ledger_posting", "ledger_group")
        # emptying the whole database (flush: the tests, restore --force) deletes row by row on
        # SQLite; PostgreSQL truncates, which row triggers do not see
        for op, when in (("UPDATE", ""), ("DELETE", "WHEN NOT ledger_flushing()"))
    ],
    f"""CREATE TRIGGER ledger_head_advance BEFORE UPDATE ON ledger_head
    WHEN NEW.last_group_id IS NOT NULL AND (
        NEW.city_id != OLD.city_id
        OR NEW.seq <= OLD.seq
        -- the head names the range's last movement, by its number and its hash
        OR NOT EXISTS (SELECT 1 FROM ledger_group g WHERE g.id = NEW.last_group_id AND g.city_id = NEW.city_id
                       AND g.seq = NEW.seq AND g.hash = NEW.last_hash)
        -- (city, seq) is unique: as many movements as numbers in the range is no gap
        OR (SELECT COUNT(*) FROM ledger_group g
            WHERE g.city_id = NEW.city_id AND g.seq > OLD.seq AND g.seq <= NEW.seq) != NEW.seq - OLD.seq
        OR EXISTS ({UNBALANCED})
        OR EXISTS ({UNLINKED})
    )
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",  # noqa: S608 (constants of this module)
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
    f"""CREATE OR REPLACE FUNCTION ledger_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n bigint;
    BEGIN
        IF NEW.last_group_id IS NULL THEN RETURN NEW; END IF;
        IF NEW.city_id <> OLD.city_id OR NEW.seq <= OLD.seq
            OR NOT EXISTS (SELECT 1 FROM ledger_group g WHERE g.id = NEW.last_group_id AND g.city_id = NEW.city_id
                           AND g.seq = NEW.seq AND g.hash = NEW.last_hash) THEN
            RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
        END IF;
        SELECT count(*) INTO n FROM ledger_group g
            WHERE g.city_id = NEW.city_id AND g.seq > OLD.seq AND g.seq <= NEW.seq;
        IF n <> NEW.seq - OLD.seq OR EXISTS ({UNBALANCED}) OR EXISTS ({UNLINKED}) THEN
            RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",  # noqa: S608 (constants of this module)
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
