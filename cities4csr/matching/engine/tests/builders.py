"""Small engine inputs for tests: a 4-neighbourhood city and helpers to build companies and needs."""

import numpy as np

from cities4csr.matching.engine import CompanySet, Geography, NeedSet

K = 6  # features (themes + goals)
GEO = Geography(  # A and B in district 0 (1 km apart), C in district 1 (3 km), D far away (10 km)
    lat=np.array([45.460, 45.469, 45.487, 45.550]),
    lon=np.array([9.190, 9.190, 9.190, 9.190]),
    district=np.array([0, 0, 1, 2]),
)


def companies(rows: list[dict]) -> CompanySet:
    n = len(rows)
    out = CompanySet(
        ids=np.array([r.get("id", i + 1) for i, r in enumerate(rows)], dtype=np.int64),
        features=np.zeros((n, K), bool),
        offer=np.zeros((n, 5)),
        months=np.ones((n, 12), bool),
        site_area=np.full((n, 3), -1),
        site_lat=np.full((n, 3), np.nan),
        site_lon=np.full((n, 3), np.nan),
        preferred=np.zeros((n, GEO.size), bool),
    )
    for i, r in enumerate(rows):
        out.features[i, r.get("features", [])] = True
        for kind, cents in r.get("offer", {}).items():
            out.offer[i, kind] = cents
        for slot, (area, lat, lon) in enumerate(r.get("sites", [])):
            out.site_area[i, slot], out.site_lat[i, slot], out.site_lon[i, slot] = area, lat, lon
        out.preferred[i, r.get("preferred", [])] = True
        if "months" in r:
            out.months[i] = False
            out.months[i, r["months"]] = True
    return out


def needs(rows: list[dict]) -> NeedSet:
    n = len(rows)
    out = NeedSet(
        ids=np.array([r.get("id", i + 1) for i, r in enumerate(rows)], dtype=np.int64),
        features=np.zeros((n, K), bool),
        gap=np.zeros((n, 5)),
        area=np.full(n, -1),
        lat=np.full(n, np.nan),
        lon=np.full(n, np.nan),
        months=np.ones((n, 12), bool),
        priority=np.zeros(n, bool),
        deprivation=np.zeros(n),
    )
    for i, r in enumerate(rows):
        out.features[i, r.get("features", [])] = True
        for kind, cents in r.get("gap", {}).items():
            out.gap[i, kind] = cents
        if "area" in r:
            out.area[i] = r["area"]
            out.lat[i], out.lon[i] = GEO.lat[r["area"]], GEO.lon[r["area"]]
        out.priority[i] = r.get("priority", False)
        out.deprivation[i] = r.get("deprivation", 0.0)
        if "under_served" in r:
            if out.under_served is None:
                out.under_served = np.ones(n)
            out.under_served[i] = r["under_served"]
        if "months" in r:
            out.months[i] = False
            out.months[i, r["months"]] = True
    return out


def site(area: int, north_m: float = 0.0) -> tuple[int, float, float]:
    return area, GEO.lat[area] + north_m / 111_000, GEO.lon[area]
