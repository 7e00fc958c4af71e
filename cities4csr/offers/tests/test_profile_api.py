"""A company's CSR profile through the API: read and corrected by its representatives and the
city's officers, audited, city-scoped, with errors per field."""

import pytest
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.offers.models import CsrProfile


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def url(world, organisation):
    return f"/api/v1/cities/{world.city.slug}/organisations/{organisation.pk}/csr-profile/"


@pytest.mark.django_db
def test_a_representative_reads_the_defaults_then_corrects_the_profile(world):
    representative = client_of(world.representative)
    empty = representative.get(url(world, world.company)).json()
    assert empty["themes"] == [] and empty["preferred_areas"] == [] and empty["near_our_sites"] is True

    code = sorted(world.areas)[0]
    changed = representative.patch(
        url(world, world.company),
        {"themes": ["education"], "sdgs": ["4", "11.7"], "preferred_areas": [code], "headcount": 120},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json() | {} == {
        "themes": ["education"],
        "sdgs": ["4", "11.7"],
        "preferred_areas": [code],
        "near_our_sites": True,
        "headcount": 120,
        "volunteering_days_per_year": None,
        "volunteer_hour_cost_cents": None,
        "notify_new_needs": True,
    }
    profile = CsrProfile.objects.get(organisation=world.company)
    assert profile.headcount == 120 and AuditEvent.objects.filter(verb="profile.update").exists()
    # a PATCH changes only what it sends
    representative.patch(url(world, world.company), {"headcount": 80}, content_type="application/json")
    assert representative.get(url(world, world.company)).json()["themes"] == ["education"]


@pytest.mark.django_db
def test_others_may_not_and_bad_values_are_named(world, two_cities):
    assert client_of(world.other_representative).get(url(world, world.company)).status_code == 403
    assert (
        client_of(world.member).patch(url(world, world.company), {}, content_type="application/json").status_code == 403
    )
    nantes_company = two_cities.nantes.company
    assert client_of(world.officer).get(url(world, nantes_company)).status_code == 404
    officer = client_of(world.officer)
    bad = officer.patch(
        url(world, world.company),
        {"themes": ["nope"], "preferred_areas": ["999"], "headcount": -1},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert bad.status_code == 400
    assert set(bad.json()["codes"]) >= {"themes", "preferred_areas", "headcount"}
    assert not CsrProfile.objects.filter(organisation=world.company).exists()


@pytest.mark.django_db
def test_the_hourly_cost_of_volunteering_is_declared_in_the_page_and_the_api(world):
    """It values the employees' approved hours (B4SI: time at cost): typed as the page's language
    writes money, in cents through the API, a negative amount refused."""
    page = client_of(world.representative)
    form = {"near_our_sites": "on", "volunteer_hour_cost_cents": "32,50", "form": "profile"}
    response = page.post(f"/it/{world.city.slug}/workspace/company/?organisation={world.company.pk}", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CsrProfile.objects.get(organisation=world.company).volunteer_hour_cost_cents == 3250
    api = page.patch(url(world, world.company), {"volunteer_hour_cost_cents": 4000}, content_type="application/json")
    assert api.json()["volunteer_hour_cost_cents"] == 4000
    bad = page.patch(url(world, world.company), {"volunteer_hour_cost_cents": -1}, content_type="application/json")
    assert bad.status_code == 400 and "volunteer_hour_cost_cents" in bad.json()["codes"]
