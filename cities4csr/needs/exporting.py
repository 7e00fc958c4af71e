"""Export of the public catalogue as CSV, XLSX or GeoJSON: one row per resource line.

``export_rows`` builds the rows once; the three formats only lay them out. Money lines are
counted in units of the city's currency (unit "EUR" for Milan; the ``*_eur`` columns keep their
names for the readers of earlier files), other kinds in their own unit (hours, days, units).
Amounts are exact numbers with "." (data for programs, not text for people).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from cities4csr.core.money import cents_to_euros
from cities4csr.core.tabular import safe_cell

from .models import ResourceKind

NEED_COLUMNS = (
    "need_id",
    "title",
    "state",
    "owner",
    "action",
    "area_code",
    "area_name",
    "district",
    "lat",
    "lon",
    "themes",
    "sdgs",
)
LINE_COLUMNS = (
    "line_id",
    "kind",
    "label",
    "unit",
    "quantity",
    "committed",
    "value_eur",
    "open_gap_eur",
)
COLUMNS = (*NEED_COLUMNS, *LINE_COLUMNS, "need_open_gap_eur")

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def _line_values(line, currency: str) -> dict:
    money = line.kind == ResourceKind.MONEY
    amount = cents_to_euros if money else (lambda q: q)
    return {
        "line_id": line.pk,
        "kind": line.kind,
        "label": line.label,
        "unit": currency if money else line.unit,
        "quantity": amount(line.quantity),
        "committed": amount(min(line.committed, line.quantity)),
        "value_eur": cents_to_euros(line.value_cents),
        "open_gap_eur": cents_to_euros(line.value_of(line.remaining)),
    }


def export_rows(needs: Iterable, *, currency: str) -> Iterator[dict]:
    """One dict per resource line of ``needs`` (a need without lines gives one row with empty line columns).

    ``needs`` should come with area, district, action and owner selected and lines and themes
    prefetched, as ``selectors.needs_catalogue(...).qs`` gives them.
    """
    for need in needs:
        base = {
            "need_id": need.pk,
            "title": need.title,
            "state": need.state,
            "owner": need.owner.name,
            "action": need.action.number if need.action else None,
            "area_code": need.area.code if need.area else "",
            "area_name": need.area.name if need.area else "",
            "district": need.district.name if need.district else "",
            "lat": need.lat,
            "lon": need.lon,
            "themes": ";".join(t.key for t in need.themes.all()),
            "sdgs": ";".join(need.sdgs),
            "need_open_gap_eur": cents_to_euros(need.value_open_cents),
        }
        lines = list(need.lines.all()) or [None]
        for line in lines:
            yield {**base, **(_line_values(line, currency) if line else dict.fromkeys(LINE_COLUMNS))}


_safe_text = safe_cell  # formulas quoted, control characters dropped (core.tabular)


def to_csv(rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else _safe_text(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def to_xlsx(rows: Iterable[dict]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("needs")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_safe_text(row[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def to_geojson(rows: Iterable[dict]) -> dict:
    """One Point feature per need with a place; its lines are listed in its properties."""
    features: dict[int, dict] = {}
    for row in rows:
        if row["lat"] is None or row["lon"] is None:
            continue
        feature = features.get(row["need_id"])
        if feature is None:
            properties = {
                c: _json_value(row[c]) for c in (*NEED_COLUMNS, "need_open_gap_eur") if c not in ("lat", "lon")
            }
            feature = features[row["need_id"]] = {
                "type": "Feature",
                "id": row["need_id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {**properties, "lines": []},
            }
        if row["line_id"] is not None:
            feature["properties"]["lines"].append({c: _json_value(row[c]) for c in LINE_COLUMNS})
    return {"type": "FeatureCollection", "features": list(features.values())}


def export_filename(city, fmt: str) -> str:
    return f"needs-{city.slug}-{timezone.localdate().isoformat()}.{fmt}"


def export_response(*, city, needs, fmt: str) -> HttpResponse:
    """The download of ``needs`` in ``fmt`` (csv, xlsx or geojson), for the pages and the API."""
    if isinstance(needs, QuerySet):  # the areas' polygons are not exported: do not load them
        needs = needs.defer("area__geometry", "district__geometry")
    rows = export_rows(needs, currency=city.currency)
    if fmt == "csv":
        content = to_csv(rows)
    elif fmt == "xlsx":
        content = to_xlsx(rows)
    elif fmt == "geojson":
        content = json.dumps(to_geojson(rows), ensure_ascii=False).encode("utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(city, fmt)}"'
    return response
