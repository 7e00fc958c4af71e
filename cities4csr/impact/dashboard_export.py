"""The dashboard as files: CSV (one table after the other, a ``table`` column naming each) and
XLSX (one sheet per table). The same figures as the page, as data for programs: amounts in units
of the city's currency with ".", periods as ISO dates, codes beside names."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from cities4csr.core.money import cents_to_euros
from cities4csr.core.tabular import safe_cell

from .dashboard import DIMENSIONS, Dashboard

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OVER_TIME = ("period_start", "cash", "in_kind_value", "time_value", "hours", "companies_engaged", "needs_fulfilled")
FUNNEL = (
    "group",
    "name",
    "published",
    "published_value",
    "pledged",
    "pledged_value",
    "delivered",
    "delivered_value",
    "verified",
    "verified_value",
)


def _period_row(period, start: str) -> list:
    return [
        start,
        cents_to_euros(period.cash_cents),
        cents_to_euros(period.in_kind_cents),
        cents_to_euros(period.time_cents),
        period.hours,
        period.givers,
        period.needs_fulfilled,
    ]


def _funnel_row(group: str, name: str, stages) -> list:
    row = [group, name]
    for stage in stages:
        row += [stage.count, cents_to_euros(stage.value_cents)]
    return row


def tables(data: Dashboard, names: dict) -> dict[str, tuple[tuple, list[list]]]:
    """{table: (columns, rows)}: totals over time (and the whole period), the funnel, and the
    funnel by theme, area and action. ``names``: {dimension: {key: name}} in the reader's words."""
    over_time = [_period_row(p, p.start.isoformat()) for p in data.periods]
    over_time.append(_period_row(data.totals, "total"))
    result = {
        "totals_over_time": (OVER_TIME, over_time),
        "funnel": (FUNNEL, [_funnel_row("city", "", data.funnel)]),
    }
    for dimension in DIMENSIONS:
        rows = [
            _funnel_row(row.key, names.get(dimension, {}).get(row.key, row.key), row.stages)
            for row in data.by.get(dimension, [])
        ]
        result[f"funnel_by_{dimension}"] = (FUNNEL, rows)
    return result


def to_csv(tables_: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, (columns, rows) in tables_.items():
        writer.writerow(["table", *columns])
        for row in rows:
            writer.writerow([name, *("" if cell is None else safe_cell(cell) for cell in row)])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def to_xlsx(tables_: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, (columns, rows) in tables_.items():
        sheet = workbook.create_sheet(name[:31])
        sheet.append(list(columns))
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(*, city, data: Dashboard, names: dict, fmt: str) -> HttpResponse:
    found = tables(data, names)
    content = to_csv(found) if fmt == "csv" else to_xlsx(found)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = f"dashboard-{city.slug}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
