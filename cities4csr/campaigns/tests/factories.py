"""Campaigns built through the services, as a test needs them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cities4csr.campaigns.models import Campaign
from cities4csr.campaigns.services import campaign_create, campaign_gift_create, campaign_open, matcher_save
from cities4csr.funds.models import Contribution
from cities4csr.funds.services import contribution_receive
from cities4csr.needs.tests.factories import NeedFactory


def a_campaign(world, *, slug="cortile-corvetto", matchers=(), open_it=True, need=None, **fields):
    """A campaign for a published need of ``world`` (€10,000, all-or-nothing, 30 days), with
    ``matchers`` (dicts of matcher fields), opened unless ``open_it`` is False."""
    if need is None and "project" not in fields:
        need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    fields = {
        "title": "Un cortile per la scuola",
        "description": "Il cortile e il doposcuola della scuola di Corvetto.",
        "target_cents": 1_000_000,
        "deadline": timezone.now() + datetime.timedelta(days=30),
        "mode": Campaign.Mode.ALL_OR_NOTHING,
        "need": need,
        **fields,
    }
    campaign = campaign_create(actor=world.officer, city=world.city, slug=slug, **fields)
    for order, matcher in enumerate(matchers, start=1):
        matcher_save(actor=world.officer, campaign=campaign, **{"order": order, **matcher})
    if open_it:
        campaign = campaign_open(actor=world.officer, campaign=campaign)
    return campaign


def company_matcher(world, pool_cents=200_000, factor=Decimal(1), **fields):
    return {"organisation": world.company, "pool_cents": pool_cents, "factor": factor, **fields}


def city_threshold(pool_cents=400_000, percent=50, cap_cents=400_000, **fields):
    """Milan's civic crowdfunding: once the crowd gives ``percent`` of the target, the city pays
    the rest up to ``cap_cents``."""
    return {
        "organisation": None,
        "pool_cents": pool_cents,
        "threshold_percent": percent,
        "threshold_cap_cents": cap_cents,
        **fields,
    }


def a_campaign_gift(campaign, cents, *, received=True, name="Maria Rossi", actor=None, **fields):
    """A citizen's bank transfer to ``campaign``, received unless ``received`` is False."""
    fields = {"donor_kind": Contribution.DonorKind.CITIZEN, "donor_name": name, **fields}
    gift = campaign_gift_create(actor=actor, campaign=campaign, amount_cents=cents, **fields)
    if received:
        gift = contribution_receive(actor=None, contribution=gift, received_on=datetime.date(2026, 12, 1))
    return gift
