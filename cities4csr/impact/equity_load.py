"""Load a city's income per neighbourhood as indicators (the demo's Milan, and real cities through
``manage.py income_import``): the MEF's figures per postcode mapped to areas through a schools
file (``impact.income`` explains the approximation), recorded with the indicator import."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from cities4csr.cities.services import indicator_import

from .income import income_by_area

#: (key, names, unit, higher is worse)
INDICATORS = [
    (
        "income_mean",
        {
            "it": "Reddito imponibile medio (stima per NIL)",
            "en": "Mean taxable income (estimate per NIL)",
            "fr": "Revenu imposable moyen (estimation par NIL)",
        },
        "€",
        False,
    ),
    (
        "low_income_share",
        {
            "it": "Quota di contribuenti fino a 15.000 € (stima per NIL)",
            "en": "Share of taxpayers up to €15,000 (estimate per NIL)",
            "fr": "Part des contribuables jusqu'à 15 000 € (estimation par NIL)",
        },
        "%",
        True,
    ),
]


def income_indicators_load(
    *,
    actor,
    city,
    income_csv: str,
    schools_geojson: str,
    area_kind: str,
    date: dt.date,
    source: str,
    licence: str,
    attribution: str,
) -> dict[str, int]:
    """Record ``income_mean`` and ``low_income_share`` per area; {key: number of areas}. A file
    that cannot be read, or that maps no area, is refused (``ValidationError``) and nothing is
    written; the two indicators are written together or not at all."""
    try:
        figures = income_by_area(income_csv, schools_geojson)
    except ValueError as error:
        raise ValidationError(str(error), code="unreadable") from None
    if not any(figures.values()):
        raise ValidationError("no area has a figure: no school's postcode is in the income file", code="empty")
    counts = {}
    with transaction.atomic():
        for key, names, unit, worse in INDICATORS:
            values = {code: round(value, 1) for code, value in figures[key].items()}
            indicator_import(
                actor=actor,
                city=city,
                key=key,
                names=names,
                area_kind=area_kind,
                date=date,
                values=values,
                unit=unit,
                higher_is_worse=worse,
                source=source,
                licence=licence,
                attribution=attribution,
            )
            counts[key] = len(values)
    return counts
