"""The demo's running campaign, seeded in a small city: running, matched, and the threshold shown."""

import pytest

from cities4csr.campaigns.demo import GIFTS, campaigns_demo_seed
from cities4csr.campaigns.models import Campaign, CampaignMatch
from cities4csr.campaigns.selectors import campaign_figures

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_runs_in_corvetto_with_a_company_match_and_the_city_threshold(world):
    campaign = campaigns_demo_seed(world.city)
    assert campaigns_demo_seed(world.city) == campaign  # idempotent
    assert campaign.state == Campaign.State.OPEN and campaign.need.area.code == "35"
    given = sum(cents for _name, cents, _public in GIFTS)
    matched = sum(min(cents, 20_000) for _name, cents, _public in GIFTS)
    assert CampaignMatch.objects.filter(campaign=campaign).count() == len(GIFTS)
    figures = campaign_figures(campaign)
    assert figures.progress.raised_cents == given + matched
    assert figures.gifts == len(GIFTS) and figures.progress.donors == len(GIFTS)
    assert [m.matcher.is_top_up for m in figures.matchers] == [False, True]
