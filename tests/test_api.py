"""The API: the done-when figures of the foundation, validation, and permissions identical to the UI."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.cities.tests.test_demo_geography import OFFICIAL_NIL
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("demo")  # these tests read the demo cities


def login(users, city, role):
    client = Client()
    client.force_login(users[city, role])
    return client


@pytest.mark.django_db
def test_cities_list():
    data = {c["slug"]: c for c in Client().get("/api/v1/cities/").json()}
    assert set(data) == {
        "milano", "nantes", "sofia", "vratsa", "kekava", "rijeka", "guimaraes", "molina-de-segura", "budaors",
        "bratislava",
    }  # fmt: skip
    assert data["milano"]["languages"] == ["it", "en", "fr"]


@pytest.mark.django_db
def test_nil_geojson_has_the_88_official_nil():
    response = Client().get("/api/v1/cities/milano/areas.geojson?kind=nil")
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 88
    assert {f["properties"]["name"] for f in data["features"]} == set(OFFICIAL_NIL)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


@pytest.mark.django_db
def test_locate_piazzale_corvetto():
    data = Client().get("/api/v1/cities/milano/areas/locate/?lat=45.4403&lon=9.2235").json()
    assert [(a["kind"], a["code"], a["name"]) for a in data] == [
        ("municipio", "4", "Municipio 4"),
        ("nil", "35", "LODI - CORVETTO"),
    ]
    assert data[1]["parent"]["code"] == "4"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("lat=45.44", "lon"), ("lat=north&lon=9.2", "lat"), ("lat=95&lon=9.2", "lat"), ("lat=45&lon=200", "lon")],
)
def test_locate_refuses_bad_coordinates_with_a_message_per_field(query, field):
    response = Client().get(f"/api/v1/cities/milano/areas/locate/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_indicators_give_latest_values_by_area_code():
    data = Client().get("/api/v1/cities/milano/indicators/?kind=nil").json()
    population = next(i for i in data if i["key"] == "population")
    assert population["values"]["35"] > 10000
    assert population["attribution"] == "Comune di Milano"


@pytest.mark.django_db
def test_officer_creates_organisation_through_the_api(users):
    client = login(users, "milano", "officer")
    response = client.post(
        "/api/v1/cities/milano/organisations/",
        {"kind": "company", "name": "API S.r.l.", "vat_number": "IT12345670157"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "API S.r.l."
    with scopes_disabled():
        assert AuditEvent.objects.filter(verb="organisation.create", object_repr="API S.r.l.").exists()


@pytest.mark.django_db
def test_api_validation_errors_name_the_field(users):
    client = login(users, "milano", "officer")
    response = client.post(
        "/api/v1/cities/milano/organisations/",
        {"kind": "company", "name": "Bad VAT S.r.l.", "vat_number": "IT12345678901"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "vat_number" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["representative", "volunteer", "public"])
def test_non_officers_cannot_create(users, role):
    response = login(users, "milano", role).post(
        "/api/v1/cities/milano/organisations/",
        {"kind": "company", "name": "No S.r.l."},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = Client().post(
        "/api/v1/cities/milano/organisations/",
        {"kind": "company", "name": "No S.r.l."},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_representative_patches_own_organisation_but_not_others(users):
    rep = users["milano", "representative"]
    client = login(users, "milano", "representative")
    with scopes_disabled():
        own = rep.memberships.get().organisation
        other = Organisation.objects.filter(city=own.city).exclude(pk=own.pk).first()
    ok = client.patch(
        f"/api/v1/cities/milano/organisations/{own.pk}/",
        {"website": "https://example.org"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["website"] == "https://example.org"
    refused = client.patch(
        f"/api/v1/cities/milano/organisations/{other.pk}/",
        {"website": "https://x.org"},
        content_type="application/json",
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_site_added_through_the_api_is_resolved(users):
    rep = users["milano", "representative"]
    with scopes_disabled():
        own = rep.memberships.get().organisation
    response = login(users, "milano", "representative").post(
        f"/api/v1/cities/milano/organisations/{own.pk}/sites/",
        {"label": "Corvetto", "lat": 45.4403, "lon": 9.2235},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert {a["code"] for a in response.json()["areas"]} == {"4", "35"}


@pytest.mark.django_db
def test_healthz_and_schema():
    assert Client().get("/healthz").json() == {"status": "ok"}
    assert Client().get("/api/v1/schema/").status_code == 200
    assert Client().get("/api/v1/docs/").status_code == 200
