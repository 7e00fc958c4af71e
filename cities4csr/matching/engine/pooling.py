"""Collective actions: pool several companies' offers for one need, and allocate a city's offers.

``pool_need``: the fewest companies whose offers, together, cover what a need still misses (per
resource kind, in EUR cents) — or as much of it as all candidates together can. Exact with
HiGHS (scipy.optimize.milp); if the solver fails or runs out of time, a greedy cover whose
optimality gap against the LP bound is reported. Ties go to better-matched companies, then to
smaller ids. Allocations never exceed an offer's capacity nor the need's gap.

``allocate_city``: assign offer capacity to open needs to maximise the equity-weighted value
covered, within every offer's capacity and every need's gap (HiGHS LP, rounded down to cents;
the relative gap to the LP bound is reported).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix


@dataclass(frozen=True)
class PoolOffer:
    offer_id: int
    company_id: int
    kind: int  # index into scoring.KINDS
    value_cents: int
    score: float = 0.0  # the company's match score for the need


@dataclass
class Pool:
    """Chosen companies and, per offer, the EUR cents it is asked for."""

    companies: list[int]
    allocation: dict[int, int]  # offer id -> cents
    covered_cents: list[int]  # per kind
    target_cents: list[int]  # per kind: min(gap, everything the candidates offer)
    method: str  # "milp" or "greedy"
    lower_bound: int  # fewest companies any cover needs (LP bound, rounded up)
    gap: float = 0.0  # (companies − lower bound) / lower bound

    @property
    def covers_gap(self) -> bool:
        return self.covered_cents == self.target_cents


def pool_need(gap_cents, offers: list[PoolOffer], *, exact: bool = True, time_limit: float = 5.0) -> Pool:
    gap = np.maximum(np.asarray(gap_cents, dtype=np.int64), 0)
    kinds = len(gap)
    offers = sorted(offers, key=lambda o: (o.company_id, o.kind, o.offer_id))
    companies = sorted({o.company_id for o in offers})
    position = {c: i for i, c in enumerate(companies)}
    capacity = np.zeros((len(companies), kinds), dtype=np.int64)  # what each company offers per kind
    score = np.zeros(len(companies))
    for o in offers:
        if o.value_cents > 0:
            capacity[position[o.company_id], o.kind] += o.value_cents
        score[position[o.company_id]] = max(score[position[o.company_id]], o.score)
    target = np.minimum(gap, capacity.sum(axis=0))
    useful = capacity.T @ np.ones(len(companies)) if companies else np.zeros(kinds)
    need_rows = np.nonzero((target > 0) & (useful > 0))[0]
    if not len(need_rows):
        return Pool([], {}, [0] * kinds, target.tolist(), "milp", 0)
    # capped capacity: a company covering more than the gap counts only up to the gap
    capped = np.minimum(capacity[:, need_rows], target[need_rows]).astype(np.float64)
    # fewer companies first; among equal counts, better-matched then smaller-id companies
    n = len(companies)
    cost = 1 + (1 - score) / (2 * n + 2) + np.arange(n) / (4 * n * n + 4)
    lp = linprog(np.ones(n), A_ub=-capped.T, b_ub=-target[need_rows], bounds=(0, 1), method="highs")
    bound = max(1, math.ceil(lp.fun - 1e-6)) if lp.status == 0 else 1
    chosen = None
    method = "milp"
    if exact:
        result = milp(
            cost,
            constraints=LinearConstraint(capped.T, lb=target[need_rows], ub=np.inf),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": time_limit, "presolve": True},
        )
        if result.status == 0 and result.x is not None:
            chosen = [i for i in range(n) if result.x[i] > 0.5]
    if chosen is None:
        chosen, method = _greedy(capped, target[need_rows], score), "greedy"
    allocation, covered = _allocate(offers, [companies[i] for i in chosen], score, position, gap)
    return Pool(
        companies=sorted(companies[i] for i in chosen),
        allocation=allocation,
        covered_cents=covered,
        target_cents=target.tolist(),
        method=method,
        lower_bound=bound,
        gap=(len(chosen) - bound) / bound,
    )


def _greedy(capped: np.ndarray, target: np.ndarray, score: np.ndarray) -> list[int]:
    """Take the company covering most of what is left (then better score, smaller id) until covered."""
    left = target.astype(np.float64).copy()
    chosen: list[int] = []
    free = np.ones(len(capped), dtype=bool)
    while (left > 0).any() and free.any():
        gain = np.minimum(capped, left).sum(axis=1)
        gain[~free] = -1
        best = max(np.nonzero(gain == gain.max())[0], key=lambda i: (score[i], -i))
        if gain[best] <= 0:
            break
        chosen.append(int(best))
        free[best] = False
        left = np.maximum(left - capped[best], 0)
    return chosen


def _allocate(offers, chosen_companies, score, position, gap) -> tuple[dict[int, int], list[int]]:
    """Fill each kind's gap from the chosen companies' offers, best-matched first, never over capacity."""
    left = gap.copy()
    allocation: dict[int, int] = {}
    rank = sorted(chosen_companies, key=lambda c: (-score[position[c]], c))
    for company in rank:
        for o in offers:
            if o.company_id == company and left[o.kind] > 0 and o.value_cents > 0:
                take = int(min(o.value_cents, left[o.kind]))
                allocation[o.offer_id] = take
                left[o.kind] -= take
    return allocation, (gap - left).tolist()


@dataclass
class Allocation:
    """City-wide assignment: (offer, need) -> cents, its objective and the LP bound."""

    amounts: dict[tuple[int, int], int] = field(default_factory=dict)
    value: float = 0.0
    bound: float = 0.0
    covered_cents: int = 0

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.value) / self.bound)


def allocate_city(
    *,
    offer_ids: np.ndarray,
    offer_kind: np.ndarray,
    offer_capacity: np.ndarray,
    need_ids: np.ndarray,
    need_gap: np.ndarray,
    need_weight: np.ndarray,
    edges_offer: np.ndarray,
    edges_need: np.ndarray,
    edges_score: np.ndarray,
) -> Allocation:
    """Maximise Σ weight(need) × (½ + ½ score) × cents over the candidate (offer, need) edges.

    ``need_gap`` is (needs, kinds) cents; an edge only carries the offer's kind. Capacities are
    respected exactly; the LP solution is rounded down to whole cents.
    """
    edges_offer, edges_need = np.asarray(edges_offer), np.asarray(edges_need)
    kind = offer_kind[edges_offer]
    room = np.minimum(offer_capacity[edges_offer], need_gap[edges_need, kind]).astype(np.float64)
    keep = room > 0
    edges_offer, edges_need, kind, room = edges_offer[keep], edges_need[keep], kind[keep], room[keep]
    weight = need_weight[edges_need] * (0.5 + 0.5 * np.asarray(edges_score)[keep])
    m = len(edges_offer)
    if m == 0:
        return Allocation()
    scale = 100.0  # solve in EUR, report in cents
    n_offers = len(offer_ids)
    need_row = edges_need * len(KIND_SLOTS) + kind
    rows = np.concatenate([edges_offer, n_offers + need_row])
    matrix = coo_matrix((np.ones(2 * m), (rows, np.tile(np.arange(m), 2))), shape=(n_offers + need_gap.size, m)).tocsr()
    upper = np.concatenate([offer_capacity, need_gap.ravel()]).astype(np.float64) / scale
    used = np.unique(rows)
    result = linprog(
        -weight, A_ub=matrix[used], b_ub=upper[used], bounds=np.c_[np.zeros(m), room / scale], method="highs"
    )
    if result.status != 0:
        raise RuntimeError(f"allocation LP failed: {result.message}")
    cents = np.floor(np.maximum(result.x, 0) * scale + 1e-6).astype(np.int64)
    cents = np.minimum(cents, room.astype(np.int64))
    amounts = {
        (int(offer_ids[o]), int(need_ids[n])): int(c)
        for o, n, c in zip(edges_offer, edges_need, cents, strict=True)
        if c > 0
    }
    return Allocation(
        amounts=amounts,
        value=float(weight @ cents),
        bound=float(-result.fun * scale),
        covered_cents=int(cents.sum()),
    )


KIND_SLOTS = range(5)
