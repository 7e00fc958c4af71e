"""The pages a person sees, in Italian, English and French."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("demo")  # these tests read the demo cities

HEADINGS = {
    "it": ["Organizzazioni", "Fonti dei dati"],
    "en": ["Organisations", "Data sources"],
    "fr": ["Organisations", "Sources des données"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_city_home_in_three_languages(lang):
    response = Client().get(f"/{lang}/milano/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    assert all(word in body for word in HEADINGS[lang])
    assert "LODI - CORVETTO" in body  # the table beside the map
    assert "bootstrap-italia.min.css" in body  # Italian city, Italian PA design system
    # the switcher links to the same page in the other languages
    assert all(f'href="/{other}/milano/"' in body for other in ("it", "en", "fr"))


@pytest.mark.django_db
def test_non_italian_city_uses_bootstrap():
    body = Client().get("/fr/nantes/").content.decode()
    assert "css/dist/bootstrap.min.css" in body and "bootstrap-italia" not in body
    assert "Centre Ville (Nantes)" in body


@pytest.mark.django_db
def test_city_home_shades_the_chosen_indicator_and_reports_a_bad_choice():
    body = Client().get("/en/milano/?kind=nil&indicator=population").content.decode()
    assert "Residents" in body
    body = Client().get("/en/milano/?kind=nil&indicator=nonsense").content.decode()
    assert "not available for this city" in body


@pytest.mark.django_db
def test_area_page_shows_indicators_with_their_source():
    body = Client().get("/it/milano/areas/nil/35/").content.decode()
    assert "LODI - CORVETTO" in body and "Municipio 4" in body
    assert "Comune di Milano" in body


@pytest.mark.django_db
def test_data_sources_page_shows_licences():
    body = Client().get("/en/nantes/data/").content.decode()
    assert "Nantes Métropole" in body and "ODbL" in body


@pytest.mark.django_db
def test_city_home_query_count_does_not_grow_with_areas():
    client = Client()
    with CaptureQueriesContext(connection) as milan:
        client.get("/en/milano/?kind=nil&indicator=population")
    with CaptureQueriesContext(connection) as municipi:
        client.get("/en/milano/?kind=municipio")
    assert len(milan) <= len(municipi) + 2  # 88 NIL cost the same queries as 9 Municipi (+ the indicator)


@pytest.mark.django_db
def test_officer_creates_an_organisation_in_the_browser_form(users):
    client = Client()
    client.force_login(users["milano", "officer"])
    response = client.post("/it/milano/organisations/new/", {"kind": "company", "name": "Form S.r.l."})
    assert response.status_code == 302
    with scopes_disabled():
        organisation = Organisation.objects.get(name="Form S.r.l.")
        assert AuditEvent.objects.filter(verb="organisation.create", object_id=str(organisation.pk)).exists()


@pytest.mark.django_db
def test_form_errors_are_shown_and_nothing_is_written(users):
    client = Client()
    client.force_login(users["milano", "officer"])
    with scopes_disabled():
        before = Organisation.objects.count()
    response = client.post("/fr/milano/organisations/new/", {"kind": "company", "name": "X", "siren": "123"})
    assert response.status_code == 200
    assert "SIREN" in response.content.decode()
    with scopes_disabled():
        assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_representative_adds_a_site_and_sees_its_neighbourhood(users):
    rep = users["milano", "representative"]
    with scopes_disabled():
        company = rep.memberships.get().organisation
    client = Client()
    client.force_login(rep)
    url = f"/it/milano/organisations/{company.pk}/"
    response = client.post(url, {"label": "Corvetto", "lat": "45.4403", "lon": "9.2235"}, follow=True)
    assert "LODI - CORVETTO" in response.content.decode()
    bad = client.post(url, {"label": "Nowhere", "lat": "north", "lon": "9.2"})
    assert bad.status_code == 200
    assert "invalid-feedback" in bad.content.decode()


@pytest.mark.django_db
def test_anonymous_gets_403_with_a_login_link_on_private_pages():
    response = Client().get("/en/milano/audit/")
    assert response.status_code == 403
    assert "/en/accounts/login/" in response.content.decode()


@pytest.mark.django_db
def test_login_by_email(users):
    user = users["milano", "officer"]
    user.set_password("a-long-test-password")
    user.save()
    client = Client()
    response = client.post("/en/accounts/login/", {"login": user.email, "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.get("/en/milano/audit/").status_code == 200
