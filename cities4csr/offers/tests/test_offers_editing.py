"""A company corrects and withdraws its offers; expired and withdrawn offers leave matching,
pooling proposals and the city-wide allocation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cities4csr.cities.tests.factories import CORVETTO
from cities4csr.core.models import AuditEvent
from cities4csr.matching.adapter import load_city
from cities4csr.matching.selectors import allocation_proposal, pool_proposal
from cities4csr.matching.services import recommendations_recompute
from cities4csr.needs.models import ResourceKind, Theme
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.offers.models import Offer
from cities4csr.offers.selectors import offers_visible
from cities4csr.offers.services import offer_update, offer_withdraw
from cities4csr.offers.tests.factories import CsrProfileFactory, OfferFactory
from cities4csr.organisations.tests.factories import SiteFactory

TODAY = timezone.localdate()


@pytest.fixture
def fitting(world):
    """A need near Corvetto missing €1,000, and the company fitting it with €1,000 on offer."""
    themes = list(Theme.objects.filter(city=world.city, key__in=["education"]))
    need = NeedFactory(
        city=world.city, owner=world.city_hall, lat=CORVETTO[0], lon=CORVETTO[1], themes=themes, published=True
    )
    SiteFactory(organisation=world.company, lat=CORVETTO[0], lon=CORVETTO[1])
    CsrProfileFactory(organisation=world.company, preferred_areas=[world.areas["35"]], themes=themes)
    offer = OfferFactory(organisation=world.company, quantity=100_000)
    return need, offer


def pooled_offers(world, need) -> set[int]:
    recommendations_recompute(city=world.city)
    proposal = pool_proposal(city=world.city, need=need)
    return {offer_id for member in proposal.members for offer_id in member.offers} if proposal else set()


@pytest.mark.django_db
def test_a_live_offer_is_pooled_and_counted(world, fitting):
    need, offer = fitting
    assert pooled_offers(world, need) == {offer.pk}
    assert load_city(world.city).companies.offer.sum() > 0


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["expired", "withdrawn"])
def test_expired_and_withdrawn_offers_leave_matching_and_pooling(world, fitting, how):
    need, offer = fitting
    if how == "expired":
        offer_update(actor=world.representative, offer=offer, available_until=TODAY - datetime.timedelta(days=1))
    else:
        offer_withdraw(actor=world.representative, offer=offer)
    assert pooled_offers(world, need) == set()
    assert load_city(world.city).companies.offer.sum() == 0
    assert not offers_visible(actor=world.officer, city=world.city).filter(pk=offer.pk).exists()
    proposal = allocation_proposal(city=world.city)
    assert proposal is None or all(row["offer"] != offer.pk for row in proposal.rows)


@pytest.mark.django_db
def test_an_offer_lasting_until_today_still_counts(world, fitting):
    need, offer = fitting
    offer_update(actor=world.representative, offer=offer, available_until=TODAY)
    assert pooled_offers(world, need) == {offer.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["representative", "officer", "admin"])
def test_the_company_and_officers_correct_an_offer(world, fitting, who):
    _need, offer = fitting
    updated = offer_update(actor=getattr(world, who), offer=offer, quantity=250_000, label="Contributo 2027")
    assert (updated.quantity, updated.value_cents, updated.label) == (250_000, 250_000, "Contributo 2027")
    event = AuditEvent.objects.get(verb="offer.update", object_id=str(offer.pk))
    assert event.payload == {"fields": ["label", "quantity", "value_cents"]}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "other_representative", "third_sector_representative", "volunteer"])
def test_others_cannot_correct_or_withdraw_an_offer(world, fitting, who):
    _need, offer = fitting
    with pytest.raises(PermissionDenied):
        offer_update(actor=getattr(world, who), offer=offer, quantity=1)
    with pytest.raises(PermissionDenied):
        offer_withdraw(actor=getattr(world, who), offer=offer)
    offer.refresh_from_db()
    assert offer.is_active and offer.quantity == 100_000


@pytest.mark.django_db
def test_bad_offer_input_writes_nothing(world, fitting):
    _need, offer = fitting
    with pytest.raises(ValidationError) as refused:
        offer_update(
            actor=world.representative,
            offer=offer,
            available_from=TODAY,
            available_until=TODAY - datetime.timedelta(days=3),
        )
    assert refused.value.error_dict["available_until"][0].code == "dates_order"
    with pytest.raises(ValidationError):
        offer_update(actor=world.representative, offer=offer, kind=ResourceKind.GOODS, quantity=3)  # no value
    offer.refresh_from_db()
    assert (offer.kind, offer.available_until) == (ResourceKind.MONEY, None)
    assert not AuditEvent.objects.filter(verb="offer.update").exists()


@pytest.mark.django_db
def test_a_withdrawn_offer_stays_withdrawn(world, fitting):
    _need, offer = fitting
    offer_withdraw(actor=world.representative, offer=offer)
    with pytest.raises(ValidationError) as refused:
        offer_withdraw(actor=world.representative, offer=offer)
    assert refused.value.code == "already"
    with pytest.raises(ValidationError) as refused:
        offer_update(actor=world.representative, offer=offer, quantity=5)
    assert refused.value.code == "withdrawn"
    assert Offer.objects.get(pk=offer.pk).is_active is False
    assert AuditEvent.objects.filter(verb="offer.withdraw").count() == 1


@pytest.mark.django_db
def test_the_workspace_page_renews_and_withdraws_an_offer(world, fitting):
    from django.test import Client

    _need, offer = fitting
    client = Client()
    client.force_login(world.representative)
    url = f"/it/{world.city.slug}/workspace/company/offers/{offer.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "money", "label": "Contributo", "amount_eur": "2.500,50"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.quantity == 250_050
    refused = client.post(url, {"kind": "money", "label": "X", "amount_eur": "-4"})
    assert refused.status_code == 400 and "amount_eur" in refused.context["form"].errors
    client.post(url, {"form": "withdraw"})
    offer.refresh_from_db()
    assert offer.is_active is False
    other = Client()
    other.force_login(world.other_representative)
    assert other.get(url).status_code == 403
