"""Reading and checking area boundary files. Pure Python + shapely, no Django.

``parse_area_file`` turns the bytes of a GeoJSON FeatureCollection into ``AreaFeature``
records or raises ``AreaFileError`` listing every bad feature and why, so an import can
refuse a file whole instead of writing half of it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

# Names a GeoJSON "crs" member may use for WGS84 longitude/latitude.
WGS84_NAMES = {
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "CRS84",
    "OGC:CRS84",
}


class AreaFileError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class AreaFeature:
    code: str
    name: str
    geometry: dict
    bbox: tuple[float, float, float, float]
    properties: dict = field(default_factory=dict)


def _feature_label(index: int, props: dict, code_field: str) -> str:
    code = props.get(code_field)
    return f"feature {index + 1}" + (f" ({code_field}={code})" if code not in (None, "") else "")


def _name_of(props: dict, name_field: str | None, name_format: str | None) -> str:
    if name_format:
        try:
            return name_format.format(**props).strip()
        except (KeyError, IndexError, ValueError):
            return ""
    value = props.get(name_field or "name")
    return str(value).strip() if value not in (None, "") else ""


def _code_of(props: dict, code_field: str) -> str:
    value = props.get(code_field)
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_area_file(
    data: bytes | str,
    *,
    code_field: str = "code",
    name_field: str | None = "name",
    name_format: str | None = None,
) -> list[AreaFeature]:
    """Parse and check a GeoJSON FeatureCollection of (Multi)Polygons in WGS84."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError([f"the file is not valid JSON: {exc}"]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise AreaFileError(["the file is not a GeoJSON FeatureCollection"])
    crs = doc.get("crs")
    if crs is not None:
        crs_name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if crs_name not in WGS84_NAMES:
            raise AreaFileError([f"the file's CRS is {crs_name!r}; convert it to WGS84 longitude/latitude (EPSG:4326)"])
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise AreaFileError(["the file has no features"])

    errors: list[str] = []
    parsed: list[AreaFeature] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        label = _feature_label(index, props, code_field)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(f"{label}: not a GeoJSON Feature")
            continue
        code = _code_of(props, code_field)
        name = _name_of(props, name_field, name_format)
        if not code:
            errors.append(f"{label}: the code property {code_field!r} is missing or empty")
        if not name:
            errors.append(f"{label}: the name is missing or empty")
        if code and code in seen_codes:
            errors.append(f"{label}: duplicate code {code!r} (also feature {seen_codes[code] + 1})")
        if name and name.casefold() in seen_names:
            errors.append(f"{label}: duplicate name {name!r} (also feature {seen_names[name.casefold()] + 1})")
        seen_codes.setdefault(code, index)
        seen_names.setdefault(name.casefold(), index)

        geometry = feature.get("geometry")
        if not geometry:
            errors.append(f"{label}: no geometry")
            continue
        try:
            geom = shape(geometry)
        except Exception as exc:  # shapely raises several types for malformed input
            errors.append(f"{label}: unreadable geometry ({exc})")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(f"{label}: geometry is a {geom.geom_type}, expected Polygon or MultiPolygon")
            continue
        if geom.is_empty:
            errors.append(f"{label}: empty geometry")
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            errors.append(f"{label}: coordinates out of longitude/latitude range; is the file in a projected CRS?")
            continue
        if not geom.is_valid:
            errors.append(f"{label}: invalid geometry ({explain_validity(geom)})")
            continue
        parsed.append(AreaFeature(code, name, mapping(geom), geom.bounds, props))
    if errors:
        raise AreaFileError(errors)
    return [AreaFeature(f.code, f.name, _as_plain(f.geometry), f.bbox, f.properties) for f in parsed]


def _as_plain(geometry: dict) -> dict:
    """shapely's mapping() gives tuples; JSON columns want lists."""
    return json.loads(json.dumps(geometry))


# Map zooms (Web Mercator, 256-pixel tiles) between which boundaries are simplified: below
# MIN_ZOOM the city is a few pixels wide anyway, from FULL_ZOOM on the stored geometry is sent.
MIN_ZOOM = 8
FULL_ZOOM = 16


def zoom_level(zoom: int | None) -> int:
    """The simplification level for a map zoom: clamped, so that a handful of variants exist."""
    return FULL_ZOOM if zoom is None else max(MIN_ZOOM, min(FULL_ZOOM, zoom))


def simplified_features(features: list[dict], *, zoom: int) -> list[dict]:
    """GeoJSON Features whose shared boundaries are simplified once for all their neighbours.

    Each boundary between two areas is simplified as one arc (topojson), so neighbours keep
    touching: no gaps or overlaps appear between them, as they would if each polygon were
    simplified alone. The tolerance is half a screen pixel at ``zoom``; coordinates are rounded
    to what that pixel can show. At ``FULL_ZOOM`` the geometry is kept, rounded to ~10 cm.
    """
    level = zoom_level(zoom)
    if not features:
        return []
    if level >= FULL_ZOOM:
        return [{**f, "geometry": _rounded(f["geometry"], 6)} for f in features]
    import topojson  # imported here: only the map's first request of each level needs it

    pixel = 360 / (256 * 2**level)  # degrees of longitude per pixel at the equator
    tolerance = pixel / 2
    digits = max(4, math.ceil(-math.log10(tolerance / 2)))
    collection = {"type": "FeatureCollection", "features": features}
    topology = topojson.Topology(collection, prequantize=False, toposimplify=tolerance, prevent_oversimplify=True)
    simplified = json.loads(topology.to_geojson())["features"]
    by_id = {f.get("id"): f for f in features}
    return [
        {**by_id.get(f.get("id"), f), "geometry": _rounded(f["geometry"], digits)}
        for f in simplified
        if f.get("geometry")
    ]


def _rounded(geometry: dict, digits: int) -> dict:
    def walk(value):
        if isinstance(value, float | int):
            return round(value, digits)
        return [walk(v) for v in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


# --- Known places (schools, sports facilities…): points read from a GeoJSON file --------------


@dataclass(frozen=True)
class PlaceFeature:
    ref: str
    name: str
    address: str
    lon: float
    lat: float


class _Blank(dict):
    """A feature's properties for str.format_map: a missing or null property is empty text."""

    def __missing__(self, key):
        return ""

    def __getitem__(self, key):
        value = super().get(key)
        return "" if value is None else value


def _formatted(template: str, props: dict) -> str:
    try:
        text = template.format_map(_Blank(props))
    except (IndexError, ValueError, AttributeError):
        return ""
    # a format such as "{name} ({operator})" leaves empty brackets and doubled spaces where a part is missing
    text = text.replace("()", "").replace(" ,", ",")
    return " ".join(text.split()).strip(" ,–-")


def _title(text: str) -> str:
    """'SCUOLA PRIMARIA G. RODARI' -> 'Scuola Primaria G. Rodari' (only for all-capital names)."""
    return text.title() if text.isupper() else text


def parse_place_file(
    data: bytes | str,
    *,
    name_field: str | None = "name",
    name_format: str | None = None,
    ref_field: str | None = None,
    address_format: str | None = None,
    title_case: bool = False,
) -> list[PlaceFeature]:
    """Parse a GeoJSON FeatureCollection of places in WGS84: one point each (a polygon's inner
    point). Without ``ref_field`` a place's reference is its name and point (6 decimals), so that
    a file listing one facility once per activity gives one place. Raises AreaFileError listing
    every bad feature; nothing is returned unless the whole file is good."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError([f"the file is not valid JSON: {exc}"]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise AreaFileError(["the file is not a GeoJSON FeatureCollection"])
    crs = doc.get("crs")
    if crs is not None:
        crs_name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if crs_name not in WGS84_NAMES:
            raise AreaFileError([f"the file's CRS is {crs_name!r}; convert it to WGS84 longitude/latitude (EPSG:4326)"])
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise AreaFileError(["the file has no features"])
    errors: list[str] = []
    places: dict[str, PlaceFeature] = {}
    for index, feature in enumerate(features):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        label = _feature_label(index, props, ref_field or "")
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(f"{label}: not a GeoJSON Feature")
            continue
        name = _formatted(name_format, props) if name_format else _name_of(props, name_field, None)
        if not name:
            errors.append(f"{label}: the name is missing or empty")
            continue
        name = _title(name) if title_case else name
        address = _formatted(address_format, props) if address_format else ""
        address = _title(address) if title_case else address
        try:
            geom = shape(feature.get("geometry"))
        except Exception as exc:  # shapely raises several types for malformed input
            errors.append(f"{label}: unreadable or missing geometry ({exc})")
            continue
        if geom.is_empty:
            errors.append(f"{label}: empty geometry")
            continue
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        lon, lat = point.x, point.y
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            errors.append(f"{label}: coordinates out of longitude/latitude range; is the file in a projected CRS?")
            continue
        if ref_field:
            ref = _code_of(props, ref_field)
            if not ref:
                errors.append(f"{label}: the reference property {ref_field!r} is missing or empty")
                continue
        else:
            ref = f"{name.casefold()}@{lat:.6f},{lon:.6f}"
        ref = ref[:120]
        places.setdefault(ref, PlaceFeature(ref, name[:255], address[:255], round(lon, 7), round(lat, 7)))
    if errors:
        raise AreaFileError(errors)
    return list(places.values())


class PointLocator:
    """Which of some polygons holds a point, for many points at once (an R-tree over them):
    ``PointLocator({key: geometry}).find(lon, lat)`` -> the key, or None."""

    def __init__(self, geometries: dict):
        from shapely import STRtree
        from shapely.prepared import prep

        self.keys = list(geometries)
        shapes = [shape(geometries[key]) for key in self.keys]
        self.prepared = [prep(s) for s in shapes]
        self.tree = STRtree(shapes)

    def find(self, lon: float, lat: float):
        from shapely.geometry import Point

        point = Point(lon, lat)
        for index in sorted(self.tree.query(point)):
            if self.prepared[index].covers(point):
                return self.keys[index]
        return None
