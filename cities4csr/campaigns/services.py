"""Writes of campaigns (ADR 0031): prepare a campaign and its matchers, open it, take gifts through
the funds app's contributions, write each of the engine's decisions as a ledger movement, and
apply the deadline.

The adapter: gifts are ``funds.Contribution`` rows whose target is the campaign's ledger account
(every payment channel of the funds app works for campaigns). When one is received, an effect
on the contribution's lifecycle rebuilds the engine from the ledger (``selectors.campaign_
replay``) and writes the gift's matches, one movement each, from the matcher's account to the
campaign's; a refund's hook cancels their proportional part (partial reversals); the deadline
writes the top-ups, and the outcome: the money to the need or the project, or back to the donors,
or to a city fund. Every movement has a ``source_ref`` naming what it records, so a retry (a
re-sent webhook, a task run twice) adds nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import effect, guard, transition_apply
from cities4csr.core.money import MAX_CENTS
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.funds.models import Contribution
from cities4csr.funds.services import (
    contribution_create,
    contribution_refund,
    iban_clean,
    receipt_hook_targets,
    refund_register,
)
from cities4csr.ledger.models import Account, Motivation, ReasonCode, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, account_open, group_post, group_reverse, ledger_lock

from . import engine
from .models import Campaign, CampaignMatch, Matcher
from .selectors import MISSED_REF, MISSED_SOURCE_PREFIX, campaign_replay, engine_rules, ledger_seq, matchers_of

CAMPAIGN_FIELDS = (
    "title",
    "description",
    "translations",
    "need",
    "project",
    "recipient",
    "target_cents",
    "deadline",
    "mode",
    "on_miss",
    "fund",
    "match_cap_cents",
    "cascade",
    "iban",
    "beneficiary",
)
#: what only a draft may change: the rules donors and matchers were promised
RULE_FIELDS = {
    "need",
    "project",
    "recipient",
    "target_cents",
    "deadline",
    "mode",
    "on_miss",
    "fund",
    "match_cap_cents",
    "cascade",
}
MATCHER_FIELDS = (
    "order",
    "organisation",
    "pool_cents",
    "factor",
    "per_gift_cap_cents",
    "per_donor_cap_cents",
    "threshold_percent",
    "threshold_donors",
    "threshold_all_of",
    "threshold_cap_cents",
)

ENGINE_MESSAGES = {
    "matcher_factor": lambda: _("The match per euro is above 0 and at most 100."),
    "threshold_percent": lambda: _("The threshold is a whole percentage between 1 and 100."),
    "threshold_donors": lambda: _("The threshold of donors is at least 1."),
    "invalid_cents": lambda: _("The amount is too large."),
}


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _cents_check(value, field: str, *, optional: bool = False, positive: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, _("Give an amount."), "invalid")
    if value < (1 if positive else 0):
        raise _invalid(field, _("The amount must be above zero."), "not_positive")
    if value > MAX_CENTS:
        raise _invalid(field, _("The amount is too large."), "too_large")


def _same_city(obj, city, field: str) -> None:
    if obj is not None and obj.city_id != city.pk:
        raise _invalid(field, _("Choose one of this city's."), "other_city")


def _campaign_check(campaign: Campaign) -> None:
    _cents_check(campaign.target_cents, "target_cents", positive=True)
    _cents_check(campaign.match_cap_cents, "match_cap_cents", optional=True)
    if not isinstance(campaign.deadline, datetime.datetime) or timezone.is_naive(campaign.deadline):
        raise _invalid("deadline", _("Give a date and time."), "invalid_deadline")
    _same_city(campaign.need, campaign.city, "need")
    _same_city(campaign.fund, campaign.city, "fund")
    _same_city(campaign.recipient, campaign.city, "recipient")
    if campaign.iban:
        campaign.iban = iban_clean(campaign.iban)
    campaign.project = (campaign.project or "").strip()
    campaign.full_clean(exclude=["account", "city", "need", "fund", "recipient", "created_by"])


def campaign_create(*, actor, city, slug: str, **fields) -> Campaign:
    """A draft campaign of ``city`` with its own ledger account."""
    require(actor, "campaigns.add_campaign", city)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    campaign = Campaign(city=city, slug=slug, created_by=person(actor), **fields)
    _campaign_check(campaign)
    if Campaign.objects.with_scopes_disabled().filter(city=city, slug=slug).exists():
        raise _invalid("slug", _("This city already has a campaign with this short name."), "slug_taken")
    with transaction.atomic():
        campaign.save()
        campaign.account = account_open(city=city, kind=Account.Kind.CAMPAIGN, ref_id=campaign.pk, label=campaign.title)
        campaign.save(update_fields=["account"])
        audit_log(actor=actor, city=city, verb="campaign.create", obj=campaign, payload={"title": campaign.title})
    return campaign


def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    """Correct a campaign's words at any time; its rules (target, deadline, mode…) only while it
    is a draft: donors and matchers gave under them."""
    require(actor, "campaigns.change_campaign", campaign)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Campaign.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=campaign.pk)
        before = {name: getattr(locked, name) for name in fields}
        changed = {name for name, value in fields.items() if before[name] != value}
        if locked.state != Campaign.State.DRAFT and changed & RULE_FIELDS:
            raise ValidationError(
                _("The rules of an open campaign cannot change: donors gave under them."), code="rules_fixed"
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        _campaign_check(locked)
        locked.save()
        audit_log(
            actor=actor,
            city=locked.city,
            verb="campaign.update",
            obj=locked,
            payload={"changed": sorted(changed)},
        )
    return locked


def _matcher_check(matcher: Matcher) -> None:
    for name in ("pool_cents",):
        _cents_check(getattr(matcher, name), name)
    for name in ("per_gift_cap_cents", "per_donor_cap_cents", "threshold_cap_cents"):
        _cents_check(getattr(matcher, name), name, optional=True)
    try:
        matcher.factor = Decimal(matcher.factor)
    except (InvalidOperation, TypeError, ValueError):
        raise _invalid("factor", _("Give a number."), "invalid") from None
    _same_city(matcher.organisation, matcher.campaign.city, "organisation")
    matcher.full_clean(exclude=["campaign", "city", "organisation"])
    try:
        matcher.to_engine()
    except engine.CampaignError as error:
        message = ENGINE_MESSAGES.get(error.code, lambda: _("These rules are not possible."))()
        raise ValidationError(message, code=error.code) from None


def matcher_save(*, actor, campaign: Campaign, matcher: Matcher | None = None, **fields) -> Matcher:
    """Add a matcher to a draft campaign, or change one."""
    require(actor, "campaigns.change_campaign", campaign)
    unknown = set(fields) - set(MATCHER_FIELDS)
    if unknown:
        raise TypeError(f"unknown matcher fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Campaign.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=campaign.pk)
        if locked.state != Campaign.State.DRAFT:
            raise ValidationError(
                _("The matchers of an open campaign cannot change: donors gave under them."), code="rules_fixed"
            )
        if matcher is None:
            matcher = Matcher(city=locked.city, campaign=locked, pool_cents=0)
        elif matcher.campaign_id != locked.pk:
            raise ValidationError(_("This matcher is not in this campaign."), code="other_campaign")
        for name, value in fields.items():
            setattr(matcher, name, value)
        _matcher_check(matcher)
        adding = matcher.pk is None
        matcher.save()
        try:
            engine_rules(locked, matchers_of(locked))
        except engine.CampaignError as error:
            raise ValidationError(_("These rules are not possible."), code=error.code) from None
        audit_log(
            actor=actor,
            city=locked.city,
            verb="matcher.add" if adding else "matcher.update",
            obj=locked,
            payload={"matcher": matcher.pk, "pool_cents": matcher.pool_cents},
        )
    return matcher


def matcher_delete(*, actor, matcher: Matcher) -> None:
    campaign = matcher.campaign
    require(actor, "campaigns.change_campaign", campaign)
    with transaction.atomic():
        locked = Campaign.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=campaign.pk)
        if locked.state != Campaign.State.DRAFT:
            raise ValidationError(
                _("The matchers of an open campaign cannot change: donors gave under them."), code="rules_fixed"
            )
        audit_log(actor=actor, city=locked.city, verb="matcher.remove", obj=locked, payload={"matcher": matcher.pk})
        matcher.delete()


# --- the lifecycle ---------------------------------------------------------------------------


def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    """Open a draft to gifts; its deadline is queued for the background worker."""
    return transition_apply(actor=actor, obj=campaign, to=Campaign.State.OPEN)


def campaign_withdraw(*, actor, campaign: Campaign, reason: str) -> Campaign:
    return transition_apply(actor=actor, obj=campaign, to=Campaign.State.CLOSED, reason=reason)


@guard("campaigns.campaign", to=Campaign.State.OPEN)
def _deadline_ahead(campaign: Campaign, transition, context) -> None:
    if campaign.deadline <= timezone.now():
        raise _invalid("deadline", _("The deadline has passed: set a later one before opening."), "deadline_passed")


@effect("campaigns.campaign", to=Campaign.State.OPEN)
def _deadline_queue(actor, campaign: Campaign, transition, context) -> None:
    from .tasks import campaign_deadline

    pk, at = campaign.pk, campaign.deadline
    transaction.on_commit(lambda: campaign_deadline.using(run_after=at).enqueue(campaign_id=pk))


def campaign_gift_create(*, actor, campaign: Campaign, **gift) -> Contribution:
    """A gift announced to an open campaign: a contribution to its ledger account, paid by any of
    the funds app's channels (bank transfer with its RF reference, pagoPA, card, offline)."""
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(_("This campaign is not open to gifts."), code="campaign_not_open")
    return contribution_create(actor=actor, target=campaign.account, **gift)


# --- the adapter: the engine's decisions as ledger movements ---------------------------------


def _matcher_leg(matcher: Matcher, cents: int) -> Leg:
    """The matcher's side: a company's or foundation's giver account, or the city's own budget.
    No floor: the pool is the engine's rule (ADR 0031)."""
    if matcher.organisation_id:
        return Leg(Account.Kind.GIVER, matcher.organisation_id, cents, label=matcher.organisation.name)
    return Leg(Account.Kind.CITY, matcher.city_id, cents, label=matcher.city.name)


def _campaign_leg(campaign: Campaign, cents: int) -> Leg:
    return Leg(Account.Kind.CAMPAIGN, campaign.pk, cents, label=campaign.title)


def _post(actor, campaign: Campaign, legs, *, source: str, source_ref: str, memo: str = "", motivation=None, on=None):
    return group_post(
        actor=actor,
        city=campaign.city,
        legs=legs,
        source=source,
        source_ref=source_ref,
        resource_kind=ResourceKind.MONEY,
        motivation=motivation or Motivation.CHARITABLE_GIFT,
        valuation=Valuation.FACE_VALUE,
        effective_on=on or timezone.localdate(),
        memo=memo[:255],
    )


def _decisions_write(actor, campaign: Campaign, decisions, *, refund_group=None) -> None:
    matchers = {str(m.pk): m for m in matchers_of(campaign)}
    contributions = {
        str(c.pk): c
        for c in Contribution.objects.with_scopes_disabled().filter(
            pk__in=[int(d.gift_id) for d in decisions if hasattr(d, "gift_id")]
        )
    }
    for decision in decisions:
        match decision:
            case engine.MatchPosted(gift_id=gift_id, matcher_id=matcher_id, cents=cents):
                matcher, gift = matchers[matcher_id], contributions[gift_id]
                group = _post(
                    actor,
                    campaign,
                    [_matcher_leg(matcher, -cents), _campaign_leg(campaign, cents)],
                    source=Source.MATCH,
                    source_ref=f"campaigns.match:{gift.pk}:{matcher.pk}",
                    memo=gift.reference,
                    on=gift.received_on,
                )
                CampaignMatch.objects.with_scopes_disabled().get_or_create(
                    group=group,
                    defaults={
                        "city": campaign.city,
                        "campaign": campaign,
                        "matcher": matcher,
                        "contribution": gift,
                        "kind": CampaignMatch.Kind.MATCH,
                        "cents": cents,
                    },
                )
            case engine.MatchCancelled(gift_id=gift_id, matcher_id=matcher_id, cents=cents, reason=reason):
                match_row = (
                    CampaignMatch.objects.with_scopes_disabled()
                    .select_related("group")
                    .get(campaign=campaign, matcher_id=int(matcher_id), contribution_id=int(gift_id))
                )
                source_ref = (
                    f"campaigns.cancel:{refund_group.pk}:{matcher_id}"
                    if reason == "refund" and refund_group is not None
                    else f"campaigns.missed:{match_row.group_id}"
                )
                group_reverse(
                    actor=actor,
                    group=match_row.group,
                    reason_code=ReasonCode.GIFT_CANCELLED,
                    amount_cents=cents,
                    source_ref=source_ref,
                    memo=contributions[gift_id].reference if gift_id in contributions else "",
                )
            case engine.TopUpPosted(matcher_id=matcher_id, cents=cents):
                matcher = matchers[matcher_id]
                group = _post(
                    actor,
                    campaign,
                    [_matcher_leg(matcher, -cents), _campaign_leg(campaign, cents)],
                    source=Source.MATCH,
                    source_ref=f"campaigns.topup:{campaign.pk}:{matcher.pk}",
                    memo=campaign.title,
                )
                CampaignMatch.objects.with_scopes_disabled().get_or_create(
                    group=group,
                    defaults={
                        "city": campaign.city,
                        "campaign": campaign,
                        "matcher": matcher,
                        "kind": CampaignMatch.Kind.TOP_UP,
                        "cents": cents,
                    },
                )
            case engine.GiftRefunded(gift_id=gift_id, cents=cents, reason="missed"):
                contribution_refund(
                    actor=actor,
                    contribution=contributions[gift_id],
                    amount_cents=cents,
                    reason=_("The campaign missed its target"),
                    refund_ref=f"{MISSED_REF}:{campaign.pk}:{gift_id}",
                )
            case engine.GiftMovedToFund(gift_id=gift_id, cents=cents):
                _move_to_fund(actor, campaign, contributions[gift_id], cents)
            case _:
                pass  # a gift recorded, a refund (the event itself), the outcome: nothing to write


def _move_to_fund(actor, campaign: Campaign, gift: Contribution, cents: int) -> None:
    """A missed campaign's gift goes to the city fund it named, as a contribution to that fund
    (the donor accepted this rule when giving; the fund's public ledger shows the move)."""
    fund = campaign.fund
    _post(
        actor,
        campaign,
        [_campaign_leg(campaign, -cents), Leg(Account.Kind.FUND, fund.pk, cents, label=fund.title)],
        source=Source.FUND_CONTRIBUTION,
        source_ref=f"campaigns.move:{campaign.pk}:{gift.pk}",
        memo=gift.reference,
        motivation=gift.motivation,
    )


def _forward(actor, campaign: Campaign, cents: int, *, source_ref: str) -> None:
    """What a campaign raised goes to its need (or the project's recipient organisation) once it
    is reached, or kept; a campaign for a project without a recipient keeps it in its account."""
    if cents <= 0:
        return
    if campaign.need_id:
        leg = Leg(Account.Kind.NEED, campaign.need_id, cents, label=campaign.need.title)
    elif campaign.recipient_id:
        leg = Leg(Account.Kind.RECIPIENT, campaign.recipient_id, cents, label=campaign.recipient.name)
    else:
        return
    _post(
        actor,
        campaign,
        [_campaign_leg(campaign, -cents), leg],
        source=Source.DISBURSEMENT,
        source_ref=source_ref,
        memo=campaign.title,
    )


def _campaign_of(account_id) -> Campaign:
    return (
        Campaign.objects.with_scopes_disabled()
        .select_related("city", "need", "fund", "recipient")
        .get(account_id=account_id)
    )


@effect("funds.contribution", to=Contribution.State.RECEIVED)
@receipt_hook_targets(Account.Kind.CAMPAIGN)
def _gift_received(actor, contribution: Contribution, transition, context) -> None:
    """A gift to a campaign arrived (its movement is written by the funds app's effect, which
    runs first): write the matches the engine decides for it."""
    if contribution.target.kind != Account.Kind.CAMPAIGN:
        return
    campaign = _campaign_of(contribution.target_id)
    if campaign.state != Campaign.State.OPEN:
        _late_gift(actor, campaign, contribution)
        return
    _state, steps = campaign_replay(campaign)
    for step in steps:
        if isinstance(step.event, engine.Gift) and step.ref.pk == contribution.pk:
            _decisions_write(actor, campaign, step.decisions)


def _late_gift(actor, campaign: Campaign, contribution: Contribution) -> None:
    """Money for a campaign that is no longer open (a transfer that arrived after the deadline):
    not matched; it follows the campaign's outcome."""
    cents = contribution.received_cents
    if campaign.state in (Campaign.State.SUCCEEDED, Campaign.State.CLOSED):
        _forward(actor, campaign, cents, source_ref=f"campaigns.forward:{campaign.pk}:{contribution.pk}")
    elif campaign.state == Campaign.State.MISSED and campaign.on_miss == Campaign.OnMiss.MOVE_TO_FUND:
        _move_to_fund(actor, campaign, contribution, cents)
    elif campaign.state == Campaign.State.MISSED:
        contribution_refund(
            actor=None,
            contribution=contribution,
            amount_cents=cents,
            reason=_("The campaign missed its target"),
            refund_ref=f"{MISSED_REF}:{campaign.pk}:{contribution.pk}",
        )


@refund_register(Account.Kind.CAMPAIGN)
def _gift_refunded(actor, contribution: Contribution, refund_group) -> None:
    """A gift refunded in whole or in part: its matches are cancelled in proportion (partial
    reversals of their movements, reason "gift_cancelled")."""
    if refund_group.source_ref.startswith(MISSED_SOURCE_PREFIX):
        return  # the deadline's own return: its matches were cancelled with it
    campaign = _campaign_of(contribution.target_id)
    _state, steps = campaign_replay(campaign)
    for step in steps:
        if isinstance(step.event, engine.Refund) and step.ref.pk == refund_group.pk:
            _decisions_write(actor, campaign, step.decisions, refund_group=refund_group)


OUTCOME_STATE = {
    engine.Outcome.REACHED: Campaign.State.SUCCEEDED,
    engine.Outcome.KEPT: Campaign.State.CLOSED,
    engine.Outcome.MISSED: Campaign.State.MISSED,
}


def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Apply the deadline (the background task at the deadline, or an officer's "close now"):
    the top-ups whose threshold the crowd met, then the outcome — reached or kept: what was
    raised goes to the need; missed: matches cancelled and gifts returned or moved to the fund."""
    require(actor, "campaigns.close_campaign", campaign)
    with transaction.atomic():
        ledger_lock(campaign.city)  # the city's movements wait: the same order as a gift's receipt
        locked = (
            Campaign.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .select_related("city", "need", "fund", "recipient")
            .get(pk=campaign.pk)
        )
        if locked.state != Campaign.State.OPEN:
            raise ValidationError(_("Only an open campaign can be closed."), code="not_open")
        state, _steps = campaign_replay(locked)
        decisions = state.apply(engine.DeadlineReached())
        locked = transition_apply(
            actor=None, obj=locked, to=OUTCOME_STATE[state.outcome], closed_seq=ledger_seq(locked.city)
        )
        locked = (
            Campaign.objects.with_scopes_disabled()
            .select_related("city", "need", "fund", "recipient")
            .get(pk=locked.pk)
        )
        _decisions_write(actor, locked, decisions)
        if state.outcome in (engine.Outcome.REACHED, engine.Outcome.KEPT):
            locked.account.refresh_from_db()
            _forward(actor, locked, locked.account.balance_cents, source_ref=f"campaigns.forward:{locked.pk}")
        progress = state.progress()
        audit_log(
            actor=actor,
            city=locked.city,
            verb="campaign.deadline",
            obj=locked,
            payload={
                "outcome": state.outcome.value,
                "raised_cents": progress.raised_cents,
                "top_ups_cents": progress.top_ups_cents,
                "refunded_cents": progress.refunded_cents,
                "moved_to_fund_cents": progress.moved_to_fund_cents,
            },
        )
    campaign.state = locked.state
    return locked
