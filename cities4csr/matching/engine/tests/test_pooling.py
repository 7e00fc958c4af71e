"""Pooling and city-wide allocation: never over capacity, covers whenever some combination can,
as few companies as possible; the greedy fallback reports its gap."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cities4csr.matching.engine.pooling import PoolOffer, allocate_city, pool_need

offers_strategy = st.lists(
    st.builds(
        lambda company, kind, value, score: (company, kind, value, score),
        st.integers(1, 6),
        st.integers(0, 2),
        st.integers(1, 3_000_000),
        st.floats(0, 1),
    ),
    min_size=1,
    max_size=10,
)
gap_strategy = st.lists(st.integers(0, 4_000_000), min_size=5, max_size=5)


def build(raw):
    return [PoolOffer(i + 1, c, k, v, s) for i, (c, k, v, s) in enumerate(raw)]


def fewest_companies(gap, offers):
    """Brute force: the smallest number of companies whose offers reach min(gap, all offered)."""
    target = np.minimum(gap, [sum(o.value_cents for o in offers if o.kind == k) for k in range(5)])
    companies = sorted({o.company_id for o in offers})
    for size in range(len(companies) + 1):
        for chosen in itertools.combinations(companies, size):
            got = [sum(o.value_cents for o in offers if o.kind == k and o.company_id in chosen) for k in range(5)]
            if all(g >= t for g, t in zip(got, target, strict=True)):
                return size
    raise AssertionError


@settings(max_examples=80, deadline=None)
@given(gap_strategy, offers_strategy, st.booleans())
def test_pool_respects_capacity_and_covers_whenever_possible(gap, raw, exact):
    offers = build(raw)
    pool = pool_need(gap, offers, exact=exact)
    by_id = {o.offer_id: o for o in offers}
    for offer_id, cents in pool.allocation.items():
        assert 0 < cents <= by_id[offer_id].value_cents
        assert by_id[offer_id].company_id in pool.companies
    for kind in range(5):
        given_kind = sum(c for i, c in pool.allocation.items() if by_id[i].kind == kind)
        assert given_kind <= gap[kind]
        assert given_kind == pool.covered_cents[kind]
    assert pool.covers_gap  # whatever all offers together can cover, the pool covers
    best = fewest_companies(np.array(gap), offers)
    if exact:
        assert pool.method == "milp" and len(pool.companies) == best
    assert pool.lower_bound <= best <= len(pool.companies)
    assert pool.gap == (len(pool.companies) - pool.lower_bound) / max(pool.lower_bound, 1)


def test_pool_prefers_better_matched_companies_among_equal_covers():
    offers = [PoolOffer(1, 10, 0, 500, 0.2), PoolOffer(2, 20, 0, 500, 0.9)]
    assert pool_need([500, 0, 0, 0, 0], offers).companies == [20]


def test_pool_of_nothing():
    pool = pool_need([0, 0, 0, 0, 0], [PoolOffer(1, 10, 0, 500, 0.2)])
    assert pool.companies == [] and pool.allocation == {}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(1, 10_000)), min_size=1, max_size=6),
    st.lists(st.lists(st.integers(0, 8_000), min_size=5, max_size=5), min_size=1, max_size=5),
    st.data(),
)
def test_allocation_never_exceeds_capacity_or_gap(offers, gaps, data):
    edges = data.draw(
        st.lists(st.tuples(st.integers(0, len(offers) - 1), st.integers(0, len(gaps) - 1)), unique=True, max_size=20)
    )
    kind = np.array([k for k, _ in offers])
    capacity = np.array([c for _, c in offers])
    gap = np.array(gaps, dtype=np.int64)
    result = allocate_city(
        offer_ids=np.arange(len(offers)) + 1,
        offer_kind=kind,
        offer_capacity=capacity,
        need_ids=np.arange(len(gaps)) + 100,
        need_gap=gap,
        need_weight=np.ones(len(gaps)),
        edges_offer=np.array([e[0] for e in edges], dtype=np.int64),
        edges_need=np.array([e[1] for e in edges], dtype=np.int64),
        edges_score=np.ones(len(edges)),
    )
    for o in range(len(offers)):
        assert sum(c for (oid, _n), c in result.amounts.items() if oid == o + 1) <= capacity[o]
    for n in range(len(gaps)):
        for k in range(5):
            taken = sum(c for (oid, nid), c in result.amounts.items() if nid == n + 100 and kind[oid - 1] == k)
            assert taken <= gap[n, k]
    assert result.gap <= 0.01
