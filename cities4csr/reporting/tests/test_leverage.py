"""B4SI leverage in a company's statement: what others added to its campaign gifts, read from
the ledger's match movements, net of a refund's cancelled share; its own matches are not leverage."""

import datetime

import pytest
from django.utils import timezone

from cities4csr.campaigns.tests.factories import a_campaign, a_campaign_gift, company_matcher
from cities4csr.funds.models import Contribution
from cities4csr.funds.services import contribution_refund
from cities4csr.reporting.statement import statement_build

pytestmark = pytest.mark.django_db


def company_gift(world, campaign, cents):
    return a_campaign_gift(
        campaign,
        cents,
        actor=world.representative,
        organisation=world.company,
        donor_kind=Contribution.DonorKind.COMPANY,
        name=world.company.name,
    )


def test_leverage_is_what_others_matched_on_the_company_s_gifts_net_of_refunds(world):
    campaign = a_campaign(
        world,
        matchers=[company_matcher(world, organisation=world.other_company, pool_cents=500_000)],
    )
    company_gift(world, campaign, 5_000)
    second = company_gift(world, campaign, 10_000)
    a_campaign_gift(campaign, 7_000)  # a resident's gift: matched too, but not the company's leverage
    contribution_refund(actor=world.officer, contribution=second, amount_cents=4_000, reason="Doppio addebito")

    # the gifts and their matches are dated the factories' day in 2026, the refund today
    year = {"since": datetime.date(2026, 1, 1), "until": timezone.localdate()}
    s = statement_build(city=world.city, organisation=world.company, language="en", **year)
    assert s.leverage_cents == 5_000 + 10_000 - 4_000
    other = statement_build(city=world.city, organisation=world.other_company, language="en", **year)
    assert other.leverage_cents == 0  # what it matched is what it gave, not leverage
