"""Reads of the equity lens: what reached each of the city's neighbourhoods, per resident,
against their need indicators (impact.equity computes; this feeds it).

The ledger is read through ``ledger.selectors.flows`` only (the one read of every report): what
the city's receivers (needs, organisations paid by a fund) received, by area, resource kind and
unit. Euros are the value of what is not time (cash, goods, space); hours are time (volunteer
time, pro-bono expertise) read in its unit. Six queries whatever the city's size; the sums per
area are cached until the ledger moves (``received_by_area``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cities4csr.cities.models import Area, Indicator, IndicatorValue
from cities4csr.ledger.resources import TIME_UNITS
from cities4csr.ledger.selectors import flows_kept
from cities4csr.needs.models import Action

from .equity import HIGH_NEED_RANK, AreaInput, Equity, deprivation_ranks, equity_compute

POPULATION = "population"


@dataclass
class EquityView:
    """The lens's figures with what the page and the API show beside them."""

    equity: Equity
    area_kind: str
    indicators: list[Indicator]  # the need indicators shown, in order
    values: dict[str, dict[str, float]] = field(default_factory=dict)  # {area code: {indicator key: value}}
    since: dt.date | None = None
    until: dt.date | None = None
    population_indicator: Indicator | None = None
    ranked_by: list[Indicator] = field(default_factory=list)  # the "higher is worse" ones

    @property
    def has_population(self) -> bool:
        return self.population_indicator is not None and self.equity.population > 0


def _latest_values(city, indicators) -> dict[int, dict[int, float]]:
    """{indicator id: {area id: latest value}} in one query."""
    latest: dict[int, dict[int, float]] = {i.pk: {} for i in indicators}
    rows = (
        IndicatorValue.objects.filter(city=city, indicator__in=[i.pk for i in indicators])
        .order_by("indicator_id", "area_id", "-date")
        .values_list("indicator_id", "area_id", "value")
    )
    for indicator_id, area_id, value in rows:
        latest[indicator_id].setdefault(area_id, value)
    return latest


def _sum_by_area(rows, cents: dict, minutes: dict) -> None:
    for flow in rows:
        code = flow.area_code or ""
        if flow.unit in TIME_UNITS:
            minutes[code] = minutes.get(code, 0) + flow.minutes
        else:
            cents[code] = cents.get(code, 0) + flow.value_cents


def received_by_area(*, city, since=None, until=None) -> tuple[dict[str, int], dict[str, int]]:
    """({area code: cents}, {area code: minutes}) received by the city's needs and recipients
    ('' = city-wide, not located). Summing the whole ledger is the page's only heavy read, so the
    sums are kept until the ledger moves, and then only the new movements are added
    (``ledger.selectors.flows_kept``)."""
    cents: dict[str, int] = {}
    minutes: dict[str, int] = {}
    _sum_by_area(
        flows_kept(
            city=city,
            name=f"equity:{since or ''}:{until or ''}",
            since=since,
            until=until,
            by=("area_code", "resource_kind", "unit"),
        ),
        cents,
        minutes,
    )
    return cents, minutes


def equity_of_city(*, city, since: dt.date | None = None, until: dt.date | None = None) -> EquityView:
    """The equity lens over the city's primary areas (NIL) from ``since`` to ``until`` (the
    ledger's effective dates, both included; the whole history when None). Public figures only:
    sums by area, no giver, no person."""
    settings = city.settings.equity or {}
    kind = city.settings.primary_area_kind
    areas = sorted(
        Area.objects.filter(city=city, kind=kind).order_by("code", "id").values_list("id", "code", "name"),
        key=lambda a: (len(a[1]), a[1]),  # the codes' natural order: NIL 9 before NIL 10
    )
    indicators = list(Indicator.objects.filter(city=city, area_kind=kind).order_by("key"))
    by_key = {i.key: i for i in indicators}
    population_indicator = by_key.get(settings.get("population_indicator", POPULATION))
    latest = _latest_values(city, indicators)
    ranked_by = [i for i in indicators if i.higher_is_worse]
    ranks = deprivation_ranks([[latest[i.pk].get(pk) for pk, _, _ in areas] for i in ranked_by], len(areas))
    targets = set(
        Action.target_areas.through.objects.filter(action__city=city, area__kind=kind).values_list("area_id", flat=True)
    )
    cents, minutes = received_by_area(city=city, since=since, until=until)
    population = latest.get(population_indicator.pk, {}) if population_indicator else {}
    inputs = [
        AreaInput(
            code=code,
            name=name,
            population=round(population.get(pk, 0)),
            cents=cents.get(code, 0),
            minutes=minutes.get(code, 0),
            target=pk in targets,
            deprivation=rank,
        )
        for (pk, code, name), rank in zip(areas, ranks, strict=True)
    ]
    known = {code for _, code, _ in areas}
    result = equity_compute(
        inputs,
        # what went to an area not among these (or to none) counts for the city as a whole
        city_wide_cents=sum(v for code, v in cents.items() if code not in known),
        city_wide_minutes=sum(v for code, v in minutes.items() if code not in known),
        high_need_rank=float(settings.get("high_need_rank", HIGH_NEED_RANK)),
    )
    shown_keys = settings.get("indicators")
    if shown_keys is None:
        shown = [i for i in indicators if i is not population_indicator]
    else:
        shown = [by_key[key] for key in shown_keys if key in by_key]
    values = {code: {i.key: latest[i.pk][pk] for i in shown if pk in latest[i.pk]} for pk, code, _ in areas}
    return EquityView(
        equity=result,
        area_kind=kind,
        indicators=shown,
        values=values,
        since=since,
        until=until,
        population_indicator=population_indicator,
        ranked_by=ranked_by,
    )


def under_served_by_area(*, city) -> dict[int, float]:
    """{area id: under-served score 0 … 1} over the whole history: the matching engine's input
    (a need in an area that received less per resident than the city's average ranks higher)."""
    kind = city.settings.primary_area_kind
    ids = dict(Area.objects.filter(city=city, kind=kind).values_list("code", "id"))
    view = equity_of_city(city=city)
    if not view.has_population:
        return {}  # nothing to measure per resident: matching then leaves the lift as it was
    scores = view.equity.under_served_by_code()
    return {ids[code]: score for code, score in scores.items() if code in ids}
