"""The equity lens's pure engine (impact/equity.py), with hypothesis: no database."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cities4csr.impact.equity import (
    AreaInput,
    deprivation_ranks,
    equity_compute,
    gini,
    gini_unweighted,
    lorenz_curve,
)

amounts = st.integers(min_value=0, max_value=10_000_000)
populations = st.integers(min_value=0, max_value=50_000)


def mean_difference_gini(values, weights):
    """The Gini as the weighted mean absolute difference over twice the mean: an independent
    formula (every pair, no sorting, no curve)."""
    total_weight = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total_weight
    pairs = sum(
        wi * wj * abs(vi - vj) for (vi, wi), (vj, wj) in itertools.product(zip(values, weights, strict=True), repeat=2)
    )
    return pairs / (2 * total_weight**2 * mean)


@st.composite
def area_sets(draw, min_size=1, max_size=12):
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    return [
        AreaInput(
            code=str(i + 1),
            name=f"NIL {i + 1}",
            population=draw(populations),
            cents=draw(amounts),
            minutes=draw(st.integers(min_value=0, max_value=100_000)),
            target=draw(st.booleans()),
            deprivation=draw(st.none() | st.floats(min_value=0, max_value=1)),
        )
        for i in range(n)
    ]


@given(st.lists(st.tuples(st.floats(0, 1e6), st.integers(1, 10_000)), min_size=1, max_size=15))
def test_the_gini_of_the_curve_equals_the_mean_difference_formula(rows):
    values, weights = [v for v, _ in rows], [w for _, w in rows]
    assume(sum(v * w for v, w in rows) > 1e-6)
    assert gini(values, weights) == pytest.approx(mean_difference_gini(values, weights), abs=1e-9)


@given(st.lists(st.tuples(st.integers(0, 1_000), st.integers(1, 6)), min_size=1, max_size=8))
def test_a_weight_is_the_same_as_repeating_the_unit(rows):
    """Weighting by residents = counting each resident once with their area's value."""
    assume(sum(v for v, _ in rows) > 0)
    expanded = [v for v, w in rows for _ in range(w)]
    assert gini([v for v, _ in rows], [w for _, w in rows]) == pytest.approx(gini_unweighted(expanded), abs=1e-9)


@given(st.lists(st.floats(0.01, 1e5), min_size=1, max_size=12), st.floats(0.01, 1e3), st.randoms())
def test_the_gini_ignores_order_and_scale_and_stays_between_0_and_1(values, factor, rnd):
    shuffled = values[:]
    rnd.shuffle(shuffled)
    g = gini_unweighted(values)
    assert 0 <= g < 1
    assert gini_unweighted(shuffled) == pytest.approx(g, abs=1e-9)
    assert gini_unweighted([v * factor for v in values]) == pytest.approx(g, abs=1e-9)


def test_the_gini_of_known_vectors():
    assert gini_unweighted([5, 5, 5, 5]) == pytest.approx(0)
    assert gini_unweighted([0, 0, 0, 10]) == pytest.approx(0.75)  # (n − 1) / n: all in one of four
    assert gini_unweighted([1, 2, 3, 4]) == pytest.approx(0.25)  # Σ|xi − xj| = 20, / (2 · 16 · 2.5)
    assert gini_unweighted([0, 0]) is None  # nothing shared: no concentration to measure
    assert gini([10, 0], [1, 3]) == pytest.approx(0.75)  # a quarter of the residents have everything


@given(area_sets())
def test_the_lorenz_curve_runs_from_0_to_1_below_the_diagonal_and_convex(areas):
    result = equity_compute(areas)
    curve = result.lorenz
    if not curve:
        assert all(a.population == 0 or a.cents == 0 for a in areas)
        assert result.gini is None
        return
    assert (curve[0].residents_share, curve[0].euros_share) == (0, 0)
    assert (curve[-1].residents_share, curve[-1].euros_share) == (1, 1)
    slopes = []
    for a, b in itertools.pairwise(curve):
        assert b.residents_share > a.residents_share and b.euros_share >= a.euros_share - 1e-12
        assert b.euros_share <= b.residents_share + 1e-9
        slopes.append((b.euros_share - a.euros_share) / (b.residents_share - a.residents_share))
    assert all(s2 >= s1 - 1e-6 * max(1, s1) for s1, s2 in itertools.pairwise(slopes))
    assert 0 <= result.gini <= 1


@given(area_sets())
def test_per_resident_figures_target_share_and_under_served(areas):
    result = equity_compute(areas, city_wide_cents=5_000)
    total = sum(a.cents for a in areas) + 5_000
    assert result.total_cents == total
    assert result.target_share == pytest.approx(sum(a.cents for a in areas if a.target) / total)
    for given_area, figures in zip(areas, result.areas, strict=True):
        if given_area.population:
            assert figures.cents_per_resident == pytest.approx(given_area.cents / given_area.population)
            assert figures.hours_per_resident == pytest.approx(given_area.minutes / 60 / given_area.population)
        else:
            assert figures.cents_per_resident is None and figures.under_served == 0
        assert 0 <= figures.under_served <= 1
        if given_area.population and given_area.cents == 0:
            assert figures.under_served == 1  # nothing arrived: as under-served as can be
    served = [f for f in result.areas if f.population]
    for a, b in itertools.combinations(served, 2):  # less per resident → at least as under-served
        if a.cents_per_resident < b.cents_per_resident:
            assert a.under_served >= b.under_served


@given(area_sets(), st.floats(0, 1))
def test_high_need_areas_with_nothing_are_exactly_those(areas, threshold):
    result = equity_compute(areas, high_need_rank=threshold)
    expected = {
        a.code
        for a in areas
        if a.deprivation is not None and a.deprivation >= threshold and a.cents == 0 and a.minutes == 0
    }
    assert {a.code for a in result.high_need_without} == expected
    ranks = [a.deprivation for a in result.high_need_without]
    assert ranks == sorted(ranks, reverse=True)


def test_a_city_that_received_nothing_finds_every_lived_area_under_served():
    result = equity_compute([AreaInput("1", "A", 10), AreaInput("2", "B", 0)])
    assert [a.under_served for a in result.areas] == [1.0, 0.0]
    assert result.target_share is None and result.gini is None and result.lorenz == []


def test_under_served_is_relative_to_the_city_average():
    result = equity_compute(
        [AreaInput("1", "A", 100, cents=1_000), AreaInput("2", "B", 100, cents=3_000), AreaInput("3", "C", 200)]
    )
    # the city: 4,000 cents for 400 residents = 10 per resident
    assert [a.under_served for a in result.areas] == [pytest.approx(0.0), 0.0, 1.0]
    result = equity_compute([AreaInput("1", "A", 100, cents=500), AreaInput("2", "B", 100, cents=1_500)])
    assert result.areas[0].under_served == pytest.approx(0.5)  # half the average


@given(st.lists(st.lists(st.none() | st.floats(-1e6, 1e6), min_size=4, max_size=4), min_size=1, max_size=4))
def test_deprivation_ranks_are_between_0_and_1_and_follow_the_values(vectors):
    ranks = deprivation_ranks(vectors)
    assert len(ranks) == 4
    for r in ranks:
        assert r is None or 0 <= r <= 1
    if len(vectors) == 1:
        known = [(v, r) for v, r in zip(vectors[0], ranks, strict=True) if v is not None]
        for (v1, r1), (v2, r2) in itertools.combinations(known, 2):
            if len(known) > 1:
                assert (v1 < v2) == (r1 < r2) and (v1 == v2) == (r1 == r2)


def test_deprivation_ranks_of_a_small_city():
    # higher is worse: low-income share 10, 30, 20 → ranks 0, 1, 0.5; heat 1, 1, 3 → 0.25, 0.25, 1
    assert deprivation_ranks([[10, 30, 20], [1, 1, 3]]) == [0.125, 0.625, 0.75]
    assert deprivation_ranks([[None, 5, None]]) == [None, None, None]


@settings(max_examples=30)
@given(area_sets(min_size=2))
def test_lorenz_curve_labels_follow_euros_per_resident(areas):
    lived = [a for a in areas if a.population]
    curve = lorenz_curve(
        [a.cents / a.population for a in lived], [a.population for a in lived], [a.code for a in lived]
    )
    if curve:
        per = {a.code: a.cents / a.population for a in lived}
        order = [per[p.code] for p in curve[1:]]
        assert order == sorted(order)
