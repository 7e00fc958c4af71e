"""Income by postcode mapped to neighbourhoods (NIL), pure: an approximation, documented.

Italy's Finance Department (MEF) publishes taxable income per postcode (CAP); a city's
neighbourhoods (Milan's NIL) do not follow postcodes, and no official CAP↔NIL crosswalk exists.
The state schools file (MIUR's registry, geocoded by the Comune with its NIL) names, for each
school, both its postcode (CAPSCUOLA) and its NIL (ID_NIL). A NIL's figure is the mean of its
schools' postcodes' figures, each postcode weighted by the number of the NIL's schools in it:

    value(NIL) = Σ_cap schools(NIL, cap) · value(cap) / Σ_cap schools(NIL, cap)

over the postcodes that have a published figure. A NIL without a school (parks, farmland) gets no
value: the lens leaves it unranked rather than guess. Schools follow where children live, so this
leans towards residential streets, which is what a per-resident lens wants; it is still an
approximation and the page says so (docs/adr/0035-equity-lens.md).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping

#: the columns of the MEF summary file (one row per CAP) the lens reads, by indicator key
INCOME_COLUMNS = {
    "income_mean": "reddito_imponibile_medio_eur",
    "low_income_share": "quota_contribuenti_reddito_complessivo_fino_15000_pct",
}


def schools_by_area(
    geojson: str | bytes, *, postcode_field="CAPSCUOLA", area_field="ID_NIL"
) -> dict[str, dict[str, int]]:
    """{area code: {postcode: number of schools}} from a schools GeoJSON's properties."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    try:
        data = json.loads(geojson)
    except ValueError as error:
        raise ValueError(f"the schools file is not GeoJSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValueError("the schools file is not a GeoJSON FeatureCollection")
    for feature in data["features"]:
        properties = feature.get("properties") or {}
        postcode = str(properties.get(postcode_field) or "").strip()
        area = str(properties.get(area_field) or "").strip()
        if postcode and area:
            counts[area][postcode] += 1
    return {area: dict(postcodes) for area, postcodes in counts.items()}


def figures_by_postcode(
    text: str, *, postcode_field="CAP", columns: Mapping[str, str] = INCOME_COLUMNS
) -> dict[str, dict[str, float]]:
    """{indicator key: {postcode: value}} from the MEF summary CSV (blank cells left out)."""
    out: dict[str, dict[str, float]] = {key: {} for key in columns}
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in (postcode_field, *columns.values()) if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"the income file has no column {', '.join(missing)}")
    for line, row in enumerate(reader, start=2):
        postcode = (row.get(postcode_field) or "").strip()
        for key, column in columns.items():
            raw = (row.get(column) or "").strip()
            if postcode and raw:
                try:
                    out[key][postcode] = float(raw)
                except ValueError:
                    raise ValueError(f"line {line}: {column} {raw!r} is not a number") from None
    return out


def by_area(postcode_values: Mapping[str, float], schools: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Each area's school-weighted mean of its postcodes' values (areas with none left out)."""
    out = {}
    for area, postcodes in schools.items():
        known = [(count, postcode_values[p]) for p, count in postcodes.items() if p in postcode_values]
        weight = sum(count for count, _ in known)
        if weight:
            out[area] = sum(count * value for count, value in known) / weight
    return out


def income_by_area(income_csv: str, schools_geojson: str | bytes) -> dict[str, dict[str, float]]:
    """{indicator key: {area code: value}} for ``income_mean`` and ``low_income_share``."""
    schools = schools_by_area(schools_geojson)
    return {key: by_area(values, schools) for key, values in figures_by_postcode(income_csv).items()}
