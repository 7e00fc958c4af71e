"""A labelled scenario set: an obvious match ranks first, obvious mismatches last."""

import numpy as np

from cities4csr.matching.engine import Matcher, Weights

from .builders import companies, needs, site

MONEY, GOODS, TIME = 0, 1, 2
SCHOOL_GARDEN = {  # education + greening, money and volunteer time, in area 0, a target area
    "id": 1,
    "features": [0, 1],
    "gap": {MONEY: 1_000_000, TIME: 200_000},
    "area": 0,
    "priority": True,
    "deprivation": 0.9,
    "months": [3, 4, 5],
}

CANDIDATES = [
    # label, company, expected place: "first", "last" or None
    ("next door, same themes, gives money and time", {"features": [0, 1], "offer": {MONEY: 800_000, TIME: 200_000}, "sites": [site(0, 300)]}, "first"),
    ("same themes, money, one district away", {"features": [0, 1], "offer": {MONEY: 500_000}, "sites": [site(2)]}, None),
    ("one theme, goods only, nearby", {"features": [0], "offer": {GOODS: 500_000}, "sites": [site(1)]}, None),
    ("no shared theme, nothing needed, far, other months", {"features": [4, 5], "offer": {GOODS: 50_000}, "sites": [site(3)], "months": [10, 11]}, "last"),
]  # fmt: skip


def test_obvious_match_first_and_mismatch_last():
    rows = [dict(c, id=i + 1) for i, (_label, c, _place) in enumerate(CANDIDATES)]
    m = Matcher(companies(rows), needs([SCHOOL_GARDEN]), *_rest())
    ranking = [int(m.companies.ids[i]) for i in m.for_need(0, k=len(rows)).index[0]]
    for i, (label, _c, place) in enumerate(CANDIDATES):
        if place == "first":
            assert ranking[0] == i + 1, label
        if place == "last":
            assert ranking[-1] == i + 1, label


def test_a_company_sees_the_need_that_fits_it_first():
    other_needs = [
        {"id": 2, "features": [4], "gap": {GOODS: 100_000}, "area": 3},
        {"id": 3, "features": [0], "gap": {GOODS: 100_000}, "area": 2},
        SCHOOL_GARDEN,
    ]
    company = dict(CANDIDATES[0][1], id=7)
    m = Matcher(companies([company]), needs(other_needs), *_rest())
    ranking = [int(m.needs.ids[j]) for j in m.for_company(0, k=3).index[0]]
    assert ranking[0] == 1 and ranking[-1] == 2


def test_equity_lifts_the_more_deprived_of_two_equal_needs():
    twin = {k: v for k, v in SCHOOL_GARDEN.items() if k not in ("priority", "deprivation")}
    rows = [dict(twin, id=1, deprivation=0.1), dict(twin, id=2, priority=True, deprivation=0.8)]
    m = Matcher(companies([dict(CANDIDATES[0][1], id=1)]), needs(rows), *_rest())
    top = m.for_company(0, k=2)
    assert [int(m.needs.ids[j]) for j in top.index[0]] == [2, 1]
    assert np.diff(top.score[0])[0] < 0


def _rest():
    from .builders import GEO

    return GEO, Weights()
