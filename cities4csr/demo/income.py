"""Milan's income per NIL for the demo: the MEF's income per postcode (tax year 2021) mapped to
NIL through the state schools file (cities4csr.impact.income explains the approximation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cities4csr.cities.models import Indicator
from cities4csr.impact.equity_load import income_indicators_load

DATA = Path(__file__).resolve().parent / "data"
INCOME_FILE = "milano_reddito_cap_2021_sintesi.csv"
SCHOOLS_FILE = "milano_scuole_statali_2020_21.geojson"
SOURCE = (
    "MEF, Dipartimento delle Finanze, redditi IRPEF per CAP (anno d'imposta 2021), "
    "riportati ai NIL con le scuole statali a.s. 2020/21 (Comune di Milano, ds1305)"
)
ATTRIBUTION = "MEF – Dipartimento delle Finanze; Comune di Milano"


def milan_income_indicators(city, say=lambda *_: None, *, data: Path = DATA) -> None:
    """Load ``income_mean`` and ``low_income_share`` per NIL (once) through the indicator import."""
    if Indicator.objects.filter(city=city, key="income_mean").exists():
        return
    counts = income_indicators_load(
        actor=None,
        city=city,
        income_csv=(data / INCOME_FILE).read_text(encoding="utf-8"),
        schools_geojson=(data / SCHOOLS_FILE).read_text(encoding="utf-8"),
        area_kind="nil",
        date=dt.date(2021, 12, 31),
        source=SOURCE,
        licence="CC BY 4.0",
        attribution=ATTRIBUTION,
    )
    for key, n in counts.items():
        say(f"milano indicator {key}: {n} values")
