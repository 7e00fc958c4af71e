"""A person's data export (page and API), the erasure through the page and the API, the consent
page: only ever about the person asking."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.accounts.tests.factories import PASSWORD
from cities4csr.core.models import AuditEvent

from .conftest import COLLEAGUE_EMAIL, EMAIL, NAME, TAX_ID, ledger_snapshot


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _other_peoples_details(world):
    people = [world.representative, world.officer, world.admin, world.member, world.other_representative]
    return [p.email for p in people] + [COLLEAGUE_EMAIL, "Ottavio", "Collega"]


@pytest.mark.django_db
def test_the_export_holds_the_persons_data_and_nothing_of_other_people(world, person):
    response = logged_in(person.user).get(reverse("account_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cities4csr-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Ginevra", "Testaccio")
    assert data["account"]["email_addresses"] == [{"email": EMAIL, "verified": True, "primary": True}]
    assert [(m["organisation"], m["role"]) for m in data["memberships"]] == [(world.company.name, "representative")]
    assert [p["id"] for p in data["pledges"]] == [person.pledge.pk, person.declined.pk]
    assert data["pledges"][0]["message"] == f"Per informazioni: {NAME}, {EMAIL}"
    assert data["pledges"][0]["value_cents"] == 40_000
    # her gift to the city's fund, with the details she gave for the receipt
    [gift] = data["contributions"]
    assert (gift["amount_cents"], gift["donor_tax_id"], gift["state"]) == (2_000, TAX_ID, "received")
    assert [e["description"] for e in data["evidence"]] == [f"Foto di {NAME}"]
    assert [(c["purpose"], c["withdrawn_at"]) for c in data["consents"]] == [("public_name", None)]
    verbs = [e["verb"] for e in data["audit_events"]]
    assert "membership.add" in verbs and "pledge.propose" in verbs and "evidence.add" in verbs
    # she added her colleague: the event is hers, the colleague is masked
    added = next(e for e in data["audit_events"] if e["verb"] == "membership.add")
    assert added["details"]["user"] == "[another person]" and added["object"] == "[another person]"
    # nothing of other people: no one else's e-mail address or name anywhere in the file
    text = response.content.decode()
    assert [detail for detail in _other_peoples_details(world) if detail in text] == []
    with scopes_disabled():
        assert not AuditEvent.objects.filter(verb__startswith="account.export").exists()  # a read writes nothing


@pytest.mark.django_db
def test_the_api_exports_the_callers_data_only(world, person):
    data = logged_in(person.user).get("/api/v1/me/data/").json()
    assert data["account"]["email"] == EMAIL and len(data["pledges"]) == 2
    # an officer asking gets their own data, never hers: no URL names another person
    officer = logged_in(world.officer).get("/api/v1/me/data/", {"user": person.user.pk}).json()
    assert officer["account"]["email"] == world.officer.email
    assert EMAIL not in json.dumps(officer) and NAME not in json.dumps(officer)
    assert Client().get("/api/v1/me/data/").status_code in (401, 403)
    assert Client().get(reverse("account_export")).status_code == 302  # to the login page


@pytest.mark.django_db
def test_an_officer_cannot_erase_someone_else_through_the_persons_endpoint(world, person):
    """Even knowing her password: the endpoint acts on the caller, whose password it is not."""
    with scopes_disabled():
        before = ledger_snapshot()
    client = logged_in(world.officer)
    response = client.post(
        "/api/v1/me/erase/",
        {"user": person.user.pk, "password": PASSWORD + "-not-the-officers", "confirm": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["codes"]["password"] == ["wrong_password"]
    response = client.post(reverse("account_erase"), {"user": person.user.pk, "password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "This is not your password: nothing was erased." in response.content.decode()
    with scopes_disabled():
        assert ledger_snapshot() == before
    assert User.objects.get(pk=person.user.pk).is_active and User.objects.get(pk=world.officer.pk).is_active


@pytest.mark.django_db
def test_the_api_erases_the_caller_with_their_password(world, person):
    client = logged_in(person.user)
    refused = client.post(
        "/api/v1/me/erase/", {"password": PASSWORD, "confirm": False}, content_type="application/json"
    )
    assert refused.status_code == 400 and User.objects.get(pk=person.user.pk).is_active
    response = client.post(
        "/api/v1/me/erase/", {"password": PASSWORD, "confirm": True}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["pseudonym"].startswith("erased-")
    assert not User.objects.get(pk=person.user.pk).is_active
    # the session is over: the next call is anonymous
    assert client.get("/api/v1/me/data/").status_code in (401, 403)


@pytest.mark.django_db
def test_the_erasure_page_confirms_with_the_password_then_logs_out(world, person):
    client = logged_in(person.user)
    page = client.get(reverse("account_erase"))
    assert 'type="password"' in page.content.decode()
    unconfirmed = client.post(reverse("account_erase"), {"password": PASSWORD})
    assert unconfirmed.status_code == 200 and User.objects.get(pk=person.user.pk).is_active
    response = client.post(reverse("account_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("account_erased")
    assert not User.objects.get(pk=person.user.pk).is_active
    assert client.get(reverse("account_data")).status_code == 302  # logged out


@pytest.mark.django_db
def test_a_blocked_erasure_says_what_to_do(world):
    client = logged_in(world.third_sector_representative)
    page = client.get(reverse("account_data")).content.decode()
    assert "Your account cannot be erased yet" in page and world.third_sector.name in page
    response = client.post(reverse("account_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=world.third_sector_representative.pk).is_active
    api = client.post("/api/v1/me/erase/", {"password": PASSWORD, "confirm": True}, content_type="application/json")
    assert api.status_code == 400 and api.json()["codes"]["non_field_errors"] == ["last_representative"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["it", "en", "fr"])
def test_the_account_page_in_three_languages(world, person, language):
    page = logged_in(person.user).get(f"/{language}/accounts/data/").content.decode()
    title = {"it": "I tuoi dati", "en": "Your data", "fr": "Vos données"}[language]
    assert f"<h1>{title}</h1>" in page
    assert reverse("privacy_notice", kwargs={"city_slug": world.city.slug}) in page


@pytest.mark.django_db
def test_the_export_reads_in_as_many_queries_with_one_pledge_as_with_five(world, person, settings):
    settings.SESSION_IDLE_TIMEOUT = 0  # no last-seen write in the middle of the count
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cities4csr.pledges.services import pledge_propose

    client = logged_in(person.user)
    client.get("/api/v1/me/data/")  # the session's first request writes it; not the export's
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/data/")
    line = person.need.lines.get()
    for _ in range(4):
        pledge_propose(actor=person.user, need=person.need, organisation=world.company, items=[(line, 1_000)])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/me/data/").json()["pledges"]) == 6
    assert len(many) == len(few)
