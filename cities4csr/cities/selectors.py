"""Reads for cities, areas and indicators. Callers are inside the city's scope."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from shapely.geometry import Point, shape

from .geo import simplified_features, zoom_level
from .models import Area, AreaLayer, City, Indicator, IndicatorValue, Place


def city_get(*, slug: str) -> City:
    try:
        return City.objects.get(slug=slug)
    except City.DoesNotExist:
        raise Http404("No such city") from None


def cities_listed() -> QuerySet[City]:
    return City.objects.filter(is_listed=True).order_by("name")


def area_layers(*, city: City) -> list[AreaLayer]:
    return list(AreaLayer.objects.filter(city=city).order_by("level", "kind"))


def _geometry(queryset: QuerySet[Area], with_geometry: bool) -> QuerySet[Area]:
    # Polygons are large GeoJSON: read and decoded only by those who draw or test them.
    return queryset if with_geometry else queryset.defer("geometry", "parent__geometry")


def areas_of_kind(*, city: City, kind: str, with_geometry: bool = False) -> QuerySet[Area]:
    qs = Area.objects.filter(city=city, kind=kind).select_related("parent").order_by("code")
    return _geometry(qs, with_geometry)


def area_choices(*, city: City, kinds: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    """{kind: [(code, name), …]} of the areas of some kinds, for filters' drop-downs (one query)."""
    choices = {kind: [] for kind in kinds}
    for kind, code, name in (
        Area.objects.filter(city=city, kind__in=kinds).order_by().values_list("kind", "code", "name")
    ):
        choices[kind].append((code, name))
    for rows in choices.values():
        rows.sort(key=lambda row: (len(row[0]), row[0]) if row[0].isdigit() else (0, row[0]))
    return choices


def areas_all(*, city: City, with_geometry: bool = False) -> QuerySet[Area]:
    qs = Area.objects.filter(city=city).select_related("parent").order_by("kind", "code")
    return _geometry(qs, with_geometry)


def areas_version(*, city: City, kind: str | None, zoom: int | None) -> str:
    """A tag that changes whenever the areas drawn at this level change (one aggregate query):
    the map's ETag, and the key under which their simplified geometry is cached."""
    qs = Area.objects.filter(city=city, **({"kind": kind} if kind else {})).order_by()
    seen = qs.aggregate(n=Count("id"), last=Max("updated_at"))
    raw = f"{city.pk}:{kind or '*'}:{zoom_level(zoom)}:{seen['n']}:{seen['last'] and seen['last'].isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def area_features(*, city: City, kind: str | None, zoom: int | None, version: str) -> list[dict]:
    """The areas as GeoJSON Features, boundaries simplified for the map's zoom (cities.geo), computed
    once per version and shared by every process through the cache."""

    def build() -> list[dict]:
        areas = (
            areas_of_kind(city=city, kind=kind, with_geometry=True)
            if kind
            else areas_all(city=city, with_geometry=True)
        )
        features = [
            {
                "type": "Feature",
                "id": f"{area.kind}:{area.code}",
                "properties": {
                    "kind": area.kind,
                    "code": area.code,
                    "name": area.name,
                    "parent_code": area.parent.code if area.parent else None,
                },
                "geometry": area.geometry,
            }
            for area in areas
        ]
        return simplified_features(features, zoom=zoom_level(zoom))

    return cache.get_or_set(f"area-features:{version}", build, timeout=24 * 3600)


def area_bounds(*, city: City, kind: str) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the areas of a kind, for the map to frame before it loads them."""
    box = (
        Area.objects.filter(city=city, kind=kind)
        .order_by()
        .aggregate(south=Min("min_lat"), west=Min("min_lon"), north=Max("max_lat"), east=Max("max_lon"))
    )
    return None if box["south"] is None else [[box["south"], box["west"]], [box["north"], box["east"]]]


def area_get(*, city: City, kind: str, code: str) -> Area:
    try:
        return Area.objects.select_related("parent").get(city=city, kind=kind, code=code)
    except Area.DoesNotExist:
        raise Http404("No such area") from None


def area_children(*, city: City, area: Area) -> QuerySet[Area]:
    return Area.objects.filter(city=city, parent=area).order_by("code")


def areas_locate(*, city: City, lon: float, lat: float) -> list[Area]:
    """Every area of the city that contains the point, widest level first."""
    candidates = Area.objects.filter(
        city=city, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    ).select_related("parent")
    point = Point(lon, lat)
    levels = {layer.kind: layer.level for layer in AreaLayer.objects.filter(city=city)}
    found = [area for area in candidates if shape(area.geometry).covers(point)]
    return sorted(found, key=lambda a: (levels.get(a.kind, 99), a.kind, a.code))


def indicators_of_city(*, city: City, kind: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.filter(city=city)
    if kind:
        qs = qs.filter(area_kind=kind)
    return qs.order_by("key")


def indicator_latest_values(*, city: City, indicators: list[Indicator]) -> dict[int, dict[str, float]]:
    """{indicator id: {area code: latest value}} in two queries whatever the number of areas."""
    if not indicators:
        return {}
    latest = (
        IndicatorValue.objects.filter(city=city, indicator__in=indicators)
        .values("indicator_id")
        .annotate(date=Max("date"))
        .order_by("indicator_id")
    )
    wanted = {row["indicator_id"]: row["date"] for row in latest}
    result: dict[int, dict[str, float]] = {ind.pk: {} for ind in indicators}
    rows = (
        IndicatorValue.objects.filter(city=city, indicator__in=indicators)
        .values_list("indicator_id", "area__code", "date", "value")
        .order_by("indicator_id", "area__code")
    )
    for indicator_id, code, date, value in rows:
        if wanted.get(indicator_id) == date:
            result[indicator_id][code] = value
    return result


def area_indicator_values(*, city: City, area: Area) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(city=city, area=area)
        .select_related("indicator")
        .order_by("indicator__key", "-date")
    )


@dataclass(frozen=True)
class AreaRow:
    area: Area
    value: float | None


@dataclass(frozen=True)
class AreaMap:
    """What the city map shows: one layer of areas, optionally shaded by one indicator."""

    layers: list[AreaLayer]
    layer: AreaLayer | None
    indicators: list[Indicator]
    indicator: Indicator | None
    rows: list[AreaRow]
    fell_back: bool  # a requested layer or indicator does not exist; defaults are shown

    @property
    def kind(self) -> str:
        return self.layer.kind if self.layer else ""


def area_map(*, city: City, kind: str | None = None, indicator_key: str | None = None) -> AreaMap:
    """The layer ``kind`` (default: the city's primary layer) shaded by ``indicator_key``
    (default: the city's default indicator; "" for none), with the latest values."""
    policy = city.settings
    layers = area_layers(city=city)
    by_kind = {layer.kind: layer for layer in layers}
    default_layer = by_kind.get(policy.primary_area_kind) or (layers[-1] if layers else None)
    layer = by_kind.get(kind) if kind else default_layer
    fell_back = layer is None and bool(kind)
    layer = layer or default_layer
    indicators = list(indicators_of_city(city=city, kind=layer.kind)) if layer else []
    by_key = {i.key: i for i in indicators}
    indicator = by_key.get(policy.default_indicator) if indicator_key is None else by_key.get(indicator_key)
    if indicator_key and indicator is None:
        fell_back = True
    values = indicator_latest_values(city=city, indicators=[indicator]).get(indicator.pk, {}) if indicator else {}
    areas = sorted(areas_of_kind(city=city, kind=layer.kind), key=lambda a: a.sort_key) if layer else []
    rows = [AreaRow(area, values.get(area.code)) for area in areas]
    return AreaMap(layers, layer, indicators, indicator, rows, fell_back)


#: at most this many places answer a search: a list to choose from, not a catalogue
PLACE_SEARCH_LIMIT = 10


def places_search(*, city: City, q: str, kind: str = "", limit: int = PLACE_SEARCH_LIMIT) -> list[Place]:
    """The city's known places whose name or address holds every word typed (any case), names
    that begin with the text first. Fewer than two characters find nothing."""
    words = q.split()
    if len("".join(words)) < 2:
        return []
    qs = Place.objects.filter(city=city)
    if kind:
        qs = qs.filter(kind=kind)
    for word in words[:6]:
        qs = qs.filter(Q(name__icontains=word) | Q(address__icontains=word))
    found = list(qs.select_related("area").order_by("name", "id")[: limit * 5])
    text = " ".join(words).casefold()
    found.sort(key=lambda p: (not p.name.casefold().startswith(text), text not in p.name.casefold(), p.name))
    return found[:limit]


def place_sources(*, city: City) -> list[dict]:
    """Where the city's known places come from: each kind's source, licence, attribution and count."""
    return list(
        Place.objects.filter(city=city)
        .values("kind", "source", "licence", "attribution")
        .annotate(count=Count("id"))
        .order_by("kind", "source")
    )
