"""Under /api/ every error is JSON (cities4csr.core.api.errors), elsewhere an HTML page."""

import pytest
from django.test import Client

from cities4csr.cities.api import views as city_api


def _assert_json(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/no-such-thing", "/api/v2/", "/api/"])
def test_an_unknown_url_under_the_api_is_a_json_404(path):
    response = Client().get(path)
    _assert_json(response, 404)
    assert response.json()["code"] == "not_found"


def test_the_api_refusals_are_json(world):
    client = Client()
    _assert_json(client.get("/api/v1/cities/no-such-city/"), 404)
    _assert_json(client.get(f"/api/v1/cities/{world.city.slug}/needs/999999/"), 404)
    signed_in = Client()
    signed_in.force_login(world.officer)
    _assert_json(signed_in.post("/api/v1/cities/", {}, content_type="application/json"), 405)
    # not signed in: 401, and the header that says how to sign in (an API key)
    refused = client.post(f"/api/v1/cities/{world.city.slug}/needs/", {}, content_type="application/json")
    _assert_json(refused, 401)
    assert refused["WWW-Authenticate"] == "Api-Key"
    # signed in, not allowed: 403
    volunteer = Client()
    volunteer.force_login(world.volunteer)
    _assert_json(volunteer.get(f"/api/v1/cities/{world.city.slug}/audit/"), 403)


def test_an_error_is_json_whatever_the_endpoints_format(world):
    """A refused GeoJSON request answers application/json, as openapi.yaml says (it was geo+json)."""
    response = Client().get(f"/api/v1/cities/{world.city.slug}/areas.geojson?kind=no%20such%20kind")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["codes"] == {"kind": ["invalid"]}


def test_a_server_error_in_the_api_is_json_and_says_nothing_of_the_exception(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(city_api.CityDetailView, "get", explode)
    response = Client(raise_request_exception=False).get(f"/api/v1/cities/{world.city.slug}/")
    _assert_json(response, 500)
    assert response.json()["code"] == "server_error"
    assert "secret internals" not in response.content.decode()


@pytest.mark.django_db
def test_pages_keep_their_html_error_pages():
    response = Client().get("/en/no-such-city/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
