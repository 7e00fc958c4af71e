"""Pledges through the API: the same rules and messages as the pages."""

import pytest
from django.test import Client

from cities4csr.needs.models import ResourceKind


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_pledge_accept_deliver_verify_through_the_api(corvetto_need, company_rep, users):
    rep, company = company_rep
    money = corvetto_need.lines.get(kind=ResourceKind.MONEY)
    time = corvetto_need.lines.get(kind=ResourceKind.VOLUNTEER_TIME)
    api = client_for(rep)
    response = api.post(
        "/api/v1/cities/milano/pledges/",
        {
            "need": corvetto_need.pk,
            "organisation": company.pk,
            "items": [{"line": money.pk, "quantity": 500_000}, {"line": time.pk, "quantity": 40}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pledge = response.json()
    assert pledge["state"] == "proposed" and pledge["value_cents"] == 500_000 + 40 * 2_500
    url = f"/api/v1/cities/milano/pledges/{pledge['id']}/"
    assert api.post(url + "transition/", {"to": "accepted"}, content_type="application/json").status_code == 403
    officer = client_for(users["milano", "officer"])
    assert (
        officer.post(url + "transition/", {"to": "accepted"}, content_type="application/json").json()["state"]
        == "accepted"
    )
    refused = api.post(url + "transition/", {"to": "delivered"}, content_type="application/json")
    assert refused.status_code == 400 and "evidence" in str(refused.json())
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.pledges.tests.test_pledges import PNG

    upload = api.post(url + "evidence/", {"kind": "photo", "file": SimpleUploadedFile("p.png", PNG)})
    assert upload.status_code == 201, upload.json()
    assert api.post(url + "transition/", {"to": "delivered"}, content_type="application/json").status_code == 200
    verified = officer.post(url + "transition/", {"to": "verified"}, content_type="application/json")
    assert verified.json()["state"] == "verified"
    assert client_for().get(url).status_code == 404  # pledges are not public through the API


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"line": 0, "quantity": 1}], "does not belong to this need"),
        ([], "items"),
        ([{"line": "LINE", "quantity": 0}], "quantity"),
        ([{"line": "LINE", "quantity": 2_000_000}], "Only"),
        ([{"line": "LINE", "quantity": 100, "cost_cents": 100}], "Money is its own value"),
        ([{"line": "TIME", "quantity": 10, "cost_cents": -1}], "cost_cents"),
    ],
)
def test_bad_pledges_are_refused_with_a_message(corvetto_need, company_rep, items, message):
    rep, company = company_rep
    money = corvetto_need.lines.get(kind=ResourceKind.MONEY)
    time = corvetto_need.lines.get(kind=ResourceKind.VOLUNTEER_TIME)
    items = [{**i, "line": {"LINE": money.pk, "TIME": time.pk}.get(i["line"], i["line"])} for i in items]
    response = client_for(rep).post(
        "/api/v1/cities/milano/pledges/",
        {"need": corvetto_need.pk, "organisation": company.pk, "items": items},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in str(response.json())
    money.refresh_from_db()
    time.refresh_from_db()
    assert money.committed == time.committed == 0


@pytest.mark.django_db
def test_time_is_valued_at_the_givers_declared_cost(corvetto_need, company_rep):
    """B4SI: in-kind and time count at their cost to the giver, when the giver says it."""
    rep, company = company_rep
    time = corvetto_need.lines.get(kind=ResourceKind.VOLUNTEER_TIME)
    response = client_for(rep).post(
        "/api/v1/cities/milano/pledges/",
        {
            "need": corvetto_need.pk,
            "organisation": company.pk,
            "items": [{"line": time.pk, "quantity": 40, "cost_cents": 140_000}],  # 40 h at €35
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["items"] == [{"line": time.pk, "quantity": 40, "value_cents": 140_000}]
    assert response.json()["value_cents"] == 140_000


@pytest.mark.django_db
def test_cannot_pledge_for_someone_elses_organisation(corvetto_need, users):
    from cities4csr.organisations.models import Organisation

    other = Organisation.objects.get(name="Fondazione Cariplo")
    money = corvetto_need.lines.get(kind=ResourceKind.MONEY)
    response = client_for(users["milano", "representative"]).post(
        "/api/v1/cities/milano/pledges/",
        {"need": corvetto_need.pk, "organisation": other.pk, "items": [{"line": money.pk, "quantity": 1}]},
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_officer_creates_and_publishes_a_need_through_the_api(users):
    api = client_for(users["milano", "officer"])
    from django_scopes import scopes_disabled

    from cities4csr.organisations.models import Organisation

    with scopes_disabled():
        owner = Organisation.objects.get(city__slug="milano", name="Comune di Milano")
    need = api.post(
        "/api/v1/cities/milano/needs/",
        {
            "owner": owner.pk,
            "title": "Via API",
            "description": "…",
            "lat": 45.4403,
            "lon": 9.2235,
            "themes": ["education"],
            "sdgs": ["4.a"],
            "action": 1,
        },
        content_type="application/json",
    )
    assert need.status_code == 201, need.json()
    assert need.json()["area"]["code"] == "35" and need.json()["state"] == "draft"
    pk = need.json()["id"]
    line = api.post(
        f"/api/v1/cities/milano/needs/{pk}/lines/",
        {"kind": "money", "label": "M", "quantity": 100_00},
        content_type="application/json",
    )
    assert line.status_code == 201
    published = api.post(
        f"/api/v1/cities/milano/needs/{pk}/transition/", {"to": "published"}, content_type="application/json"
    )
    assert published.json()["state"] == "published"
    bad = api.post(
        "/api/v1/cities/milano/needs/",
        {"owner": owner.pk, "title": "X", "description": "…", "sdgs": ["42"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "sdgs" in bad.json()


@pytest.mark.django_db
def test_offers_api(users, company_rep):
    rep, company = company_rep
    response = client_for(rep).post(
        "/api/v1/cities/milano/offers/",
        {
            "organisation": company.pk,
            "kind": "volunteer_time",
            "label": "Giornata di volontariato",
            "quantity": 16,
            "value_cents": 16 * 3000,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert any(
        o["label"] == "Giornata di volontariato"
        for o in client_for().get("/api/v1/cities/milano/offers/?limit=500").json()["results"]
    )
    assert (
        client_for(users["milano", "public"])
        .post(
            "/api/v1/cities/milano/offers/",
            {"organisation": company.pk, "kind": "money", "label": "X", "quantity": 1},
            content_type="application/json",
        )
        .status_code
        == 403
    )
