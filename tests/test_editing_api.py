"""PATCH and DELETE of needs, their lines and offers through the API: the same rules as the
pages (the services decide), errors with codes, nothing written on a refusal."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.offers.models import Offer
from cities4csr.offers.tests.factories import OfferFactory
from cities4csr.pledges.tests.factories import PledgeFactory

JSON = "application/json"


@pytest.fixture
def pledged(world):
    need = NeedFactory(
        city=world.city,
        owner=world.third_sector,
        lines=[
            dict(kind=ResourceKind.MONEY, label="Contributo", quantity=100_000),
            dict(kind=ResourceKind.GOODS, label="Banchi", quantity=10, value_cents=80_000),
        ],
        published=True,
    )
    money = need.lines.get(kind=ResourceKind.MONEY)
    PledgeFactory(need=need, organisation=world.company, items=[(money, 60_000)])
    return need, money


def api(user=None):
    client = Client()
    if user:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_officer_patches_a_need_and_its_line(world, pledged):
    need, money = pledged
    base = f"/api/v1/cities/{world.city.slug}/needs/{need.pk}/"
    response = api(world.officer).patch(base, {"title": "Aule all'aperto", "themes": ["education"]}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Aule all'aperto" and response.json()["themes"] == ["education"]
    line = api(world.officer).patch(f"{base}lines/{money.pk}/", {"quantity": 150_000}, content_type=JSON)
    assert line.status_code == 200, line.json()
    assert (line.json()["quantity"], line.json()["committed"]) == (150_000, 60_000)
    need.refresh_from_db()
    assert need.value_requested_cents == 150_000 + 80_000


@pytest.mark.django_db
def test_a_line_below_what_is_pledged_is_400_with_its_code(world, pledged):
    need, money = pledged
    response = api(world.officer).patch(
        f"/api/v1/cities/{world.city.slug}/needs/{need.pk}/lines/{money.pk}/", {"quantity": 100}, content_type=JSON
    )
    assert response.status_code == 400
    assert "below_committed" in str(response.json())
    money.refresh_from_db()
    assert money.quantity == 100_000


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "representative", "member", "volunteer"])
def test_others_cannot_patch_or_delete(world, pledged, who):
    need, money = pledged
    client = api(getattr(world, who) if who else None)
    base = f"/api/v1/cities/{world.city.slug}/needs/{need.pk}/"
    assert client.patch(base, {"title": "X"}, content_type=JSON).status_code in (401, 403)
    goods = need.lines.get(kind=ResourceKind.GOODS)
    assert client.delete(f"{base}lines/{goods.pk}/").status_code in (401, 403)
    assert client.delete(base).status_code in (401, 403)
    assert ResourceLine.objects.filter(pk=goods.pk).exists() and Need.objects.get(pk=need.pk).title != "X"


@pytest.mark.django_db
def test_delete_a_line_and_a_draft(world, pledged):
    need, money = pledged
    base = f"/api/v1/cities/{world.city.slug}/needs/"
    client = api(world.third_sector_representative)
    assert client.delete(f"{base}{need.pk}/lines/{money.pk}/").status_code == 400  # pledged
    goods = need.lines.get(kind=ResourceKind.GOODS)
    assert client.delete(f"{base}{need.pk}/lines/{goods.pk}/").status_code == 204
    assert client.delete(f"{base}{need.pk}/").status_code == 400  # published, with a pledge
    draft = NeedFactory(city=world.city, owner=world.third_sector)
    assert client.delete(f"{base}{draft.pk}/").status_code == 204
    assert not Need.objects.filter(pk=draft.pk).exists()
    assert client.delete(f"{base}{need.pk}/lines/999999/").status_code == 404


@pytest.mark.django_db
def test_the_company_patches_and_withdraws_its_offer(world):
    offer = OfferFactory(organisation=world.company, quantity=100_000)
    url = f"/api/v1/cities/{world.city.slug}/offers/{offer.pk}/"
    client = api(world.representative)
    until = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    patched = client.patch(url, {"quantity": 50_000, "available_until": until}, content_type=JSON)
    assert patched.status_code == 200, patched.json()
    assert patched.json()["is_expired"] is True and patched.json()["value_cents"] == 50_000
    listed = client.get(f"/api/v1/cities/{world.city.slug}/offers/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert offer.pk not in [row["id"] for row in rows]  # expired: out of the live list
    withdrawn = client.delete(url)
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
    assert client.delete(url).status_code == 400
    assert client.patch(url, {"quantity": 5}, content_type=JSON).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "other_representative"])
def test_others_cannot_touch_an_offer(world, who):
    offer = OfferFactory(organisation=world.company)
    url = f"/api/v1/cities/{world.city.slug}/offers/{offer.pk}/"
    client = api(getattr(world, who))
    assert client.patch(url, {"quantity": 5}, content_type=JSON).status_code == 403
    assert client.delete(url).status_code == 403
    assert Offer.objects.get(pk=offer.pk).is_active
    assert not AuditEvent.objects.filter(
        verb__startswith="offer.", verb__in=["offer.update", "offer.withdraw"]
    ).exists()


@pytest.mark.django_db
def test_bad_offer_input_is_400_and_writes_nothing(world):
    offer = OfferFactory(organisation=world.company)
    url = f"/api/v1/cities/{world.city.slug}/offers/{offer.pk}/"
    response = api(world.representative).patch(
        url, {"available_from": "2027-05-01", "available_until": "2027-04-01"}, content_type=JSON
    )
    assert response.status_code == 400 and "dates_order" in str(response.json())
    assert api(world.representative).patch(url, {"quantity": -3}, content_type=JSON).status_code == 400
    offer.refresh_from_db()
    assert offer.available_until is None and offer.quantity == 100_000
