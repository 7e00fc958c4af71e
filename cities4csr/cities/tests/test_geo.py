"""parse_area_file: the checks that keep a bad boundary file out, one per kind of fault."""

import json

import pytest

from cities4csr.cities.geo import AreaFileError, parse_area_file

SQUARE = [[[9.0, 45.0], [9.1, 45.0], [9.1, 45.1], [9.0, 45.1], [9.0, 45.0]]]
BOWTIE = [[[9.0, 45.0], [9.1, 45.1], [9.1, 45.0], [9.0, 45.1], [9.0, 45.0]]]


def feature(code="1", name="One", coords=SQUARE, geom_type="Polygon", **props):
    properties = {"code": code, "name": name, **props}
    geometry = None if coords is None else {"type": geom_type, "coordinates": coords}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features, crs=None):
    doc = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc)


def errors_of(data, **kwargs):
    with pytest.raises(AreaFileError) as info:
        parse_area_file(data, **kwargs)
    return info.value.errors


def test_good_file_gives_features_with_bbox():
    (area,) = parse_area_file(collection(feature(), crs="urn:ogc:def:crs:OGC:1.3:CRS84"))
    assert (area.code, area.name) == ("1", "One")
    assert area.bbox == pytest.approx((9.0, 45.0, 9.1, 45.1))
    assert area.geometry["type"] == "Polygon"


def test_integer_like_float_codes_are_normalised():
    (area,) = parse_area_file(collection(feature(code=440215.0)))
    assert area.code == "440215"


def test_name_format_builds_names_from_properties():
    (area,) = parse_area_file(collection(feature(name=None, n=4)), name_format="Municipio {n}")
    assert area.name == "Municipio 4"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        (collection(), "no features"),
        (collection(feature(), crs="EPSG:3857"), "CRS is 'EPSG:3857'"),
    ],
)
def test_file_level_faults(data, expected):
    (error,) = errors_of(data)
    assert expected in error


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (feature(code="2", coords=BOWTIE), "feature 2 (code=2): invalid geometry (Self-intersection"),
        (feature(code="2", coords=None), "feature 2 (code=2): no geometry"),
        (feature(code="2", coords=[9.0, 45.0], geom_type="Point"), "geometry is a Point"),
        (
            feature(code="2", coords=[[[1e6, 5e6], [1.1e6, 5e6], [1.1e6, 5.1e6], [1e6, 5e6]]]),
            "coordinates out of longitude/latitude range",
        ),
        (feature(code="", name="Two"), "feature 2: the code property 'code' is missing"),
        (feature(code="2", name=""), "feature 2 (code=2): the name is missing"),
        (feature(code="1", name="Two"), "duplicate code '1' (also feature 1)"),
        (feature(code="2", name="ONE"), "duplicate name 'ONE' (also feature 1)"),
    ],
)
def test_feature_faults_name_the_feature_and_reason(bad, expected):
    errors = errors_of(collection(feature(), bad))
    assert any(expected in error for error in errors), errors


def test_every_bad_feature_is_listed_not_just_the_first():
    errors = errors_of(
        collection(feature(), feature(code="1", name="Two"), feature(code="3", name="Three", coords=None))
    )
    assert errors == ["feature 2 (code=1): duplicate code '1' (also feature 1)", "feature 3 (code=3): no geometry"]


# --- simplified_features: the map's boundaries, lighter per zoom, neighbours still touching ---


def wiggly_neighbours(n=400):
    """Two areas sharing a long, finely drawn boundary (a sine wave of n points), like two NIL."""
    import math

    wave = [[9.1 + 0.00002 * math.sin(i / 3), 45.0 + 0.1 * i / n] for i in range(n + 1)]
    west = [[9.0, 45.0], *wave, [9.0, 45.1], [9.0, 45.0]]
    east = [[9.2, 45.0], [9.2, 45.1], *reversed(wave), [9.2, 45.0]]
    return [
        {
            "type": "Feature",
            "id": f"nil:{code}",
            "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for code, ring in (("1", west), ("2", east))
    ]


def vertices(features):
    return sum(len(ring) for f in features for ring in f["geometry"]["coordinates"])


def test_boundaries_are_lighter_at_low_zoom_and_neighbours_still_touch():
    from shapely.geometry import shape
    from shapely.ops import unary_union

    from cities4csr.cities.geo import simplified_features

    original = wiggly_neighbours()
    simplified = simplified_features(original, zoom=11)
    assert [f["id"] for f in simplified] == ["nil:1", "nil:2"]
    assert [f["properties"] for f in simplified] == [f["properties"] for f in original]
    assert vertices(simplified) < vertices(original) / 10
    west, east = (shape(f["geometry"]) for f in simplified)
    # the shared edge was simplified once for both: no gap, no overlap between them
    assert west.intersection(east).area == pytest.approx(0, abs=1e-12)
    union = unary_union([west, east])
    assert union.area == pytest.approx(0.2 * 0.1, rel=1e-6)
    assert len(union.interiors if union.geom_type == "Polygon" else []) == 0


def test_the_finest_level_keeps_every_vertex_and_zoom_is_clamped():
    from cities4csr.cities.geo import FULL_ZOOM, simplified_features, zoom_level

    original = wiggly_neighbours()
    assert vertices(simplified_features(original, zoom=FULL_ZOOM)) == vertices(original)
    assert (zoom_level(None), zoom_level(2), zoom_level(30)) == (FULL_ZOOM, 8, FULL_ZOOM)
    assert simplified_features([], zoom=11) == []
