"""Scoring of company–need pairs: five components in [0, 1], weighted, explainable.

Pure numpy. Every component is a dot product of a company vector and a need vector, so the
score of every pair is one float32 matrix product ``A @ B.T`` of width ``F`` (docs/adr/0008):

======== ============================================== =============================================
part     company side (times its weight)                need side
======== ============================================== =============================================
theme    themes and SDG goals it cares about (0/1)       the need's themes/goals, divided by their count
resource offered EUR per kind on a ladder (piecewise-    the missing EUR per kind on the same ladder,
         linear "filled" share of each ladder step)      divided by the whole missing value
timing   months of the coming year it can give (0/1)     months the need runs, divided by their count
proximity best closeness of any of its sites to each     one-hot of the need's neighbourhood
         neighbourhood (1 in a preferred one)
equity   1                                               the need's equity lift (target area, deprivation)
======== ============================================== =============================================

With weights summing to 1, the score is in [0, 1]. Proximity is measured between neighbourhood
centres (1 in the same neighbourhood, at least ``same_district_floor`` in the same district,
halving every ``half_distance_km``); the exact distance to the nearest site is computed for the
pairs kept, for the explanation.

At metro scale (300,000 companies × 20,000 needs) the score matrix is never materialised: it is
computed in blocks of companies, and each block keeps the running top-k in both directions with a
two-level selection (maxima of groups, then the candidates of the best groups), which needs no sort
of a whole row. Ties are broken by id (smaller first), so results do not depend on input order.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

KINDS = ("money", "goods", "volunteer_time", "expertise", "space")
#: EUR steps of the resource ladder: amounts are compared piecewise-linearly between them
LADDER_EUR = (0, 250, 1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000, 4_096_000)
MONTHS = 12
COMPONENTS = ("theme", "resource", "proximity", "timing", "equity")
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1
_QUANTUM = float(1 << 16)  # scores compared at 2^-16 resolution: float32 noise stays well below it


@dataclass(frozen=True)
class Weights:
    """A city's matching weights (``City.policy["matching"]``); the five are normalised to sum 1."""

    theme: float = 0.30
    resource: float = 0.30
    proximity: float = 0.20
    timing: float = 0.05
    equity: float = 0.15
    #: proximity halves every this many km between neighbourhood centres
    half_distance_km: float = 2.0
    #: proximity is at least this within the same district (Municipio)
    same_district_floor: float = 0.5
    #: equity = share × (need in its action's target areas) + (1 − share) × deprivation of its area
    #: × ((1 − under_served) + under_served × the area's under-served score)
    target_area_share: float = 0.5
    #: how much of the deprivation lift depends on the area being under-served (the equity lens's
    #: score: 1 where nothing arrived per resident, 0 at or above the city's average; ADR 0035):
    #: 0 ignores what areas received, 1 gives no lift to a deprived area already served as well as
    #: the city's average
    under_served: float = 0.5
    #: a company is worth telling about a new need from this score up
    notify_min_score: float = 0.45

    @classmethod
    def from_data(cls, data: dict | None) -> Weights:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown matching weights: {', '.join(unknown)}")
        for key, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or not math.isfinite(value):
                raise ValueError(f"matching weight {key!r} must be a non-negative number")
        weights = cls(**{k: float(v) for k, v in data.items()})
        if sum(weights.mix) <= 0:
            raise ValueError("at least one matching weight must be positive")
        if weights.half_distance_km <= 0:
            raise ValueError("half_distance_km must be positive")
        for key in ("same_district_floor", "target_area_share", "under_served", "notify_min_score"):
            if getattr(weights, key) > 1:
                raise ValueError(f"{key} must be between 0 and 1")
        return weights

    @property
    def mix(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in COMPONENTS)

    def normalised(self) -> np.ndarray:
        mix = np.array(self.mix, dtype=np.float64)
        return mix / mix.sum()


@dataclass
class Geography:
    """The city's neighbourhoods: centre (lat, lon) and district index (−1: none)."""

    lat: np.ndarray
    lon: np.ndarray
    district: np.ndarray

    @property
    def size(self) -> int:
        return len(self.lat)


@dataclass
class NeedSet:
    ids: np.ndarray  # (N,) int
    features: np.ndarray  # (N, K) bool: themes and SDG goals
    gap: np.ndarray  # (N, 5) float: missing EUR cents per kind (KINDS)
    area: np.ndarray  # (N,) int: neighbourhood index, −1 unknown
    lat: np.ndarray  # (N,) float, nan unknown
    lon: np.ndarray
    months: np.ndarray  # (N, 12) bool: months of the coming year it runs (all if undated)
    priority: np.ndarray  # (N,) bool: in the target areas of its action
    deprivation: np.ndarray  # (N,) float in [0, 1]: its area's deprivation rank
    #: (N,) float in [0, 1]: its area's under-served score (None: not known, as if all were 1)
    under_served: np.ndarray | None = None

    def __len__(self):
        return len(self.ids)

    def take(self, order) -> NeedSet:
        return NeedSet(
            **{f.name: None if getattr(self, f.name) is None else getattr(self, f.name)[order] for f in fields(self)}
        )


@dataclass
class CompanySet:
    ids: np.ndarray  # (C,) int
    features: np.ndarray  # (C, K) bool
    offer: np.ndarray  # (C, 5) float: EUR cents offered per kind
    months: np.ndarray  # (C, 12) bool: months it can give
    site_area: np.ndarray  # (C, S) int, −1 padding
    site_lat: np.ndarray  # (C, S) float, nan padding
    site_lon: np.ndarray
    preferred: np.ndarray  # (C, A) bool: preferred neighbourhoods

    def __len__(self):
        return len(self.ids)

    def take(self, order) -> CompanySet:
        return CompanySet(**{f.name: getattr(self, f.name)[order] for f in fields(self)})


def equity(needs: NeedSet, weights: Weights) -> np.ndarray:
    """share · priority + (1 − share) · deprivation · ((1 − u) + u · under-served), in [0, 1]."""
    share, u = weights.target_area_share, weights.under_served
    served = 1.0 if needs.under_served is None else np.clip(needs.under_served, 0, 1)
    lift = np.clip(needs.deprivation, 0, 1) * ((1 - u) + u * served)
    return share * needs.priority.astype(np.float64) + (1 - share) * lift


def distance_km(lat1, lon1, lat2, lon2):
    """Equirectangular distance, accurate to well under 1% across a city."""
    lat1, lon1, lat2, lon2 = (np.asarray(x, dtype=np.float64) for x in (lat1, lon1, lat2, lon2))
    x = np.radians(lon2 - lon1) * np.cos(np.radians((lat1 + lat2) / 2))
    y = np.radians(lat2 - lat1)
    return 6371.0 * np.hypot(x, y)


def area_proximity(geo: Geography, weights: Weights) -> np.ndarray:
    """(A, A): closeness between neighbourhoods, 1 on the diagonal."""
    d = distance_km(geo.lat[:, None], geo.lon[:, None], geo.lat[None, :], geo.lon[None, :])
    p = np.exp2(-d / weights.half_distance_km)
    same = (geo.district[:, None] == geo.district[None, :]) & (geo.district[:, None] >= 0)
    p = np.where(same, np.maximum(p, weights.same_district_floor), p)
    np.fill_diagonal(p, 1.0)
    return p


def _ladder() -> tuple[np.ndarray, np.ndarray]:
    edges = np.array(LADDER_EUR, dtype=np.float64) * 100
    return edges[:-1], edges[1:]


def need_parts(needs: NeedSet, geo: Geography, weights: Weights) -> dict[str, np.ndarray]:
    """The unweighted need-side vectors of each component."""
    lo, hi = _ladder()
    gap = np.maximum(needs.gap.astype(np.float64), 0)
    total = gap.sum(axis=1, keepdims=True)
    steps = np.minimum(hi, gap[:, :, None]) - np.minimum(lo, gap[:, :, None])  # (N, 5, B)
    resource = (steps / np.where(total > 0, total, 1)[:, :, None]).reshape(len(needs), len(KINDS) * len(lo))
    count = needs.features.sum(axis=1, keepdims=True)
    months = needs.months.astype(np.float64)
    months_count = months.sum(axis=1, keepdims=True)
    area = np.zeros((len(needs), geo.size))
    located = needs.area >= 0
    area[np.nonzero(located)[0], needs.area[located]] = 1
    return {
        "theme": needs.features / np.where(count > 0, count, 1),
        "resource": resource,
        "timing": months / np.where(months_count > 0, months_count, 1),
        "proximity": area,
        "equity": equity(needs, weights)[:, None],
    }


def company_parts(companies: CompanySet, geo: Geography, weights: Weights, proximity=None) -> dict[str, np.ndarray]:
    """The unweighted company-side vectors of each component."""
    lo, hi = _ladder()
    offer = np.maximum(companies.offer.astype(np.float64), 0)[:, :, None]
    resource = np.clip((offer - lo) / (hi - lo), 0, 1).reshape(len(companies), len(KINDS) * len(lo))
    proximity = area_proximity(geo, weights) if proximity is None else proximity
    near = np.zeros((len(companies), geo.size))
    for slot in range(companies.site_area.shape[1]):
        area = companies.site_area[:, slot]
        has = area >= 0
        near[has] = np.maximum(near[has], proximity[area[has]])
    near = np.maximum(near, companies.preferred.astype(np.float64))
    return {
        "theme": companies.features.astype(np.float64),
        "resource": resource,
        "timing": companies.months.astype(np.float64),
        "proximity": near,
        "equity": np.ones((len(companies), 1)),
    }


def _stack(parts: dict, scale: np.ndarray | None, dtype=np.float32) -> np.ndarray:
    blocks = [parts[name] * (scale[i] if scale is not None else 1) for i, name in enumerate(COMPONENTS)]
    return np.ascontiguousarray(np.hstack(blocks), dtype=dtype)


def _keys(scores: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Sortable int64 keys: the score (2^-24 steps) first, then the smaller index."""
    scores = np.asarray(scores, dtype=np.float32)  # exact in float32: a power-of-two scale, 17 bits
    q = np.floor(scores * np.float32(_QUANTUM) + np.float32(0.5)).astype(np.int64)
    return (np.maximum(q, 0) << _SHIFT) | (_MASK - index.astype(np.int64))


def _unkey(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _MASK - (keys & _MASK), (keys >> _SHIFT) / _QUANTUM


def _top_of_keys(keys: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k largest keys along ``axis``, largest first."""
    n = keys.shape[axis]
    if k < n:
        keys = np.take_along_axis(keys, np.argpartition(keys, n - k, axis=axis).take(range(n - k, n), axis=axis), axis)
    return -np.sort(-keys, axis=axis)


def _top_rows(scores: np.ndarray, k: int, group: int, strided: bool = False) -> np.ndarray:
    """Per row of ``scores`` (width a multiple of ``group``), the keys of the k best columns.

    ``strided``: the columns are laid out so that group g (items g·group … g·group + group − 1,
    in id order) sits at columns g, g + G, g + 2G…: its maxima are then a reduction across
    contiguous slices (vectorised), not along short runs. Keys carry the item's id-order index.
    """
    rows, width = scores.shape
    groups = width // group
    if strided:
        maxima = scores.reshape(rows, group, groups).max(axis=1)
    else:
        maxima = scores.reshape(rows, groups, group).max(axis=2)
    kg = min(k, groups)
    best = _top_of_keys(_keys(maxima, np.arange(groups)[None, :].repeat(rows, 0)), kg, axis=1)
    chosen = _MASK - (best & _MASK)  # group numbers
    items = (chosen[:, :, None] * group + np.arange(group)).reshape(rows, kg * group)
    columns = (chosen[:, :, None] + groups * np.arange(group)).reshape(rows, kg * group) if strided else items
    return _top_of_keys(_keys(np.take_along_axis(scores, columns, axis=1), items), k, axis=1)


def _top_columns(
    scores: np.ndarray, k: int, group: int, offset: int, running: np.ndarray | None, warm_rows: int = 0
) -> np.ndarray:
    """Per column, the keys (row index + ``offset``) of the k best rows, merged with the ``running``
    (k, width) keys of earlier blocks. Rows are a multiple of ``group``.

    Once k rows are known for a column, only groups whose maximum beats its k-th score can enter
    (a later row with an equal score has a larger index, so loses the tie): usually very few.
    """
    rows, width = scores.shape
    groups = rows // group
    maxima = scores.reshape(groups, group, width).max(axis=1)
    if running is None or len(running) < k or offset < warm_rows:
        # early blocks: most columns still change, select on the transpose, row-wise
        block = (_top_rows(np.ascontiguousarray(scores.T), k, group) - offset).T
        if running is None:
            return block
        return _top_of_keys(np.vstack([running, block]), min(k, len(running) + len(block)), axis=0)
    limit = ((running[-1] >> _SHIFT) + 0.5).astype(np.float32) / np.float32(_QUANTUM)
    hit_group, hit_column = np.nonzero(maxima >= limit[None, :])
    if not len(hit_column):
        return running
    order = np.argsort(hit_column, kind="stable")  # by column (few hits: cheaper than a transposed scan)
    hit_group, hit_column = hit_group[order], hit_column[order]
    touched, first, count = np.unique(hit_column, return_index=True, return_counts=True)
    slot = np.arange(len(hit_column)) - np.repeat(first, count)  # the hit's place in its column
    rows_hit = hit_group[:, None] * group + np.arange(group)  # (H, group)
    keys = _keys(scores[rows_hit, hit_column[:, None]], rows_hit + offset)
    dense = np.full((len(touched), count.max() * group), -1, dtype=np.int64)
    where = np.repeat(np.arange(len(touched)), count)
    dense[where[:, None], slot[:, None] * group + np.arange(group)] = keys
    merged = running.copy()
    merged[:, touched] = _top_of_keys(np.hstack([running[:, touched].T, dense]), k, axis=1).T
    return merged


@dataclass
class TopK:
    """For each row of one side, the k best of the other: indices (−1 where fewer) and scores."""

    index: np.ndarray
    score: np.ndarray


class Matcher:
    """Prepared vectors for a set of companies and needs, in id order (so input order never matters)."""

    ROW_GROUP = 64  # needs per group in the per-company selection
    COLUMN_GROUP = 16  # companies per group in the per-need selection
    WARM_ROWS = 8192  # the per-need selection works on the transpose until this many companies are seen

    def __init__(self, companies: CompanySet, needs: NeedSet, geo: Geography, weights: Weights):
        self.weights = weights
        self.mix = weights.normalised()
        self.companies = companies.take(np.argsort(companies.ids, kind="stable"))
        self.needs = needs.take(np.argsort(needs.ids, kind="stable"))
        self.geo = geo
        self.proximity = area_proximity(geo, weights)
        self.company_parts = company_parts(self.companies, geo, weights, self.proximity)
        self.need_parts = need_parts(self.needs, geo, weights)
        self.A = _stack(self.company_parts, self.mix)
        self.B = _stack(self.need_parts, None)

    @property
    def width(self) -> int:
        return self.A.shape[1]

    # -- everything at once -------------------------------------------------------------------
    def run(self, k: int = 10, block: int = 1024) -> tuple[TopK, TopK]:
        """Top-k needs of every company and top-k companies of every need."""
        n_c, n_n = len(self.companies), len(self.needs)
        pad_n = -n_n % self.ROW_GROUP
        B = np.vstack([self.B, np.zeros((pad_n, self.width), np.float32)]) if pad_n else self.B
        groups = B.shape[0] // self.ROW_GROUP
        # column j holds need (j mod G)·group + j div G: see _top_rows(strided=True)
        layout = (np.arange(B.shape[0]) % groups) * self.ROW_GROUP + np.arange(B.shape[0]) // groups
        B = B[layout]
        block = max(self.COLUMN_GROUP, block - block % self.COLUMN_GROUP)
        out = np.empty((block, B.shape[0]), dtype=np.float32)
        company_keys = np.empty((n_c, min(k, B.shape[0])), dtype=np.int64)
        need_keys = None
        pool = ThreadPoolExecutor(max_workers=1)
        for start in range(0, n_c, block):
            stop = min(start + block, n_c)
            rows = stop - start
            padded = rows + (-rows % self.COLUMN_GROUP)
            a = self.A[start:stop]
            if padded != rows:
                a = np.vstack([a, np.zeros((padded - rows, self.width), np.float32)])
            scores = np.matmul(a, B.T, out=out[:padded])
            # the two selections read the same block: one in a helper thread (numpy releases the GIL)
            rows_done = pool.submit(_top_rows, scores, k, self.ROW_GROUP, True)
            need_keys = _top_columns(scores, k, self.COLUMN_GROUP, start, need_keys, self.WARM_ROWS)
            company_keys[start:stop] = rows_done.result()[:rows]
        pool.shutdown()
        company_index, company_score = _unkey(company_keys)
        if need_keys is not None:
            by_position = np.empty_like(need_keys.T)
            by_position[layout] = need_keys.T  # back from the strided layout to id order
            need_index, need_score = _unkey(by_position[:n_n])
        else:
            need_index, need_score = None, None
        by_company = _trim(company_index, company_score, n_n, k)
        by_need = _trim(need_index, need_score, n_c, k) if need_index is not None else TopK(np.empty((0, 0)), None)
        return by_company, by_need

    # -- one at a time ------------------------------------------------------------------------
    def for_company(self, position: int, k: int = 10) -> TopK:
        scores = self.B @ self.A[position]
        return _trim(*_unkey(_top_of_keys(_keys(scores, np.arange(len(scores)))[None, :], k, 1)), len(scores), k)

    def for_need(self, position: int, k: int = 10) -> TopK:
        scores = self.A @ self.B[position]
        return _trim(*_unkey(_top_of_keys(_keys(scores, np.arange(len(scores)))[None, :], k, 1)), len(scores), k)

    def company_position(self, company_id) -> int:
        return _position(self.companies.ids, company_id)

    def need_position(self, need_id) -> int:
        return _position(self.needs.ids, need_id)

    # -- explanation --------------------------------------------------------------------------
    def components(self, company: np.ndarray, need: np.ndarray) -> dict[str, np.ndarray]:
        """Every component and the facts an explanation cites, for pairs (company[i], need[i])."""
        company, need = np.asarray(company, dtype=np.int64), np.asarray(need, dtype=np.int64)
        result = {}
        for name in COMPONENTS:
            a, b = self.company_parts[name][company], self.need_parts[name][need]
            result[name] = np.clip(np.einsum("ij,ij->i", a, b), 0, 1)
        result["score"] = sum(self.mix[i] * result[name] for i, name in enumerate(COMPONENTS))
        c, n = self.companies, self.needs
        gap = np.maximum(n.gap[need], 0)
        given = np.minimum(np.maximum(c.offer[company], 0), gap).sum(axis=1)
        result["coverage"] = np.where(gap.sum(axis=1) > 0, given / np.maximum(gap.sum(axis=1), 1), 0.0)
        result["shared_themes"] = np.einsum("ij,ij->i", c.features[company].astype(np.int64), n.features[need])
        distances = distance_km(c.site_lat[company], c.site_lon[company], n.lat[need][:, None], n.lon[need][:, None])
        distances = np.where(np.isnan(distances), np.inf, distances)
        nearest = distances.argmin(axis=1) if distances.shape[1] else np.zeros(len(need), np.int64)
        metres = distances[np.arange(len(need)), nearest] * 1000 if distances.shape[1] else np.full(len(need), np.inf)
        result["site_slot"] = np.where(np.isfinite(metres), nearest, -1)
        result["distance_m"] = np.where(np.isfinite(metres), np.round(metres), -1)
        area = n.area[need]
        result["same_area"] = (area >= 0) & (c.site_area[company] == area[:, None]).any(axis=1)
        result["preferred_area"] = (area >= 0) & c.preferred[company, np.maximum(area, 0)]
        district = np.where(area >= 0, self.geo.district[np.maximum(area, 0)], -1)
        site_district = np.where(c.site_area[company] >= 0, self.geo.district[np.maximum(c.site_area[company], 0)], -2)
        result["same_district"] = (district >= 0) & (site_district == district[:, None]).any(axis=1)
        result["priority"] = n.priority[need]
        result["deprivation"] = n.deprivation[need]
        return result


def _position(ids: np.ndarray, value) -> int:
    i = int(np.searchsorted(ids, value))
    if i >= len(ids) or ids[i] != value:
        raise KeyError(value)
    return i


def _trim(index: np.ndarray, score: np.ndarray, real: int, k: int) -> TopK:
    """Drop padding (index ≥ real) and widen to k columns with −1 where there are fewer."""
    index = np.asarray(index, dtype=np.int64)
    valid = index < real
    index = np.where(valid, index, -1)
    score = np.where(valid, score, 0.0)
    if index.shape[1] < k:
        extra = k - index.shape[1]
        index = np.hstack([index, np.full((len(index), extra), -1)])
        score = np.hstack([score, np.zeros((len(score), extra))])
    return TopK(index[:, :k], score[:, :k])


def score_matrix(companies: CompanySet, needs: NeedSet, geo: Geography, weights: Weights) -> np.ndarray:
    """Every pair's score (C × N), in the given order. For tests and small cities only."""
    mix = weights.normalised()
    a = _stack(company_parts(companies, geo, weights), mix, np.float64)
    b = _stack(need_parts(needs, geo, weights), None, np.float64)
    return np.clip(a @ b.T, 0, 1)
