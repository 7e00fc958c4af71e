"""Many new rows of one model written at once, faster than ``bulk_create`` on PostgreSQL: a bank
statement's thousand lines, movements, postings and audit events a chunk.

On PostgreSQL, from ``COPY_FROM`` rows, the primary keys are taken from the table's sequence in
one query and the rows are streamed with COPY (psycopg's C copy: no SQL literal per value,
several times faster than ``bulk_create``'s INSERT for thousands of rows); otherwise it is
``bulk_create`` (a single movement keeps its one INSERT). Either way the objects come back saved,
with their primary keys, as ``bulk_create`` leaves them. No signals are sent (as with
``bulk_create``); the database's constraints and triggers apply as to any INSERT.
"""

from __future__ import annotations

import json
import operator

from django.db import connections, router
from django.db.models import JSONField, Model
from django.utils import timezone

#: fewer rows than this are inserted by ``bulk_create``: COPY costs a round trip more
COPY_FROM = 50

#: field types whose Python value is what the database stores (no conversion to make)
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def rows_insert(objs: list[Model]) -> list[Model]:
    """Insert ``objs``, new instances of one model (their related objects saved already)."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        model._base_manager.using(alias).bulk_create(objs)
        return objs
    meta = model._meta
    missing = [obj for obj in objs if obj.pk is None]
    with connection.cursor() as cursor:
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(missing)],
            )
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = pk
        now = timezone.now()
        fields = meta.concrete_fields
        kinds = [_kind(field) for field in fields]
        # the values stored as they are read in one C call a row (attrgetter), the few others
        # (a time stamp, a JSON document, a relation assigned before it had its key) one by one
        read = operator.attrgetter(*(field.attname for field in fields))
        special = [
            (index, field, kind)
            for index, (field, kind) in enumerate(zip(fields, kinds, strict=True))
            if kind != "as_is" or field.is_relation
        ]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj in objs:
                row = read(obj)
                if len(fields) == 1:
                    row = (row,)
                if special:
                    row = list(row)
                    for index, field, kind in special:
                        if kind != "as_is" or row[index] is None:
                            row[index] = _value(obj, field, kind, now, connection)
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs


def _kind(field) -> str:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now"
    if isinstance(field, JSONField):
        return "json"
    return "as_is" if field.get_internal_type() in _AS_IS else "prep"


def _value(obj: Model, field, kind: str, now, connection):
    if kind == "now":
        value = getattr(obj, field.attname) or now
        setattr(obj, field.attname, value)
        return value
    value = getattr(obj, field.attname)
    if value is None and field.is_relation and field.is_cached(obj):
        related = field.get_cached_value(obj)  # assigned before it had its key
        value = None if related is None else related.pk
        setattr(obj, field.attname, value)
    if kind == "as_is" or value is None:
        return value
    if kind == "json":
        return json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def rows_copy(model: type[Model], columns: list[str], rows: list[tuple]) -> int:
    """Insert ``rows`` of ``model`` given as plain tuples, one value per attribute of ``columns``
    (every concrete field's ``attname`` but the primary key's and the time stamps', which are set
    to now); returns how many. ``rows_insert`` without a model instance per row, for the many
    rows nothing reads back (a statement's lines, a batch's postings): their primary keys come
    from the table's default, in order, and are not read back. The values are as the model holds
    them (a JSON field's a dict); no field's ``pre_save`` runs."""
    if not rows:
        return 0
    meta = model._meta
    fields = {field.attname: field for field in meta.concrete_fields}
    stamps = [name for name, field in fields.items() if _kind(field) == "now" and name not in columns]
    expected = set(fields) - {meta.pk.attname} - set(stamps)
    if set(columns) != expected or len(columns) != len(expected):
        raise ValueError(f"rows_copy of {meta.label} needs the columns {sorted(expected)}")
    alias = router.db_for_write(model)
    connection = connections[alias]
    now = timezone.now()
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        objs = [model(**dict(zip(columns, row, strict=True)), **dict.fromkeys(stamps, now)) for row in rows]
        model._base_manager.using(alias).bulk_create(objs)
        return len(objs)
    # values the database takes as Python holds them go as they are; the others (a JSON
    # document, a value with a conversion of its own) are converted, when not None
    convert = [
        (index, fields[name])
        for index, name in enumerate(columns)
        if not fields[name].is_relation and _kind(fields[name]) != "as_is"
    ]
    names = [fields[name].column for name in (*columns, *stamps)]
    table = connection.ops.quote_name(meta.db_table)
    sql = f"COPY {table} ({', '.join(map(connection.ops.quote_name, names))}) FROM STDIN"
    tail = (now,) * len(stamps)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if convert:
                row = list(row)
                for index, field in convert:
                    if row[index] is not None:
                        row[index] = (
                            json.dumps(row[index], cls=field.encoder)
                            if isinstance(field, JSONField)
                            else field.get_db_prep_save(row[index], connection)
                        )
            copy.write_row((*row, *tail))
    return len(rows)


def keys_found(model: type[Model], *, city_id: int, field: str, values) -> dict[str, int]:
    """``{value: primary key}`` of the rows of ``model`` in city ``city_id`` whose ``field`` is one of
    ``values`` (non-empty strings: an empty one is never found), looked up by the (city, field) unique index one value at a time.

    On PostgreSQL each value is probed with a LATERAL subquery: the plan does not depend on the
    table's statistics, which lag behind a large import (a city's first statement of 100,000
    lines: its rows are "few" until the next ANALYZE, so ``city = … AND field IN (…)`` reads
    every row of the city through its index, a chunk after the other). Elsewhere, an IN."""
    values = [value for value in values if value]
    if not values:
        return {}
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        rows = model._base_manager.using(alias).filter(city_id=city_id, **{f"{field}__in": values})
        return dict(rows.values_list(field, "pk"))
    quote = connection.ops.quote_name
    table, column = quote(meta.db_table), quote(meta.get_field(field).column)
    sql = (
        f"SELECT k.value, t.id FROM unnest(%s::text[]) AS k(value) CROSS JOIN LATERAL "  # noqa: S608 (names of the model)
        f"(SELECT {quote(meta.pk.column)} AS id FROM {table} "
        # "<> ''": the predicate of a unique index on the non-empty values only (a movement's source)
        f"WHERE {quote(meta.get_field('city').column)} = %s AND {column} = k.value AND {column} <> '' LIMIT 1) AS t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [values, city_id])
        return dict(cursor.fetchall())
