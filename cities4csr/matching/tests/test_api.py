"""Matching through the API: the same permissions as the pages, explanations in the request's
language, a bounded number of queries whatever the number of recommendations."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cities4csr.matching.models import CollectiveAction, Invitation
from cities4csr.matching.services import recommendations_recompute

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cities/milano"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def computed(in_milano, fitting_company, corvetto_need):
    recommendations_recompute(city=in_milano)
    return *fitting_company, corvetto_need


def test_company_recommendations_in_the_request_language(computed, users):
    rep, company, need = computed
    api = client_for(rep)
    url = f"{BASE}/organisations/{company.pk}/recommendations/"
    rows = api.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert 1 <= len(rows) <= 10 and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    mine = next(r for r in rows if r["need"] == need.pk)
    assert 0 <= mine["score"] <= 1 and set(mine["components"]) >= {"theme", "resource", "proximity", "equity"}
    assert any("€ manquants" in reason for reason in mine["explanation"]), mine["explanation"]
    assert client_for(users["milano", "public"]).get(url).status_code == 403
    assert client_for().get(url).status_code == 403


def test_need_helpers_pool_and_notify_are_for_officers(computed, users):
    _rep, company, need = computed
    officer = client_for(users["milano", "officer"])
    helpers = officer.get(f"{BASE}/needs/{need.pk}/helpers/").json()
    assert len(helpers) == 10 and company.pk in [h["organisation"] for h in helpers]
    pool = officer.get(f"{BASE}/needs/{need.pk}/pool/").json()
    assert pool["method"] == "milp" and pool["members"] and pool["covered_cents"] <= pool["missing_cents"]
    assert company.pk in [o["organisation"] for o in officer.get(f"{BASE}/needs/{need.pk}/notify/").json()]
    public = client_for(users["milano", "public"])
    for path in ("helpers/", "pool/", "notify/"):
        assert public.get(f"{BASE}/needs/{need.pk}/{path}").status_code == 403


def test_collective_action_and_invitation_through_the_api(computed, users):
    rep, company, need = computed
    rep_api = client_for(rep)
    assert rep_api.post(f"{BASE}/needs/{need.pk}/pool/").status_code == 403
    assert not CollectiveAction.objects.exists()
    action = client_for(users["milano", "officer"]).post(f"{BASE}/needs/{need.pk}/pool/").json()
    assert action["state"] == "open" and action["invitations"]
    invitation = Invitation.objects.filter(action_id=action["id"], organisation=company).first()
    url = f"{BASE}/invitations/{invitation.pk}/transition/"
    assert rep_api.post(url, {"to": "invited"}, content_type="application/json").status_code == 400
    answer = rep_api.post(url, {"to": "accepted"}, content_type="application/json").json()
    assert answer["state"] == "accepted" and answer["pledge"]
    assert (
        client_for(users["milano", "public"]).post(url, {"to": "declined"}, content_type="application/json").status_code
        == 404
    )


def test_query_counts_do_not_grow_with_recommendations(computed, users):
    rep, company, need = computed
    officer = client_for(users["milano", "officer"])
    urls = [f"{BASE}/organisations/{company.pk}/recommendations/", f"{BASE}/needs/{need.pk}/helpers/"]
    for url in urls:
        officer.get(url)  # warm the per-user caches
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(url).status_code == 200
        assert len(queries) <= 12, [q["sql"] for q in queries]


def test_pages_query_counts(computed, users):
    rep, company, need = computed
    pages = [
        (rep, "/en/milano/workspace/company/", 31),  # with the home figures and the navigation
        (users["milano", "officer"], f"/en/milano/needs/{need.pk}/", 22),  # with its open campaign and activities
    ]
    for user, url, budget in pages:
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= budget, len(queries)  # ten recommendations, each with its explanation


def test_city_allocation_respects_capacities_and_gaps(computed, users):
    from cities4csr.offers.models import Offer

    officer = client_for(users["milano", "officer"])
    result = officer.get(f"{BASE}/allocation/").json()
    assert result["rows"] and result["covered_cents"] == sum(r["cents"] for r in result["rows"])
    assert result["gap"] <= 0.01
    for offer in Offer.objects.filter(pk__in={r["offer"] for r in result["rows"]}):
        assert sum(r["cents"] for r in result["rows"] if r["offer"] == offer.pk) <= offer.value_cents
    assert client_for(users["milano", "public"]).get(f"{BASE}/allocation/").status_code == 403
