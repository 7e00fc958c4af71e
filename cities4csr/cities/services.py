"""Writes for cities, their area layers and indicators. Each one audited, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from shapely.geometry import shape
from shapely.strtree import STRtree

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log

from .geo import AreaFeature, PlaceFeature, PointLocator
from .models import Area, AreaLayer, City, Indicator, IndicatorValue, Place


def city_create(
    *,
    actor,
    slug: str,
    name: str,
    country: str,
    default_language: str,
    languages: list[str],
    currency: str = "EUR",
    timezone: str = "Europe/Rome",
    theme: str = City.Theme.BOOTSTRAP,
    policy: dict | None = None,
) -> City:
    city = City(
        slug=slug,
        name=name,
        country=country,
        default_language=default_language,
        languages=languages,
        currency=currency,
        timezone=timezone,
        theme=theme,
        policy=policy or {},
    )
    city.full_clean()
    with transaction.atomic():
        city.save()
        audit_log(actor=actor, city=city, verb="city.create", obj=city, payload={"slug": slug})
    return city


def city_update(*, actor, city: City, **changes) -> City:
    require(actor, "cities.change_city", city)
    for key, value in changes.items():
        setattr(city, key, value)
    city.full_clean()
    with transaction.atomic():
        city.save()
        audit_log(actor=actor, city=city, verb="city.update", obj=city, payload={"fields": sorted(changes)})
    return city


def city_settings_update(
    *,
    actor,
    city: City,
    languages: list[str],
    default_language: str,
    theme: str,
    matching: dict,
    pagopa: dict | None = None,
    tax_code: str | None = None,
) -> City:
    """What the city's administrators change on the settings page: languages, look, matching
    weights, the city's tax code (printed on donation receipts) and for an Italian city its
    pagoPA codes (ADR 0028)."""
    require(actor, "cities.change_city", city)
    policy = {**(city.policy or {}), "matching": {**city.settings.matching, **matching}}
    pagopa_before = dict(city.settings.pagopa)
    if pagopa is not None:
        policy["pagopa"] = dict(pagopa)
    before_tax_code = city.settings.tax_code
    if tax_code is not None:
        policy["tax_code"] = tax_code
    before = {"languages": city.languages, "default_language": city.default_language, "theme": city.theme}
    city.languages, city.default_language, city.theme, city.policy = list(languages), default_language, theme, policy
    try:
        city.full_clean()
    except ValidationError:
        city.refresh_from_db()
        raise
    changed = {key: [value, getattr(city, key)] for key, value in before.items() if getattr(city, key) != value}
    if pagopa is not None and pagopa != pagopa_before:
        changed["pagopa"] = [pagopa_before, policy["pagopa"]]
    if tax_code is not None and tax_code != before_tax_code:
        changed["tax_code"] = [before_tax_code, tax_code]
    with transaction.atomic():
        city.save()
        audit_log(
            actor=actor,
            city=city,
            verb="city.settings",
            obj=city,
            payload={"changed": changed, "matching": policy["matching"]},
        )
    return city


def area_layer_import(
    *,
    actor,
    city: City,
    kind: str,
    features: list[AreaFeature],
    names: Mapping[str, str] | None = None,
    level: int = 1,
    parent_kind: str = "",
    source: str = "",
    licence: str = "",
    attribution: str = "",
) -> dict:
    """Create or update the areas of one kind from checked features (see geo.parse_area_file).

    Areas are matched by code; areas of that kind missing from the file are kept. When
    ``parent_kind`` is given, each area's parent is the area of that kind that contains its
    representative point. Returns counts.
    """
    with scope(city=city.pk), transaction.atomic():
        parents = _parent_finder(city, parent_kind) if parent_kind else None
        if parent_kind and parents is None:
            raise ValidationError(f"no areas of kind {parent_kind!r} are loaded in {city.slug}; load them first")
        layer, _ = AreaLayer.objects.update_or_create(
            city=city,
            kind=kind,
            defaults=dict(
                names=dict(names or {}),
                level=level,
                parent_kind=parent_kind,
                source=source,
                licence=licence,
                attribution=attribution,
            ),
        )
        existing = {a.code: a for a in Area.objects.filter(kind=kind)}
        created = updated = 0
        for feature in features:
            minx, miny, maxx, maxy = feature.bbox
            values = dict(
                name=feature.name,
                geometry=feature.geometry,
                min_lon=minx,
                min_lat=miny,
                max_lon=maxx,
                max_lat=maxy,
                parent=parents(feature.geometry) if parents else None,
            )
            area = existing.get(feature.code)
            if area is None:
                Area.objects.create(city=city, kind=kind, code=feature.code, **values)
                created += 1
            else:
                for key, value in values.items():
                    setattr(area, key, value)
                area.save()
                updated += 1
        counts = {"kind": kind, "created": created, "updated": updated}
        audit_log(actor=actor, city=city, verb="areas.import", obj=layer, payload=counts)
    return counts


def _parent_finder(city: City, parent_kind: str):
    candidates = list(Area.objects.filter(kind=parent_kind).only("id", "geometry"))
    if not candidates:
        return None
    shapes = [shape(a.geometry) for a in candidates]
    tree = STRtree(shapes)

    def find(geometry: dict):
        point = shape(geometry).representative_point()
        for index in tree.query(point, predicate="intersects"):
            return candidates[int(index)]
        return None

    return find


def indicator_import(
    *,
    actor,
    city: City,
    key: str,
    names: Mapping[str, str],
    area_kind: str,
    date: dt.date,
    values: Mapping[str, float],
    unit: str = "",
    higher_is_worse: bool = False,
    source: str = "",
    licence: str = "",
    attribution: str = "",
) -> dict:
    """Record one dated value per area code. Unknown codes or non-numbers refuse the whole import;
    an empty value means "not measured" and is skipped."""
    with scope(city=city.pk), transaction.atomic():
        areas = {a.code: a for a in Area.objects.filter(kind=area_kind)}
        errors = []
        clean: dict[Area, float] = {}
        for code, raw in values.items():
            area = areas.get(str(code))
            if area is None:
                errors.append(f"{code}: no {area_kind} area with this code")
                continue
            if raw is None or str(raw).strip() == "":
                continue
            try:
                clean[area] = float(raw)
            except (TypeError, ValueError):
                errors.append(f"{code}: {raw!r} is not a number")
        if errors:
            raise ValidationError(errors)
        indicator, _ = Indicator.objects.update_or_create(
            city=city,
            key=key,
            defaults=dict(
                names=dict(names),
                unit=unit,
                area_kind=area_kind,
                higher_is_worse=higher_is_worse,
                source=source,
                licence=licence,
                attribution=attribution,
            ),
        )
        for area, value in clean.items():
            IndicatorValue.objects.update_or_create(
                city=city, indicator=indicator, area=area, date=date, defaults={"value": value}
            )
        counts = {"indicator": key, "date": date.isoformat(), "values": len(clean)}
        audit_log(actor=actor, city=city, verb="indicator.import", obj=indicator, payload=counts)
    return counts


def places_import(
    *,
    actor,
    city: City,
    kind: str,
    features: list[PlaceFeature],
    source: str = "",
    licence: str = "",
    attribution: str = "",
) -> dict:
    """Create or update the city's known places of one kind from checked features (see
    geo.parse_place_file), matched by their reference in the source: loading a file again
    updates them. Each place gets the neighbourhood (the city's primary area kind) it lies in;
    when the city has such areas, a place outside all of them is skipped and counted. Audited
    once for the file. Returns counts."""
    if kind not in Place.Kind.values:
        raise ValidationError(f"unknown place kind {kind!r}; one of {', '.join(Place.Kind.values)}")
    with scope(city=city.pk), transaction.atomic():
        primary = city.settings.primary_area_kind
        areas = {a.pk: a for a in Area.objects.filter(kind=primary).only("id", "geometry")} if primary else {}
        locator = PointLocator({pk: a.geometry for pk, a in areas.items()}) if areas else None
        existing = {p.external_ref: p for p in Place.objects.filter(kind=kind)}
        fields = ("name", "address", "lat", "lon", "area_id", "source", "licence", "attribution", "updated_at")
        now = timezone.now()
        new, changed, skipped = [], [], 0
        for feature in features:
            area_id = locator.find(feature.lon, feature.lat) if locator else None
            if locator and area_id is None:
                skipped += 1
                continue
            values = dict(
                name=feature.name,
                address=feature.address,
                lat=feature.lat,
                lon=feature.lon,
                area_id=area_id,
                source=source,
                licence=licence,
                attribution=attribution,
            )
            place = existing.get(feature.ref)
            if place is None:
                new.append(Place(city=city, kind=kind, external_ref=feature.ref, **values))
            elif any(getattr(place, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(place, key, value)
                place.updated_at = now  # bulk_update does not touch auto_now fields
                changed.append(place)
        Place.objects.bulk_create(new, batch_size=500)
        Place.objects.bulk_update(changed, fields, batch_size=500)
        counts = {"kind": kind, "created": len(new), "updated": len(changed), "outside": skipped}
        audit_log(actor=actor, city=city, verb="places.import", obj=city, payload=counts)
    return counts
