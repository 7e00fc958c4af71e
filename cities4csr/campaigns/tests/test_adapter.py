"""The campaign adapter on the ledger: what a donor, a matcher and the city's public ledger see
after gifts, refunds and the deadline (ADR 0031)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cities4csr.campaigns.models import Campaign, CampaignMatch
from cities4csr.campaigns.selectors import campaign_figures
from cities4csr.campaigns.services import (
    _gift_received,
    campaign_close,
    campaign_gift_create,
    campaign_update,
    matcher_save,
)
from cities4csr.campaigns.tasks import campaign_deadline
from cities4csr.funds.models import Contribution
from cities4csr.funds.services import contribution_receive, contribution_refund
from cities4csr.funds.tests.factories import a_fund
from cities4csr.ledger.models import Account, PostingGroup, Source

from .factories import a_campaign, a_campaign_gift, city_threshold, company_matcher

pytestmark = pytest.mark.django_db


def balance(world, kind, ref_id):
    account = Account.objects.filter(city=world.city, kind=kind, ref_id=ref_id).first()
    return account.balance_cents if account else 0


def test_a_gift_received_writes_its_match_as_its_own_movement_linked_to_the_gift(world):
    campaign = a_campaign(world, matchers=[company_matcher(world, pool_cents=200_000)])
    gift = a_campaign_gift(campaign, 5_000)
    match = CampaignMatch.objects.get(contribution=gift)
    assert match.cents == 5_000 and match.matcher.organisation == world.company
    group = match.group
    assert group.source == Source.MATCH and group.source_ref == f"campaigns.match:{gift.pk}:{match.matcher.pk}"
    sides = {(p.account.kind, p.account.ref_id): p.amount_cents for p in group.postings.all()}
    assert sides == {("giver", world.company.pk): -5_000, ("campaign", campaign.pk): 5_000}
    # "your €50 becomes €100": the campaign holds both
    assert balance(world, "campaign", campaign.pk) == 10_000
    assert campaign_figures(campaign).progress.raised_cents == 10_000


def test_a_retried_receipt_adds_nothing(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)])
    gift = a_campaign_gift(campaign, 5_000)
    groups = PostingGroup.objects.filter(city=world.city).count()
    contribution_receive(actor=None, contribution=gift)  # a re-sent webhook
    _gift_received(None, Contribution.objects.get(pk=gift.pk), None, {})  # the effect run again
    assert PostingGroup.objects.filter(city=world.city).count() == groups
    assert CampaignMatch.objects.filter(contribution=gift).count() == 1
    assert balance(world, "campaign", campaign.pk) == 10_000


def test_the_pool_runs_out_and_the_rest_cascades_to_the_city(world):
    campaign = a_campaign(
        world,
        matchers=[
            company_matcher(world, pool_cents=3_000),
            {"organisation": None, "pool_cents": 100_000, "factor": 1},
        ],
    )
    gift = a_campaign_gift(campaign, 5_000)
    by_who = {m.matcher.organisation_id: m.cents for m in CampaignMatch.objects.filter(contribution=gift)}
    assert by_who == {world.company.pk: 3_000, None: 2_000}
    assert balance(world, "city", world.city.pk) == -2_000  # the city's own budget paid its part
    figures = campaign_figures(campaign)
    assert [m.left_cents for m in figures.matchers] == [0, 98_000]


def test_a_partial_refund_cancels_its_share_of_the_match(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)])
    gift = a_campaign_gift(campaign, 10_000)
    contribution_refund(actor=world.officer, contribution=gift, amount_cents=4_000, reason="Doppio addebito")
    match = CampaignMatch.objects.get(contribution=gift)
    (cancel,) = match.group.reversals.all()
    assert cancel.reason_code == "gift_cancelled"
    assert {p.account.kind: p.amount_cents for p in cancel.postings.all()} == {"campaign": -4_000, "giver": 4_000}
    assert balance(world, "campaign", campaign.pk) == 12_000  # 6,000 given + 6,000 matched
    contribution_refund(actor=world.officer, contribution=gift, amount_cents=6_000, reason="Annullato")
    assert balance(world, "campaign", campaign.pk) == 0
    assert balance(world, "giver", world.company.pk) == 0
    # the pool is whole again for the next gift
    assert campaign_figures(campaign).matchers[0].left_cents == 200_000


def test_milan_threshold_reached_the_city_tops_up_exactly_to_the_target(world):
    campaign = a_campaign(world, matchers=[city_threshold(pool_cents=600_000, percent=50, cap_cents=600_000)])
    for cents in (300_000, 250_000, 50_000):  # the crowd: 60% of €10,000
        a_campaign_gift(campaign, cents)
    assert campaign_figures(campaign).progress.top_up_due_cents == 400_000  # shown before the deadline
    campaign = campaign_close(actor=world.officer, campaign=campaign)
    assert campaign.state == Campaign.State.SUCCEEDED
    top_up = CampaignMatch.objects.get(campaign=campaign, kind="top_up")
    assert top_up.cents == 400_000 and top_up.group.source == Source.MATCH
    assert balance(world, "city", world.city.pk) == -400_000
    # the target, all of it, went to the need
    assert balance(world, "need", campaign.need_id) == 1_000_000
    assert balance(world, "campaign", campaign.pk) == 0
    assert campaign_figures(campaign).progress.top_ups_cents == 400_000


def test_milan_threshold_with_a_low_cap_tops_up_to_the_cap_and_succeeds(world):
    campaign = a_campaign(world, matchers=[city_threshold(pool_cents=300_000, percent=50, cap_cents=300_000)])
    a_campaign_gift(campaign, 500_000)
    campaign = campaign_close(actor=world.officer, campaign=campaign)
    assert campaign.state == Campaign.State.SUCCEEDED
    assert CampaignMatch.objects.get(campaign=campaign, kind="top_up").cents == 300_000
    assert balance(world, "need", campaign.need_id) == 800_000


def test_all_or_nothing_missed_returns_every_gift_and_cancels_every_match(world):
    campaign = a_campaign(world, matchers=[company_matcher(world), city_threshold(percent=50)])
    gifts = [a_campaign_gift(campaign, cents, name=f"Donatore {cents}") for cents in (10_000, 20_000)]
    campaign = campaign_close(actor=None, campaign=campaign)
    assert campaign.state == Campaign.State.MISSED
    for gift in gifts:
        gift.refresh_from_db()
        assert gift.state == Contribution.State.REFUNDED and gift.refunded_cents == gift.amount_cents
        match = CampaignMatch.objects.get(contribution=gift)
        assert (
            sum(-p.amount_cents for r in match.group.reversals.all() for p in r.postings.filter(amount_cents__lt=0))
            == match.cents
        )
    assert not CampaignMatch.objects.filter(campaign=campaign, kind="top_up").exists()
    assert balance(world, "campaign", campaign.pk) == 0
    assert balance(world, "giver", world.company.pk) == 0
    assert balance(world, "public", 0) == 0  # the donors have their money back


def test_missed_with_move_to_fund_moves_the_gifts_to_the_fund(world):
    fund = a_fund(world)
    campaign = a_campaign(world, matchers=[company_matcher(world)], on_miss=Campaign.OnMiss.MOVE_TO_FUND, fund=fund)
    gift = a_campaign_gift(campaign, 10_000)
    campaign = campaign_close(actor=world.officer, campaign=campaign)
    assert campaign.state == Campaign.State.MISSED
    assert balance(world, "fund", fund.pk) == 10_000  # the gift; the company's match went back
    assert balance(world, "giver", world.company.pk) == 0
    gift.refresh_from_db()
    assert gift.state == Contribution.State.RECEIVED


def test_keep_what_you_raise_missed_keeps_gifts_and_matches_for_the_need(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)], mode=Campaign.Mode.KEEP_WHAT_YOU_RAISE)
    a_campaign_gift(campaign, 10_000)
    campaign = campaign_close(actor=world.officer, campaign=campaign)
    assert campaign.state == Campaign.State.CLOSED
    assert balance(world, "need", campaign.need_id) == 20_000
    assert balance(world, "giver", world.company.pk) == -10_000


def test_the_deadline_task_applies_once_and_a_second_run_adds_nothing(world, monkeypatch):
    campaign = a_campaign(world, matchers=[city_threshold(percent=10)])
    a_campaign_gift(campaign, 200_000)
    assert campaign_deadline.call(campaign_id=campaign.pk) == "open"  # not yet: the deadline is ahead
    later = timezone.now() + datetime.timedelta(days=31)
    monkeypatch.setattr("cities4csr.campaigns.tasks.timezone.now", lambda: later)
    assert campaign_deadline.call(campaign_id=campaign.pk) == "succeeded"
    groups = PostingGroup.objects.filter(city=world.city).count()
    assert campaign_deadline.call(campaign_id=campaign.pk) == "succeeded"
    assert PostingGroup.objects.filter(city=world.city).count() == groups
    assert balance(world, "need", campaign.need_id) == 600_000  # €2,000 given and the city's €4,000 cap


def test_a_late_transfer_after_success_goes_to_the_need_unmatched(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)], target_cents=10_000)
    late = a_campaign_gift(campaign, 5_000, received=False)
    a_campaign_gift(campaign, 5_000)
    campaign = campaign_close(actor=world.officer, campaign=campaign)
    assert campaign.state == Campaign.State.SUCCEEDED
    contribution_receive(actor=None, contribution=late)
    assert not CampaignMatch.objects.filter(contribution=late).exists()
    assert balance(world, "need", campaign.need_id) == 15_000
    assert campaign_figures(campaign).progress.raised_cents == 10_000


def test_only_officers_close_and_rules_are_fixed_once_open(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)])
    with pytest.raises(PermissionDenied):
        campaign_close(actor=world.representative, campaign=campaign)
    with pytest.raises(ValidationError) as refused:
        campaign_update(actor=world.officer, campaign=campaign, target_cents=5_000)
    assert refused.value.code == "rules_fixed"
    with pytest.raises(ValidationError):
        matcher_save(actor=world.officer, campaign=campaign, organisation=None, pool_cents=1)
    campaign = campaign_update(actor=world.officer, campaign=campaign, title="Un cortile nuovo")
    assert campaign.title == "Un cortile nuovo"


def test_a_draft_or_closed_campaign_takes_no_gifts(world):
    draft = a_campaign(world, open_it=False)
    with pytest.raises(ValidationError) as refused:
        campaign_gift_create(actor=None, campaign=draft, amount_cents=1_000, donor_kind="citizen", donor_name="Anna")
    assert refused.value.code == "campaign_not_open"


def test_a_company_gives_in_its_name_and_its_match_counts_it_as_one_donor(world):
    campaign = a_campaign(
        world, matchers=[company_matcher(world, per_donor_cap_cents=6_000, organisation=world.other_company)]
    )
    for _ in range(2):
        a_campaign_gift(
            campaign,
            5_000,
            actor=world.representative,
            organisation=world.company,
            donor_kind=Contribution.DonorKind.COMPANY,
            name=world.company.name,
        )
    assert sorted(CampaignMatch.objects.filter(campaign=campaign).values_list("cents", flat=True)) == [1_000, 5_000]
    with pytest.raises(ValidationError):
        a_campaign_gift(
            campaign,
            5_000,
            actor=world.other_representative,
            organisation=world.company,
            donor_kind=Contribution.DonorKind.COMPANY,
        )


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["gift", "refund"]), st.integers(1, 40_000), st.integers(0, 3)),
        min_size=1,
        max_size=8,
    ),
    close=st.booleans(),
)
def test_the_ledger_always_holds_what_the_engine_says(two_cities, steps, close):
    """Random gifts (four donors, one of them a company) and partial refunds, then perhaps the
    deadline: the campaign's account holds exactly the engine's "raised", each match movement
    less its cancellations is the engine's standing match, and nothing is matched twice."""
    world = two_cities.milan
    with scope(city=world.city.pk):
        slug = f"prop-{Campaign.objects.filter(city=world.city).count()}"
        campaign = a_campaign(
            world,
            slug=slug,
            matchers=[
                company_matcher(world, pool_cents=30_000, per_donor_cap_cents=12_000),
                {"organisation": None, "pool_cents": 50_000, "factor": Decimal("0.5")},
                city_threshold(percent=30, pool_cents=400_000, cap_cents=300_000),
            ],
            mode=Campaign.Mode.KEEP_WHAT_YOU_RAISE,
            target_cents=100_000,
        )
        gifts = []
        for kind, cents, who in steps:
            if kind == "gift":
                extra = (
                    {"organisation": world.company, "donor_kind": "company", "actor": world.representative}
                    if who == 0
                    else {}
                )
                gifts.append(a_campaign_gift(campaign, cents, name=f"Donatore {who}", **extra))
            elif gifts:
                gift = Contribution.objects.get(pk=gifts[cents % len(gifts)].pk)
                if gift.open_cents:
                    contribution_refund(
                        actor=None, contribution=gift, amount_cents=1 + cents % gift.open_cents, reason="Rimborso"
                    )
        figures = campaign_figures(campaign)
        assert balance(world, "campaign", campaign.pk) == figures.progress.raised_cents
        for gift_id, state in figures.engine.gifts.items():
            for matcher_id, standing in state.standing.items():
                match = CampaignMatch.objects.get(contribution_id=int(gift_id), matcher_id=int(matcher_id))
                cancelled = sum(
                    p.amount_cents for r in match.group.reversals.all() for p in r.postings.filter(amount_cents__gt=0)
                )
                assert match.cents - cancelled == standing
        if close:
            raised = figures.progress.raised_cents + figures.progress.top_up_due_cents
            campaign = campaign_close(actor=None, campaign=campaign)
            assert balance(world, "campaign", campaign.pk) == 0
            assert balance(world, "need", campaign.need_id) == raised
