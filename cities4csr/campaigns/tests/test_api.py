"""The campaigns API: the same figures and rules as the pages, the same permissions."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from cities4csr.campaigns.models import Campaign

from .factories import a_campaign, a_campaign_gift, city_threshold, company_matcher

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def base(world):
    return f"/api/v1/cities/{world.city.slug}/campaigns/"


def test_detail_gives_progress_matchers_and_the_preview(world):
    campaign = a_campaign(world, matchers=[company_matcher(world, pool_cents=200_000), city_threshold()])
    a_campaign_gift(campaign, 100_000)
    body = api().get(base(world) + f"{campaign.slug}/", {"amount_cents": 5_000}).json()
    assert body["progress"]["raised_cents"] == 200_000 and body["progress"]["donors"] == 1
    assert body["preview"] == {"gift_cents": 5_000, "match_cents": 5_000, "becomes_cents": 10_000}
    assert [m["left_cents"] for m in body["matchers"]] == [100_000, 400_000]
    assert body["gifts"] == 1
    listed = api().get(base(world)).json()
    assert [c["slug"] for c in listed["results"]] == [campaign.slug]
    assert listed["results"][0]["balance_cents"] == 200_000
    assert api().get(base(world), {"need": campaign.need_id}).json()["count"] == 1
    assert api().get(base(world), {"need": campaign.need_id + 1000}).json()["count"] == 0


def test_a_bad_preview_amount_is_a_400_with_a_code(world):
    campaign = a_campaign(world)
    response = api().get(base(world) + f"{campaign.slug}/", {"amount_cents": "-3"})
    assert response.status_code == 400


def test_officers_create_add_matchers_open_and_close_through_the_api(world):
    client = api(world.officer)
    deadline = (timezone.now() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        base(world),
        {
            "slug": "api-campagna",
            "title": "Campagna",
            "description": "…",
            "project": "Un orto",
            "target_cents": 100_000,
            "deadline": deadline,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "draft"
    response = client.post(
        base(world) + "api-campagna/matchers/",
        {"organisation": world.company.pk, "pool_cents": "500.00", "factor": "1"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert client.post(base(world) + "api-campagna/transition/", {"to": "open"}, format="json").status_code == 200
    # the rules are fixed once open
    refused = client.patch(base(world) + "api-campagna/", {"target_cents": 5}, format="json")
    assert refused.status_code == 400
    assert (
        client.patch(base(world) + "api-campagna/", {"title": "Campagna nuova"}, format="json").json()["title"]
        == "Campagna nuova"
    )
    response = client.post(base(world) + "api-campagna/transition/", {"to": "close_now"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "missed"


def test_others_cannot_write_and_do_not_see_drafts(world):
    draft = a_campaign(world, open_it=False)
    for person in (None, world.representative):
        client = api(person)
        assert client.get(base(world) + f"{draft.slug}/").status_code == 404
        assert draft.slug not in str(client.get(base(world)).json())
        assert client.post(base(world), {"slug": "x"}, format="json").status_code in (401, 403)
        assert client.post(base(world) + f"{draft.slug}/transition/", {"to": "open"}, format="json").status_code in (
            401,
            403,
            404,
        )
    open_one = a_campaign(world, slug="aperta")
    response = api(world.representative).patch(base(world) + "aperta/", {"title": "x"}, format="json")
    assert response.status_code == 403
    with scopes_disabled():
        assert Campaign.objects.get(pk=open_one.pk).title != "x"
