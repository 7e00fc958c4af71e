"""The scoring engine: components in [0, 1], monotone where a person expects it, order-free,
and the blocked top-k equal to a brute-force ranking. Runs without Django (see test_purity)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cities4csr.matching.engine import COMPONENTS, Matcher, Weights, score_matrix, synthetic

from .builders import GEO, K, companies, needs, site

KIND = st.integers(0, 4)
company_rows = st.fixed_dictionaries(
    {
        "features": st.lists(st.integers(0, K - 1), max_size=4),
        "offer": st.dictionaries(KIND, st.integers(0, 50_000_000), max_size=3),
        "sites": st.lists(st.builds(site, st.integers(0, 3), st.floats(-400, 400)), max_size=3),
        "preferred": st.lists(st.integers(0, 3), max_size=2),
        "months": st.lists(st.integers(0, 11), min_size=1, max_size=12),
    }
)
need_rows = st.fixed_dictionaries(
    {
        "features": st.lists(st.integers(0, K - 1), max_size=3),
        "gap": st.dictionaries(KIND, st.integers(0, 50_000_000), max_size=3),
        "area": st.integers(0, 3),
        "priority": st.booleans(),
        "deprivation": st.floats(0, 1),
        "months": st.lists(st.integers(0, 11), min_size=1, max_size=12),
    }
)
SMALL = settings(max_examples=60, deadline=None)


def pair_score(company: dict, need: dict) -> float:
    return float(score_matrix(companies([company]), needs([need]), GEO, Weights())[0, 0])


def pair_components(company: dict, need: dict) -> dict:
    m = Matcher(companies([company]), needs([need]), GEO, Weights())
    return {k: v[0] for k, v in m.components([0], [0]).items()}


@SMALL
@given(st.lists(company_rows, min_size=1, max_size=5), st.lists(need_rows, min_size=1, max_size=5))
def test_scores_and_components_are_in_0_1(c, n):
    scores = score_matrix(companies(c), needs(n), GEO, Weights())
    assert ((scores >= 0) & (scores <= 1)).all()
    m = Matcher(companies(c), needs(n), GEO, Weights())
    ci, ni = np.meshgrid(range(len(c)), range(len(n)), indexing="ij")
    parts = m.components(ci.ravel(), ni.ravel())
    for name in (*COMPONENTS, "score"):
        assert ((parts[name] >= 0) & (parts[name] <= 1 + 1e-9)).all(), name


@SMALL
@given(company_rows, need_rows, st.integers(0, K - 1))
def test_adding_a_shared_theme_never_lowers_a_score(company, need, theme):
    before = pair_score(company, need)
    both = pair_score(
        {**company, "features": [*company["features"], theme]}, {**need, "features": [*need["features"], theme]}
    )
    to_company = pair_score({**company, "features": [*company["features"], theme]}, need)
    assert both >= before - 1e-9
    assert to_company >= before - 1e-9


@SMALL
@given(company_rows, need_rows, st.integers(0, 2))
def test_moving_a_site_closer_never_lowers_proximity(company, need, slot):
    if slot >= len(company["sites"]):
        return
    target = need["area"]
    sites = list(company["sites"])
    area = sites[slot][0]
    # one step closer: into an area no farther (centre to centre) from the need's area
    d = np.hypot(GEO.lat - GEO.lat[target], GEO.lon - GEO.lon[target])
    closer = [a for a in range(GEO.size) if d[a] <= d[area]]
    before = pair_components(company, need)["proximity"]
    for new_area in closer:
        sites[slot] = site(new_area)
        after = pair_components({**company, "sites": sites}, need)["proximity"]
        assert after >= before - 1e-9, (area, new_area)


@SMALL
@given(st.lists(company_rows, min_size=1, max_size=6), st.lists(need_rows, min_size=1, max_size=6), st.randoms())
def test_results_do_not_depend_on_input_order(c, n, rnd):
    for i, row in enumerate(c):
        row["id"] = 100 + i
    for i, row in enumerate(n):
        row["id"] = 500 + i
    first = Matcher(companies(c), needs(n), GEO, Weights()).run(k=3, block=16)
    rnd.shuffle(c)
    rnd.shuffle(n)
    m = Matcher(companies(c), needs(n), GEO, Weights())
    second = m.run(k=3, block=16)
    # same ids in the same order (positions are in id order whatever the input order)
    for a, b in zip(first, second, strict=True):
        assert (a.index == b.index).all()
        assert np.allclose(a.score, b.score)


def brute_top(scores: np.ndarray, k: int) -> list[list[int]]:
    quantised = np.floor(scores.astype(np.float32) * 65536 + 0.5)
    return [sorted(range(len(row)), key=lambda j, r=row: (-r[j], j))[:k] for row in quantised]


@pytest.mark.parametrize(
    "n_companies,n_needs,block,warm", [(1000, 300, 64, 0), (1000, 300, 64, 256), (37, 5, 16, 0), (3, 200, 16, 0)]
)
def test_blocked_top_k_equals_brute_force(n_companies, n_needs, block, warm):
    geo = synthetic.geography(seed=3)
    c, n = synthetic.companies(n_companies, geo, seed=3), synthetic.needs(n_needs, geo, seed=3)
    m = Matcher(c, n, geo, Weights())
    m.WARM_ROWS = warm
    by_company, by_need = m.run(k=10, block=block)
    scores = np.clip(m.A.astype(np.float32) @ m.B.T, 0, 1)
    expected = brute_top(scores, 10)
    for i in range(n_companies):
        assert [j for j in by_company.index[i] if j >= 0] == expected[i]
    expected = brute_top(scores.T, 10)
    for j in range(n_needs):
        assert [i for i in by_need.index[j] if i >= 0] == expected[j]
    company, need = min(5, n_companies - 1), min(2, n_needs - 1)
    assert list(m.for_company(company, k=10).index[0]) == list(by_company.index[company])
    assert list(m.for_need(need, k=10).index[0]) == list(by_need.index[need])


def test_weights_are_validated_and_normalised():
    assert Weights.from_data({"theme": 2, "resource": 2, "proximity": 0, "timing": 0, "equity": 0}).normalised()[
        0
    ] == pytest.approx(0.5)
    for bad in ({"colour": 1}, {"theme": -1}, {"theme": "high"}, {"same_district_floor": 2}):
        with pytest.raises(ValueError):
            Weights.from_data(bad)
    with pytest.raises(ValueError):
        Weights.from_data(dict.fromkeys(COMPONENTS, 0))


def test_explanation_facts():
    company = {"features": [0, 1, 2], "offer": {0: 600_000}, "sites": [site(0, 900)]}
    need = {"features": [0, 1, 2, 3], "gap": {0: 1_000_000}, "area": 0, "priority": True}
    parts = pair_components(company, need)
    assert parts["shared_themes"] == 3
    assert parts["theme"] == pytest.approx(0.75)
    assert parts["distance_m"] == pytest.approx(900, abs=5)
    assert parts["same_area"] and parts["same_district"] and parts["priority"]
    assert parts["proximity"] == 1
    assert parts["coverage"] == pytest.approx(0.6)  # exact, cited in the explanation
    assert 0.45 <= parts["resource"] <= 0.6  # the ladder's piecewise-linear estimate, used in the ranking


def test_a_need_in_an_under_served_deprived_area_ranks_higher():
    """equity = share · priority + (1 − share) · deprivation · ((1 − u) + u · under-served): two
    needs alike in a deprived area, one where nothing arrived (under-served 1), one where the area
    already received the city's average per resident (0): the first ranks higher, by
    (1 − share) · deprivation · u of the equity component."""
    company = {"features": [0], "sites": [site(0)]}
    alike = {"features": [0], "gap": {0: 100_000}, "area": 1, "deprivation": 0.9}
    rows = [{**alike, "id": 1, "under_served": 0.0}, {**alike, "id": 2, "under_served": 1.0}]
    weights = Weights()
    m = Matcher(companies([company]), needs(rows), GEO, weights)
    equity = m.components([0, 0], [0, 1])["equity"]
    assert equity[1] - equity[0] == pytest.approx((1 - weights.target_area_share) * 0.9 * weights.under_served)
    scores = score_matrix(companies([company]), needs(rows), GEO, weights)[0]
    assert scores[1] > scores[0]
    # with the city's under_served share at 0, what areas received does not matter
    flat = score_matrix(companies([company]), needs(rows), GEO, Weights.from_data({"under_served": 0}))[0]
    assert flat[0] == pytest.approx(flat[1])
    # unknown (no residents to measure): as if under-served, the lift of before
    unknown = needs([{**alike, "id": 1}])
    assert unknown.under_served is None
    assert Matcher(companies([company]), unknown, GEO, weights).components([0], [0])["equity"][0] == pytest.approx(
        (1 - weights.target_area_share) * 0.9
    )
    with pytest.raises(ValueError):
        Weights.from_data({"under_served": 1.5})
