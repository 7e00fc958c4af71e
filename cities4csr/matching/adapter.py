"""Feed the pure engine from the database: one city's open needs, companies and neighbourhoods
as numpy arrays (engine.scoring), with the lookups needed to turn results back into rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from cities4csr.cities.models import Area, Indicator, IndicatorValue
from cities4csr.impact.equity_selectors import under_served_by_area
from cities4csr.needs import sdg
from cities4csr.needs.models import Action, Need, ResourceLine, Theme
from cities4csr.offers.models import CsrProfile
from cities4csr.offers.selectors import offers_live
from cities4csr.organisations.models import Organisation, Site

from .engine import KINDS, CompanySet, Geography, NeedSet, Weights
from .engine.scoring import MONTHS

OPEN_STATES = (Need.State.PUBLISHED, Need.State.IN_PROGRESS)
SITES = 3


def city_weights(city) -> Weights:
    """The city's matching weights: ``City.policy["matching"]`` over the documented defaults."""
    return Weights.from_data((city.policy or {}).get("matching"))


@dataclass
class CityData:
    geography: Geography
    needs: NeedSet
    companies: CompanySet
    areas: list[Area]
    site_ids: np.ndarray  # (C, SITES) Site ids behind the engine's site slots, −1 padding
    features: list[str]  # theme keys then "sdg:<goal>"


def month_index(reference: dt.date) -> dt.date:
    return reference.replace(day=1)


def _months(start: dt.date | None, end: dt.date | None, reference: dt.date) -> np.ndarray:
    """Months of the coming year (from ``reference``'s month) that [start, end] touches; all if undated."""
    first = month_index(reference)
    out = np.zeros(MONTHS, dtype=bool)
    for i in range(MONTHS):
        month_start = _add_months(first, i)
        month_end = _add_months(first, i + 1) - dt.timedelta(days=1)
        if (start is None or start <= month_end) and (end is None or end >= month_start):
            out[i] = True
    return out if out.any() else np.ones(MONTHS, dtype=bool)


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)


def _geography(city) -> tuple[Geography, list[Area], dict[int, int]]:
    policy = city.settings
    areas = list(Area.objects.filter(city=city, kind=policy.primary_area_kind).order_by("code", "id"))
    districts = {
        a.pk: i
        for i, a in enumerate(Area.objects.filter(city=city, kind=policy.district_area_kind).order_by("code", "id"))
    }
    geo = Geography(
        lat=np.array([(a.min_lat + a.max_lat) / 2 for a in areas], dtype=np.float64),
        lon=np.array([(a.min_lon + a.max_lon) / 2 for a in areas], dtype=np.float64),
        district=np.array([districts.get(a.parent_id, -1) for a in areas], dtype=np.int64),
    )
    return geo, areas, {a.pk: i for i, a in enumerate(areas)}


def _deprivation(city, areas: list[Area]) -> np.ndarray:
    """Per area, the mean rank (0 best … 1 worst) over the indicators marked "higher is worse"."""
    if not areas:
        return np.zeros(0)
    kind = areas[0].kind
    position = {a.pk: i for i, a in enumerate(areas)}
    ranks = []
    for indicator in Indicator.objects.filter(city=city, area_kind=kind, higher_is_worse=True).order_by("key"):
        latest: dict[int, float] = {}
        for area_id, value in (
            IndicatorValue.objects.filter(city=city, indicator=indicator).order_by("area_id", "-date")
        ).values_list("area_id", "value"):
            latest.setdefault(area_id, value)
        values = np.full(len(areas), np.nan)
        for area_id, value in latest.items():
            if area_id in position:
                values[position[area_id]] = value
        known = ~np.isnan(values)
        if known.sum() > 1:
            order = values[known].argsort().argsort()
            rank = np.full(len(areas), np.nan)
            rank[known] = order / (known.sum() - 1)
            ranks.append(rank)
    if not ranks:
        return np.zeros(len(areas))
    return np.nan_to_num(np.nanmean(np.vstack(ranks), axis=0), nan=0.5)


def _feature_index(city) -> tuple[list[str], dict[str, int]]:
    keys = list(Theme.objects.filter(city=city).order_by("key").values_list("key", flat=True))
    features = keys + [f"sdg:{goal}" for goal in sdg.GOALS]
    return features, {f: i for i, f in enumerate(features)}


def _sdg_columns(codes, index) -> list[int]:
    return [
        index[f"sdg:{str(code).split('.')[0]}"] for code in codes or [] if f"sdg:{str(code).split('.')[0]}" in index
    ]


def _under_served(city, areas: list[Area]) -> np.ndarray | None:
    """Per area, the equity lens's under-served score (impact.equity_selectors); None when the city
    has no residents per area to measure it (every area then counts as under-served)."""
    scores = under_served_by_area(city=city)
    if not scores or not areas:
        return None
    return np.array([scores.get(a.pk, 1.0) for a in areas], dtype=np.float64)


def load_needs(
    city, *, geo_index: dict[int, int], deprivation, index, today, need_ids=None, under_served=None
) -> NeedSet:
    qs = Need.objects.filter(city=city, state__in=OPEN_STATES).order_by("id")
    if need_ids is not None:
        qs = qs.filter(pk__in=need_ids)
    rows = list(qs.values("id", "area_id", "lat", "lon", "starts_on", "ends_on", "sdgs", "action_id"))
    n = len(rows)
    position = {r["id"]: i for i, r in enumerate(rows)}
    features = np.zeros((n, len(index)), dtype=bool)
    for need_id, key in Need.themes.through.objects.filter(need__in=position).values_list("need_id", "theme__key"):
        features[position[need_id], index[key]] = True
    gap = np.zeros((n, len(KINDS)))
    kind_index = {k: i for i, k in enumerate(KINDS)}
    for need_id, kind, quantity, committed, value in ResourceLine.objects.filter(need__in=position).values_list(
        "need_id", "kind", "quantity", "committed", "value_cents"
    ):
        remaining = max(quantity - committed, 0)
        gap[position[need_id], kind_index[kind]] += round(value * remaining / quantity) if quantity else 0
    targets = defaultdict(set)
    for action_id, area_id in Action.target_areas.through.objects.filter(action__city=city).values_list(
        "action_id", "area_id"
    ):
        targets[action_id].add(area_id)
    area = np.array([geo_index.get(r["area_id"], -1) for r in rows], dtype=np.int64)
    for i, r in enumerate(rows):
        features[i, _sdg_columns(r["sdgs"], index)] = True
    return NeedSet(
        ids=np.array([r["id"] for r in rows], dtype=np.int64),
        features=features,
        gap=gap,
        area=area,
        lat=np.array([r["lat"] if r["lat"] is not None else np.nan for r in rows], dtype=np.float64),
        lon=np.array([r["lon"] if r["lon"] is not None else np.nan for r in rows], dtype=np.float64),
        months=np.array([_months(r["starts_on"], r["ends_on"], today) for r in rows], dtype=bool).reshape(n, MONTHS),
        priority=np.array([r["area_id"] in targets.get(r["action_id"], ()) for r in rows], dtype=bool),
        deprivation=np.where(area >= 0, deprivation[np.maximum(area, 0)] if len(deprivation) else 0, 0.0),
        under_served=None
        if under_served is None
        else np.where(area >= 0, under_served[np.maximum(area, 0)] if len(under_served) else 1.0, 1.0),
    )


def load_companies(city, *, geo_index: dict[int, int], n_areas: int, index, today) -> tuple[CompanySet, np.ndarray]:
    """Companies that told the city what they care about (a CSR profile) or what they can give."""
    profiled = set(CsrProfile.objects.filter(city=city).values_list("organisation_id", flat=True))
    offering = set(offers_live(city=city, on=today).values_list("organisation_id", flat=True))
    ids = sorted(
        set(
            Organisation.objects.filter(
                city=city, kind=Organisation.Kind.COMPANY, pk__in=profiled | offering
            ).values_list("pk", flat=True)
        )
    )
    position = {pk: i for i, pk in enumerate(ids)}
    c = len(ids)
    features = np.zeros((c, len(index)), dtype=bool)
    preferred = np.zeros((c, n_areas), dtype=bool)
    near_sites = np.ones(c, dtype=bool)
    profiles = {}
    for pk, org, sdgs, near in CsrProfile.objects.filter(city=city, organisation__in=ids).values_list(
        "pk", "organisation_id", "sdgs", "near_our_sites"
    ):
        profiles[pk] = position[org]
        features[position[org], _sdg_columns(sdgs, index)] = True
        near_sites[position[org]] = near
    for profile, key in CsrProfile.themes.through.objects.filter(csrprofile__in=profiles).values_list(
        "csrprofile_id", "theme__key"
    ):
        features[profiles[profile], index[key]] = True
    for profile, area in CsrProfile.preferred_areas.through.objects.filter(csrprofile__in=profiles).values_list(
        "csrprofile_id", "area_id"
    ):
        if area in geo_index:
            preferred[profiles[profile], geo_index[area]] = True
    offer = np.zeros((c, len(KINDS)))
    months = np.zeros((c, MONTHS), dtype=bool)
    has_offer = np.zeros(c, dtype=bool)
    kind_index = {k: i for i, k in enumerate(KINDS)}
    for org, kind, value, start, end in (
        offers_live(city=city, on=today)
        .filter(organisation__in=ids)
        .values_list("organisation_id", "kind", "value_cents", "available_from", "available_until")
    ):
        i = position[org]
        offer[i, kind_index[kind]] += value
        months[i] |= _months(start, end, today)
        has_offer[i] = True
    months[~has_offer] = True
    site_ids = np.full((c, SITES), -1, dtype=np.int64)
    site_area = np.full((c, SITES), -1, dtype=np.int64)
    site_lat = np.full((c, SITES), np.nan)
    site_lon = np.full((c, SITES), np.nan)
    site_areas = defaultdict(list)
    for site_id, area_id in Site.areas.through.objects.filter(site__organisation__in=ids).values_list(
        "site_id", "area_id"
    ):
        if area_id in geo_index:
            site_areas[site_id].append(geo_index[area_id])
    filled = np.zeros(c, dtype=np.int64)
    for site_id, org, lat, lon in (
        Site.objects.filter(city=city, organisation__in=ids)
        .order_by("id")
        .values_list("id", "organisation_id", "lat", "lon")
    ):
        i = position[org]
        if filled[i] >= SITES or not near_sites[i]:
            continue
        slot = filled[i]
        site_ids[i, slot], site_lat[i, slot], site_lon[i, slot] = site_id, lat, lon
        site_area[i, slot] = site_areas[site_id][0] if site_areas[site_id] else -1
        filled[i] += 1
    companies = CompanySet(
        ids=np.array(ids, dtype=np.int64),
        features=features,
        offer=offer,
        months=months,
        site_area=site_area,
        site_lat=site_lat,
        site_lon=site_lon,
        preferred=preferred,
    )
    return companies, site_ids


def load_city(city, *, need_ids=None, today: dt.date | None = None) -> CityData:
    today = today or timezone.localdate()
    geo, areas, geo_index = _geography(city)
    features, index = _feature_index(city)
    deprivation = _deprivation(city, areas)
    needs = load_needs(
        city,
        geo_index=geo_index,
        deprivation=deprivation,
        index=index,
        today=today,
        need_ids=need_ids,
        under_served=_under_served(city, areas),
    )
    companies, site_ids = load_companies(city, geo_index=geo_index, n_areas=len(areas), index=index, today=today)
    return CityData(geo, needs, companies, areas, site_ids, features)
