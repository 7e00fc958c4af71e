"""The equity lens, pure: does company support reach the neighbourhoods that need it most?

Plain Python, no Django (the pure-modules contract); fed per area by ``impact.equity_selectors``.

For each area (a NIL) it takes the residents, what the area received (euros: cash and in-kind
value; time: minutes), whether it is a target area of the action plan, and its deprivation rank
(0 least … 1 most deprived, the mean rank of the city's "higher is worse" indicators). It gives:

- euros and hours per resident (``None`` where nobody lives: a park);
- the share of all that was received that reached the plan's target areas;
- the Lorenz curve of euros per resident across areas, weighted by residents (areas sorted from
  the least to the most received per resident; x = cumulative share of residents, y = cumulative
  share of euros), and its Gini coefficient, 1 − Σ (xₖ − xₖ₋₁)(yₖ + yₖ₋₁): the population-weighted
  Gini, equal to Σᵢ Σⱼ pᵢ pⱼ |eᵢ − eⱼ| / (2 P² ē); ``gini_unweighted`` is the same with each area
  counted once;
- the high-need areas (deprivation rank ≥ the city's threshold) that received nothing;
- the under-served score per area, for matching: 1 − min(1, euros per resident ÷ the city's euros
  per resident): 1 where nothing arrived, 0 at or above the city's average (all 1 when the city
  received nothing; 0 where nobody lives).

Money stays integer cents until it is divided by residents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: an area counts as high-need from this deprivation rank up (the city may set its own)
HIGH_NEED_RANK = 0.75


@dataclass(frozen=True)
class AreaInput:
    """What the lens knows of one area."""

    code: str
    name: str
    population: int
    cents: int = 0  # euros received (cash and in-kind value), in cents
    minutes: int = 0  # time received
    target: bool = False  # a target area of the action plan
    deprivation: float | None = None  # rank 0 … 1, None when the city has no indicator for it


@dataclass(frozen=True)
class AreaEquity:
    code: str
    name: str
    population: int
    cents: int
    minutes: int
    target: bool
    deprivation: float | None
    cents_per_resident: float | None
    hours_per_resident: float | None
    high_need: bool
    under_served: float

    @property
    def received_nothing(self) -> bool:
        return self.cents <= 0 and self.minutes <= 0


@dataclass(frozen=True)
class LorenzPoint:
    residents_share: float
    euros_share: float
    code: str = ""  # the area that ends this step ("" for the origin)


@dataclass
class Equity:
    areas: list[AreaEquity]
    city_wide_cents: int = 0  # received, not located in an area
    city_wide_minutes: int = 0
    lorenz: list[LorenzPoint] = field(default_factory=list)
    gini: float | None = None
    gini_unweighted: float | None = None
    high_need_rank: float = HIGH_NEED_RANK

    @property
    def total_cents(self) -> int:
        return sum(a.cents for a in self.areas) + self.city_wide_cents

    @property
    def total_minutes(self) -> int:
        return sum(a.minutes for a in self.areas) + self.city_wide_minutes

    @property
    def population(self) -> int:
        return sum(a.population for a in self.areas)

    @property
    def target_cents(self) -> int:
        return sum(a.cents for a in self.areas if a.target)

    @property
    def target_minutes(self) -> int:
        return sum(a.minutes for a in self.areas if a.target)

    @property
    def target_share(self) -> float | None:
        """Share of all the euros received (city-wide ones included) that reached target areas."""
        return share(self.target_cents, self.total_cents)

    @property
    def target_hours_share(self) -> float | None:
        return share(self.target_minutes, self.total_minutes)

    @property
    def cents_per_resident(self) -> float | None:
        return per_resident(self.total_cents, self.population)

    @property
    def high_need_without(self) -> list[AreaEquity]:
        """High-need areas that received nothing, most deprived first."""
        found = [a for a in self.areas if a.high_need and a.received_nothing]
        return sorted(found, key=lambda a: (-(a.deprivation or 0), a.code))

    def under_served_by_code(self) -> dict[str, float]:
        return {a.code: a.under_served for a in self.areas}


def share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole > 0 else None


def per_resident(amount: int | float, population: int) -> float | None:
    return amount / population if population > 0 else None


def lorenz_curve(values: Sequence[float], weights: Sequence[float], labels: Sequence[str] = ()) -> list[LorenzPoint]:
    """The Lorenz curve of ``values`` per unit of weight (euros per resident) with ``weights``
    (residents): points from (0, 0) to (1, 1), units sorted by value ascending (ties by label, shorter first).
    Units without weight are left out. Empty when there is no weight or nothing to share."""
    labels = list(labels) or [""] * len(values)
    rows = sorted(
        ((v, w, label) for v, w, label in zip(values, weights, labels, strict=True) if w > 0),
        key=lambda r: (r[0], len(r[2]), r[2]),  # ties in the codes' natural order (9 before 10)
    )
    total_weight = sum(w for _, w, _ in rows)
    total = sum(v * w for v, w, _ in rows)
    if total_weight <= 0 or total <= 0:
        return []
    points = [LorenzPoint(0.0, 0.0)]
    weight_so_far = amount_so_far = 0.0
    for value, weight, label in rows:
        weight_so_far += weight
        amount_so_far += value * weight
        points.append(LorenzPoint(weight_so_far / total_weight, amount_so_far / total, label))
    last = points[-1]
    points[-1] = LorenzPoint(1.0, 1.0, last.code)  # exact end, free of rounding
    return points


def gini_of_curve(points: Sequence[LorenzPoint]) -> float | None:
    """1 − twice the area under the Lorenz curve (trapezoids): 0 all equal, → 1 all in one unit."""
    if not points:
        return None
    area2 = sum(
        (b.residents_share - a.residents_share) * (b.euros_share + a.euros_share)
        for a, b in zip(points, points[1:], strict=False)
    )
    return min(max(1.0 - area2, 0.0), 1.0)


def gini(values: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
    """The Gini coefficient of ``values`` (per unit), weighted by ``weights`` (each unit once
    when None). None when nothing is shared or there is no weight."""
    weights = [1.0] * len(values) if weights is None else weights
    return gini_of_curve(lorenz_curve(values, weights))


def gini_unweighted(values: Sequence[float]) -> float | None:
    """The Gini of ``values`` with each one counted once (e.g. euros per resident, one per NIL)."""
    return gini(values)


def deprivation_ranks(indicators: Sequence[Sequence[float | None]], size: int | None = None) -> list[float | None]:
    """Per area, the mean over indicators (each a vector over the same areas, higher is worse,
    None unknown) of the area's rank among the areas known to it, 0 best … 1 worst; ties share
    their mean rank. None for an area no indicator knows. An indicator known in fewer than two
    areas ranks nothing. ``size``: the number of areas (there may be no indicator)."""
    n = len(indicators[0]) if indicators else (size or 0)
    sums = [0.0] * n
    counts = [0] * n
    for vector in indicators:
        known = sorted((v, i) for i, v in enumerate(vector) if v is not None)
        if len(known) < 2:
            continue
        position = 0
        while position < len(known):
            end = position
            while end + 1 < len(known) and known[end + 1][0] == known[position][0]:
                end += 1
            rank = (position + end) / 2 / (len(known) - 1)
            for _, i in known[position : end + 1]:
                sums[i] += rank
                counts[i] += 1
            position = end + 1
    return [sums[i] / counts[i] if counts[i] else None for i in range(n)]


def equity_compute(
    areas: Sequence[AreaInput],
    *,
    city_wide_cents: int = 0,
    city_wide_minutes: int = 0,
    high_need_rank: float = HIGH_NEED_RANK,
) -> Equity:
    """The equity lens over ``areas`` (see the module's docstring)."""
    population = sum(max(a.population, 0) for a in areas)
    located_cents = sum(a.cents for a in areas)
    mean = per_resident(located_cents, population)
    figures = []
    for a in areas:
        euros = per_resident(a.cents, a.population)
        if a.population <= 0:
            under = 0.0
        elif not mean:
            under = 1.0
        else:
            under = 1.0 - min(1.0, max(euros or 0.0, 0.0) / mean)
        figures.append(
            AreaEquity(
                code=a.code,
                name=a.name,
                population=a.population,
                cents=a.cents,
                minutes=a.minutes,
                target=a.target,
                deprivation=a.deprivation,
                cents_per_resident=euros,
                hours_per_resident=per_resident(a.minutes / 60, a.population),
                high_need=a.deprivation is not None and a.deprivation >= high_need_rank,
                under_served=under,
            )
        )
    lived = [f for f in figures if f.population > 0]
    curve = lorenz_curve(
        [max(f.cents_per_resident or 0.0, 0.0) for f in lived], [f.population for f in lived], [f.code for f in lived]
    )
    return Equity(
        areas=figures,
        city_wide_cents=city_wide_cents,
        city_wide_minutes=city_wide_minutes,
        lorenz=curve,
        gini=gini_of_curve(curve),
        gini_unweighted=gini_unweighted([max(f.cents_per_resident or 0.0, 0.0) for f in lived]),
        high_need_rank=high_need_rank,
    )
