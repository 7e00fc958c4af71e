"""The map's boundaries through the API: simplified per zoom, tagged, compressed, cached."""

import gzip
import json
from unittest import mock

import pytest

from cities4csr.cities.geo import parse_area_file
from cities4csr.cities.services import area_layer_import
from cities4csr.cities.tests.factories import area_file

pytestmark = pytest.mark.django_db


def url(city, **params):
    query = "&".join(f"{k}={v}" for k, v in {"kind": "nil", **params}.items())
    return f"/api/v1/cities/{city.slug}/areas.geojson?{query}"


def test_zoom_gives_every_area_of_the_layer_as_the_stored_geometry_does(client, two_cities):
    milano = two_cities.milan.city
    full = client.get(url(milano))
    zoomed = client.get(url(milano, zoom=11))
    assert full.status_code == zoomed.status_code == 200
    assert zoomed["Content-Type"] == "application/geo+json"
    codes = [f["properties"]["code"] for f in zoomed.json()["features"]]
    assert codes == [f["properties"]["code"] for f in full.json()["features"]] == ["1", "35", "36"]


def test_a_browser_asking_again_gets_a_304_until_an_area_changes(client, two_cities):
    milano = two_cities.milan.city
    first = client.get(url(milano, zoom=11))
    tag = first["ETag"]
    assert "max-age=600" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get(url(milano, zoom=11), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    # the form a browser sends back once gzip has made the tag weak
    assert client.get(url(milano, zoom=11), HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    assert client.get(url(milano, zoom=13), HTTP_IF_NONE_MATCH=tag).status_code == 200  # another level
    squares = {"35": ("LODI - CORVETTO ridisegnato", (9.20, 45.40, 9.22, 45.46))}
    area_layer_import(actor=None, city=milano, kind="nil", features=parse_area_file(area_file(squares)))
    changed = client.get(url(milano, zoom=11), HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    names = {f["properties"]["code"]: f["properties"]["name"] for f in changed.json()["features"]}
    assert names["35"] == "LODI - CORVETTO ridisegnato"


def test_boundaries_are_sent_compressed_to_a_browser_that_accepts_it(client, two_cities):
    response = client.get(url(two_cities.milan.city, zoom=11), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 3


@pytest.mark.parametrize("zoom", ["abc", "-1", "99"])
def test_a_bad_zoom_is_a_400_with_a_code(client, two_cities, zoom):
    response = client.get(url(two_cities.milan.city, zoom=zoom))
    assert response.status_code == 400
    assert list(response.json()["codes"]) == ["zoom"]


def test_the_geometry_is_simplified_once_and_then_read_from_the_cache(client, two_cities):
    milano = two_cities.milan.city
    client.get(url(milano, zoom=11))
    with mock.patch("cities4csr.cities.selectors.simplified_features") as simplify:
        assert client.get(url(milano, zoom=11)).status_code == 200
    simplify.assert_not_called()
