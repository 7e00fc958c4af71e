"""A deterministic synthetic city at Milan-metro scale, as engine arrays (no database).

88 neighbourhoods in 9 districts over Milan's extent; companies with 1–3 sites clustered in
business areas, 1–4 themes or SDG goals, offers in 1–2 resource kinds worth €200–€200,000, an
availability window; needs with 1–3 themes or goals, 1–3 missing kinds worth €500–€100,000, dates,
a target-area flag and their area's deprivation. Same seed, same arrays.
"""

from __future__ import annotations

import numpy as np

from .scoring import KINDS, MONTHS, CompanySet, Geography, NeedSet

FEATURES = 27  # 10 themes + 17 SDG goals, as a city has
AREAS = 88
DISTRICTS = 9
SITES = 3
LAT, LON = (45.40, 45.53), (9.07, 9.28)


def geography(seed: int = 1) -> Geography:
    rng = np.random.default_rng([seed, 0])
    lat = rng.uniform(*LAT, AREAS)
    lon = rng.uniform(*LON, AREAS)
    angle = np.arctan2(lat - np.mean(LAT), lon - np.mean(LON))
    district = np.minimum((angle + np.pi) / (2 * np.pi) * (DISTRICTS - 1), DISTRICTS - 2).astype(np.int64) + 1
    centre = np.hypot(lat - np.mean(LAT), (lon - np.mean(LON)) * 0.7) < 0.02
    district[centre] = 0  # Municipio 1, the centre
    return Geography(lat=lat, lon=lon, district=district)


def _multi_hot(rng, rows: int, width: int, low: int, high: int, p=None) -> np.ndarray:
    counts = rng.integers(low, high + 1, rows)
    out = np.zeros((rows, width), dtype=bool)
    for c in range(1, high + 1):
        chosen = np.nonzero(counts >= c)[0]
        columns = rng.choice(width, size=len(chosen), p=p)
        out[chosen, columns] = True
    return out


def _months(rng, rows: int, always: float) -> np.ndarray:
    start = rng.integers(0, MONTHS, rows)
    length = rng.integers(2, MONTHS + 1, rows)
    offsets = (np.arange(MONTHS)[None, :] - start[:, None]) % MONTHS
    months = offsets < length[:, None]
    months[rng.random(rows) < always] = True
    return months


def companies(count: int = 300_000, geo: Geography | None = None, seed: int = 1) -> CompanySet:
    geo = geo or geography(seed)
    rng = np.random.default_rng([seed, 1])
    weight = rng.pareto(1.5, geo.size) + 1  # business districts draw more sites
    weight /= weight.sum()
    sites = rng.integers(1, SITES + 1, count)
    site_area = np.where(np.arange(SITES)[None, :] < sites[:, None], rng.choice(geo.size, (count, SITES), p=weight), -1)
    jitter = rng.normal(0, 0.004, (2, count, SITES))
    site_lat = np.where(site_area >= 0, geo.lat[np.maximum(site_area, 0)] + jitter[0], np.nan)
    site_lon = np.where(site_area >= 0, geo.lon[np.maximum(site_area, 0)] + jitter[1], np.nan)
    offer = np.zeros((count, len(KINDS)))
    kinds = _multi_hot(rng, count, len(KINDS), 1, 2, p=[0.4, 0.2, 0.2, 0.15, 0.05])
    offer[kinds] = np.round(np.exp(rng.uniform(np.log(200), np.log(200_000), kinds.sum()))) * 100
    preferred = np.zeros((count, geo.size), dtype=bool)
    chooses = np.nonzero(rng.random(count) < 0.1)[0]
    preferred[chooses, rng.choice(geo.size, len(chooses))] = True
    return CompanySet(
        ids=np.arange(1, count + 1, dtype=np.int64),
        features=_multi_hot(rng, count, FEATURES, 1, 4),
        offer=offer,
        months=_months(rng, count, always=0.5),
        site_area=site_area,
        site_lat=site_lat,
        site_lon=site_lon,
        preferred=preferred,
    )


def needs(count: int = 20_000, geo: Geography | None = None, seed: int = 1) -> NeedSet:
    geo = geo or geography(seed)
    rng = np.random.default_rng([seed, 2])
    area = rng.integers(0, geo.size, count)
    deprivation_of_area = rng.permutation(geo.size) / (geo.size - 1)
    gap = np.zeros((count, len(KINDS)))
    kinds = _multi_hot(rng, count, len(KINDS), 1, 3, p=[0.4, 0.2, 0.2, 0.15, 0.05])
    gap[kinds] = np.round(np.exp(rng.uniform(np.log(500), np.log(100_000), kinds.sum()))) * 100
    return NeedSet(
        ids=np.arange(1, count + 1, dtype=np.int64),
        features=_multi_hot(rng, count, FEATURES, 1, 3),
        gap=gap,
        area=area,
        lat=geo.lat[area] + rng.normal(0, 0.004, count),
        lon=geo.lon[area] + rng.normal(0, 0.004, count),
        months=_months(rng, count, always=0.3),
        priority=rng.random(count) < 0.2,
        deprivation=deprivation_of_area[area],
    )
