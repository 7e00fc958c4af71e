"""Benchmark of the matching engine at Milan-metro scale (``make bench``).

The engine runs on the deterministic synthetic city of ``cities4csr.matching.engine.synthetic``
(300,000 companies with 1–3 sites, 20,000 open needs, 88 neighbourhoods), in this process, with
no database: what is measured is the engine the background recomputation runs.

- ``gemm_ref_s``: the hardware reference, measured in the same run: the float32 products
  ``A @ B.T`` of exactly the scoring's shape (companies × width) · (width × needs), in the same
  blocks of companies and into the same output buffer, and nothing else;
- ``match_full_s``: top-10 needs for every company and top-10 companies for every need
  (``Matcher.run``: the same products plus both selections); ``match_prepare_s`` apart: building
  the feature vectors from the arrays;
- ``match_full_peak_mb``: the peak resident memory of this process up to then (data included);
- ``match_one_company_ms_p50/_p95``, ``match_one_need_ms_p95``: one company's top-10 needs
  (one need's top-10 companies) with every component and explanation fact, as the recomputation
  and the publication notice compute them (``Matcher.for_company`` + ``components``), over 300
  companies (needs) drawn at random; pages and the API read the stored results instead;
- ``pool_need_s``: the 95th percentile of one pooling (HiGHS MILP) over 100 needs whose gap no
  single offer covers, among the offers of their top-10 companies, as the officer's page does;
  ``pool_need_gap_max``: its worst optimality gap (0 when HiGHS proves optimality);
- ``allocate_city_s``, ``allocate_city_gap``: the city-wide allocation LP over the top-10 edges
  of every need, and the relative gap of the rounded (whole cents) allocation to the LP bound.

    python bench/run_matching.py [--companies 300000] [--needs 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

# two cores: one BLAS thread per core, no oversubscription (set before numpy loads)
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, str(min(2, os.cpu_count() or 1)))

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results.json"

from cities4csr.matching.engine import Matcher, Weights, synthetic  # noqa: E402
from cities4csr.matching.engine.pooling import PoolOffer, allocate_city, pool_need  # noqa: E402
from cities4csr.matching.engine.scoring import equity  # noqa: E402

TARGETS = {
    "match_full_s_max": 30,
    "match_full_times_gemm_max": 3,
    "match_full_peak_mb_max": 4096,
    "match_one_company_ms_p95_max": 20,
    "allocate_city_gap_max": 0.01,
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gemm_reference(matcher: Matcher, block: int) -> float:
    B = matcher.B
    pad = -len(B) % matcher.ROW_GROUP
    if pad:
        B = np.vstack([B, np.zeros((pad, matcher.width), np.float32)])
    out = np.empty((block, len(B)), dtype=np.float32)
    np.matmul(matcher.A[:block], B.T, out=out[: min(block, len(matcher.A))])  # warm-up
    start = time.perf_counter()
    for first in range(0, len(matcher.A), block):
        a = matcher.A[first : first + block]
        np.matmul(a, B.T, out=out[: len(a)])
    return time.perf_counter() - start


def offers_of(matcher: Matcher, companies) -> list[PoolOffer]:
    return [
        PoolOffer(int(c) * 8 + kind, int(matcher.companies.ids[c]), kind, int(matcher.companies.offer[c, kind]))
        for c in companies
        for kind in range(5)
        if matcher.companies.offer[c, kind] > 0
    ]


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=300_000)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--block", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    geo = synthetic.geography(args.seed)
    companies = synthetic.companies(args.companies, geo, args.seed)
    needs = synthetic.needs(args.needs, geo, args.seed)
    start = time.perf_counter()
    matcher = Matcher(companies, needs, geo, Weights())
    prepare = time.perf_counter() - start
    print(f"prepared {args.companies} × {args.needs}, width {matcher.width}: {prepare:.1f} s", flush=True)

    gemm = gemm_reference(matcher, args.block)
    print(f"gemm_ref_s {gemm:.2f}", flush=True)
    start = time.perf_counter()
    by_company, by_need = matcher.run(k=10, block=args.block)
    full = time.perf_counter() - start
    peak = peak_mb()
    print(f"match_full_s {full:.2f} ({full / gemm:.2f} × gemm), peak {peak:.0f} MB", flush=True)

    one_company, one_need = [], []
    for c in rng.choice(len(matcher.companies), 300, replace=False):
        t = time.perf_counter()
        top = matcher.for_company(int(c), k=10)
        matcher.components(np.full(10, c), top.index[0])
        one_company.append((time.perf_counter() - t) * 1000)
    for n in rng.choice(len(matcher.needs), 300, replace=False):
        t = time.perf_counter()
        top = matcher.for_need(int(n), k=10)
        matcher.components(top.index[0], np.full(10, n))
        one_need.append((time.perf_counter() - t) * 1000)

    pool_times, pool_gaps, pooled = [], [], 0
    for n in rng.permutation(len(matcher.needs)):
        candidates = by_need.index[n][by_need.index[n] >= 0]
        gap = matcher.needs.gap[n]
        if (matcher.companies.offer[candidates] >= gap).all(axis=1).any():
            continue  # one company covers it alone: nothing to pool
        offers = offers_of(matcher, candidates)
        t = time.perf_counter()
        pool = pool_need(gap, offers)
        pool_times.append(time.perf_counter() - t)
        pool_gaps.append(pool.gap)
        pooled += 1
        if pooled == 100:
            break

    offer_company = np.repeat(np.arange(len(matcher.companies)), 5)
    offer_kind = np.tile(np.arange(5), len(matcher.companies))
    has = matcher.companies.offer.ravel() > 0
    offer_company, offer_kind = offer_company[has], offer_kind[has]
    capacity = matcher.companies.offer.ravel()[has].astype(np.int64)
    first = np.searchsorted(offer_company, np.arange(len(matcher.companies)))
    count = np.bincount(offer_company, minlength=len(matcher.companies))
    edge_need = np.repeat(np.arange(len(matcher.needs)), 10)
    edge_company = by_need.index.ravel()
    edge_score = by_need.score.ravel()
    valid = edge_company >= 0
    edge_need, edge_company, edge_score = edge_need[valid], edge_company[valid], edge_score[valid]
    per = count[edge_company]
    edges_offer = np.repeat(first[edge_company], per) + (np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per))
    start = time.perf_counter()
    allocation = allocate_city(
        offer_ids=np.arange(len(capacity)),
        offer_kind=offer_kind,
        offer_capacity=capacity,
        need_ids=matcher.needs.ids,
        need_gap=matcher.needs.gap.astype(np.int64),
        need_weight=1 + equity(matcher.needs, matcher.weights),
        edges_offer=edges_offer,
        edges_need=np.repeat(edge_need, per),
        edges_score=np.repeat(edge_score, per),
    )
    allocate = time.perf_counter() - start
    print(f"allocate_city_s {allocate:.2f}, gap {allocation.gap:.2e}, {len(edges_offer)} edges", flush=True)

    figures = {
        "gemm_ref_s": round(gemm, 2),
        "match_prepare_s": round(prepare, 2),
        "match_full_s": round(full, 2),
        "match_full_peak_mb": round(peak),
        "match_one_company_ms_p50": round(statistics.median(one_company), 2),
        "match_one_company_ms_p95": round(percentile(one_company, 95), 2),
        "match_one_need_ms_p95": round(percentile(one_need, 95), 2),
        "pool_need_s": round(percentile(pool_times, 95), 4) if pool_times else None,
        "pool_need_gap_max": round(max(pool_gaps), 4) if pool_gaps else None,
        "allocate_city_s": round(allocate, 2),
        "allocate_city_gap": float(f"{allocation.gap:.2e}"),
    }
    met = {
        "match_full_s_max": full <= TARGETS["match_full_s_max"],
        "match_full_times_gemm_max": full <= TARGETS["match_full_times_gemm_max"] * gemm,
        "match_full_peak_mb_max": peak <= TARGETS["match_full_peak_mb_max"],
        "match_one_company_ms_p95_max": figures["match_one_company_ms_p95"] <= TARGETS["match_one_company_ms_p95_max"],
        "allocate_city_gap_max": allocation.gap <= TARGETS["allocate_city_gap_max"],
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    results["matching"] = {
        "companies": args.companies,
        "needs": args.needs,
        "width": matcher.width,
        "block": args.block,
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "pooled_needs": pooled,
        "allocation_edges": int(len(edges_offer)),
        "targets": TARGETS,
        "met": met,
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "numpy": np.__version__},
        "timestamp": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps({**figures, "met": met}, indent=2))
    return figures


if __name__ == "__main__":
    main()
