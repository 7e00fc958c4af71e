"""Milan's income per NIL for the demo: the MEF's income per postcode (tax year 2021) mapped to
NIL through the state schools file (cities4csr.impact.income explains the approximation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cities4csr.cities.models import Indicator
from cities4csr.cities.services import indicator_import
from cities4csr.impact.income import income_by_area

DATA = Path(__file__).resolve().parent / "data"
INCOME_FILE = "milano_reddito_cap_2021_sintesi.csv"
SCHOOLS_FILE = "milano_scuole_statali_2020_21.geojson"
SOURCE = (
    "MEF, Dipartimento delle Finanze, redditi IRPEF per CAP (anno d'imposta 2021), "
    "riportati ai NIL con le scuole statali a.s. 2020/21 (Comune di Milano, ds1305)"
)
ATTRIBUTION = "MEF – Dipartimento delle Finanze; Comune di Milano"
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
TAX_YEAR_END = dt.date(2021, 12, 31)


def milan_income_indicators(city, say=lambda *_: None, *, data: Path = DATA) -> None:
    """Load ``income_mean`` and ``low_income_share`` per NIL (once) through the indicator import."""
    if Indicator.objects.filter(city=city, key="income_mean").exists():
        return
    figures = income_by_area(
        (data / INCOME_FILE).read_text(encoding="utf-8"), (data / SCHOOLS_FILE).read_text(encoding="utf-8")
    )
    for key, names, unit, worse in INDICATORS:
        values = {code: round(value, 1) for code, value in figures[key].items()}
        indicator_import(
            actor=None,
            city=city,
            key=key,
            names=names,
            area_kind="nil",
            date=TAX_YEAR_END,
            values=values,
            unit=unit,
            higher_is_worse=worse,
            source=SOURCE,
            licence="CC BY 4.0",
            attribution=ATTRIBUTION,
        )
        say(f"milano indicator {key}: {len(values)} values")
