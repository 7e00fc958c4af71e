"""Reads of campaigns: the campaigns a person sees, and a campaign's state rebuilt from the ledger.

The engine's state is never stored: ``campaign_replay`` reads the campaign account's gifts and
refunds from the ledger in their order (the city's movement numbers), feeds them to the pure
engine with the deadline where it happened (``closed_seq``), and returns the engine and each
event's decisions. A constant number of queries whatever the number of gifts (ADR 0031).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from cities4csr.funds.models import Contribution
from cities4csr.ledger.models import Account, ChainHead, Posting, Source
from cities4csr.ledger.selectors import flows
from cities4csr.organisations.rules import is_city_officer

from . import engine
from .models import Campaign, CampaignMatch, Matcher

#: the refund reference of the gifts a missed campaign returns: consequences of its deadline,
#: not events of their own
MISSED_REF = "campaigns.missed"
MISSED_SOURCE_PREFIX = f"funds.refund:{MISSED_REF}"
CLOSED_STATES = (Campaign.State.SUCCEEDED, Campaign.State.MISSED, Campaign.State.CLOSED)


def campaigns_visible(*, actor, city):
    """Open and finished campaigns for everyone; drafts for the city's officers too."""
    campaigns = Campaign.objects.filter(city=city).select_related("account", "need").order_by("-deadline", "pk")
    if actor is not None and is_city_officer(actor, city):
        return campaigns
    return campaigns.exclude(state=Campaign.State.DRAFT)


def campaign_get(*, actor, city, slug: str) -> Campaign:
    campaign = campaigns_visible(actor=actor, city=city).filter(slug=slug).select_related("fund", "recipient").first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_open_for_need(*, city, need) -> Campaign | None:
    """The need's open campaign, if it has one (its page and the pledge form link to it)."""
    return Campaign.objects.filter(city=city, need=need, state=Campaign.State.OPEN).order_by("deadline", "pk").first()


def matchers_of(campaign: Campaign) -> list[Matcher]:
    return list(
        Matcher.objects.with_scopes_disabled()
        .filter(campaign=campaign)
        .select_related("organisation")
        .order_by("order", "pk")
    )


def donor_key(contribution: Contribution) -> str:
    """Who gave, for the caps per donor: the organisation, the signed-in person, or else the gift
    itself (anonymous gifts are never lumped together: ADR 0026)."""
    if contribution.organisation_id:
        return f"organisation:{contribution.organisation_id}"
    if contribution.user_id:
        return f"user:{contribution.user_id}"
    return f"gift:{contribution.pk}"


def engine_rules(campaign: Campaign, matchers: list[Matcher]) -> engine.Campaign:
    return engine.Campaign(
        target_cents=campaign.target_cents,
        matchers=tuple(m.to_engine() for m in matchers),
        deadline=campaign.deadline,
        mode=campaign.mode,
        on_miss=campaign.on_miss,
        match_cap_cents=campaign.match_cap_cents,
        cascade=campaign.cascade,
    )


@dataclass
class Step:
    """One event fed to the engine, what it refers to (the contribution of a gift, the ledger
    movement of a refund, None for the deadline) and the decisions it made."""

    event: object
    ref: object
    decisions: list


def campaign_events(campaign: Campaign) -> list[tuple[object, object]]:
    """The campaign's events in the order the ledger recorded them: gifts (movements into its
    account from a contribution) and their refunds, and the deadline where it was applied. A gift
    received after the deadline (a late transfer) is not in the engine: it was never matched."""
    if campaign.account_id is None:
        return []
    postings = list(
        Posting.objects.with_scopes_disabled()
        .filter(account_id=campaign.account_id, group__source__in=[Source.FUND_CONTRIBUTION, Source.REFUND])
        .select_related("group")
        .order_by("group__seq", "pk")
    )
    gift_groups = [p.group_id for p in postings if p.amount_cents > 0 and p.group.reverses_id is None]
    contributions = {
        c.group_id: c
        for c in Contribution.objects.with_scopes_disabled().filter(group_id__in=gift_groups).order_by("pk")
    }
    deadline_seq = campaign.closed_seq if campaign.state in CLOSED_STATES else None
    events: list[tuple[object, object]] = []
    in_engine: set[int] = set()
    deadline_done = False
    for posting in postings:
        group = posting.group
        if deadline_seq is not None and not deadline_done and group.seq > deadline_seq:
            events.append((engine.DeadlineReached(), None))
            deadline_done = True
        if group.source == Source.FUND_CONTRIBUTION and posting.amount_cents > 0 and group.reverses_id is None:
            contribution = contributions.get(group.pk)
            if contribution is None or deadline_done:
                continue
            in_engine.add(contribution.pk)
            events.append(
                (engine.Gift(str(contribution.pk), donor_key(contribution), posting.amount_cents), contribution)
            )
        elif group.source == Source.REFUND and posting.amount_cents < 0 and group.reverses_id in contributions:
            contribution = contributions[group.reverses_id]
            if contribution.pk not in in_engine or group.source_ref.startswith(MISSED_SOURCE_PREFIX):
                continue
            events.append((engine.Refund(str(contribution.pk), -posting.amount_cents), group))
    if deadline_seq is not None and not deadline_done:
        events.append((engine.DeadlineReached(), None))
    return events


def campaign_replay(campaign: Campaign, matchers: list[Matcher] | None = None):
    """(engine, steps): the campaign's state rebuilt from its ledger movements."""
    matchers = matchers_of(campaign) if matchers is None else matchers
    state = engine.CampaignEngine(engine_rules(campaign, matchers))
    steps = [Step(event, ref, state.apply(event)) for event, ref in campaign_events(campaign)]
    return state, steps


def ledger_seq(city) -> int:
    head = ChainHead.objects.with_scopes_disabled().filter(city=city).first()
    return head.seq if head else 0


@dataclass
class MatcherFigures:
    matcher: Matcher
    used_cents: int
    left_cents: int
    top_up_cents: int


@dataclass
class Figures:
    """What the campaign page and the API show."""

    progress: engine.Progress
    gifts: int  # gifts still (at least partly) in the campaign
    matchers: list[MatcherFigures]
    engine: engine.CampaignEngine

    def preview(self, cents: int) -> engine.Preview:
        return self.engine.preview(cents)


def campaign_figures(campaign: Campaign) -> Figures:
    matchers = matchers_of(campaign)
    state, _steps = campaign_replay(campaign, matchers)
    rows = []
    for matcher in matchers:
        key = str(matcher.pk)
        used = state.pool_used.get(key, 0)
        rows.append(
            MatcherFigures(
                matcher=matcher,
                used_cents=used,
                left_cents=max(0, matcher.pool_cents - used) if state.outcome is engine.Outcome.OPEN else 0,
                top_up_cents=state.top_ups.get(key, 0),
            )
        )
    gifts = sum(1 for g in state.gifts.values() if g.left > 0)
    return Figures(progress=state.progress(), gifts=gifts, matchers=rows, engine=state)


def matches_of(campaign: Campaign):
    return (
        CampaignMatch.objects.filter(campaign=campaign)
        .select_related("matcher__organisation", "contribution", "group")
        .order_by("pk")
    )


def matches_added_to_gifts_of(*, city, organisation_id: int, since=None, until=None) -> int:
    """What others added, in cents, to the campaign gifts of the organisation ``organisation_id``
    (B4SI's leverage): the match movements linked to its gifts (``CampaignMatch.contribution``),
    net of their cancellations, from ``since`` to ``until``, read from the ledger through
    ``ledger.selectors.flows`` on the matchers' side. A match the organisation paid itself is not
    leverage (it is among what it gave) and is left out."""
    window = {"city": city, "kinds": (Account.Kind.GIVER, Account.Kind.CITY), "since": since, "until": until}
    by = ("account_kind", "account_ref")
    rows = flows(
        **window,
        by=by,
        outgoing=True,
        filters={"group__campaign_match__contribution__organisation_id": organisation_id},
    ) + flows(
        **window,
        by=by,
        outgoing=True,
        filters={"group__reverses__campaign_match__contribution__organisation_id": organisation_id},
    )
    return sum(
        row.value_cents
        for row in rows
        if not (row.account_kind == Account.Kind.GIVER and row.account_ref == organisation_id)
    )
