"""The rules of a match-funding campaign, as a pure engine: events in, decisions out (ADR 0026).

No Django, no database, no clock: the adapter (to come with the ``campaigns`` app) feeds the
events it reads from the contributions ledger and writes each decision as a ledger group.

Rules (frozen dataclasses)
    ``Campaign``: target, deadline, ``mode`` (all-or-nothing or keep-what-you-raise),
    ``on_miss`` (refund or move to the city's fund), the cap on all matches together, whether a
    gift's unmatched rest goes on to the next matcher (``cascade``), and its ``Matcher``\\ s.
    ``Matcher``: an id, an order, and either a per-gift match (``factor`` with caps per gift and
    per donor) or a ``Threshold`` top-up; both draw on the matcher's ``pool_cents``.
Events
    ``Gift``, ``Refund`` (whole or partial), ``DeadlineReached``.
Decisions
    ``GiftRecorded``, ``MatchPosted`` (one per matcher per gift, linked to the gift: its own
    ledger group), ``MatchCancelled`` (a refund's proportional part, or every match of a missed
    all-or-nothing campaign), ``GiftRefunded`` (a refund, or the return of a missed campaign),
    ``GiftMovedToFund``, ``TopUpPosted`` and ``CampaignClosed``.

Money is integer cents (ADR 0009). Rounding: a match is the covered part of the gift times the
factor, **rounded down to the cent**, then cut to the smallest cap left; a refund keeps
``floor(match × gift left / gift)`` of each match (the cancellation is rounded up), so no match
is ever above a cap, the pool or what its gift allows.

    >>> city = Matcher(id="city", order=1, pool_cents=100_000)
    >>> engine = CampaignEngine(Campaign(target_cents=500_000, matchers=(city,)))
    >>> engine.preview(5_000).becomes_cents
    10000
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "MAX_CENTS",
    "Campaign",
    "CampaignClosed",
    "CampaignEngine",
    "CampaignError",
    "DeadlineReached",
    "Decision",
    "Event",
    "Gift",
    "GiftMovedToFund",
    "GiftRecorded",
    "GiftRefunded",
    "MatchCancelled",
    "MatchPosted",
    "Matcher",
    "Mode",
    "OnMiss",
    "Outcome",
    "Preview",
    "Progress",
    "Refund",
    "Threshold",
    "TopUpPosted",
    "replay",
]

# The same bound as cities4csr.core.money.MAX_CENTS (which imports Django, so it is not imported).
MAX_CENTS = 10**14
# A matcher gives at most 100 cents per cent given ("your €1 becomes €101").
MAX_FACTOR = Fraction(100)


class CampaignError(ValueError):
    """A rule or an event the engine refuses; ``code`` is stable (views map it to a message)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Mode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    KEEP_WHAT_YOU_RAISE = "keep_what_you_raise"


class OnMiss(StrEnum):
    REFUND = "refund"
    MOVE_TO_FUND = "move_to_fund"


class Outcome(StrEnum):
    OPEN = "open"
    REACHED = "reached"  # the target, or a matcher's threshold, was reached by the deadline
    KEPT = "kept"  # missed, keep-what-you-raise: the gifts and their matches stay
    MISSED = "missed"  # missed, all-or-nothing: matches cancelled, gifts refunded or moved


def _cents(value: object, name: str, *, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CampaignError("invalid_cents", f"{name} must be integer cents, not {value!r}")
    if value < (1 if positive else 0) or value > MAX_CENTS:
        raise CampaignError("invalid_cents", f"{name} must be between {int(positive)} and {MAX_CENTS} cents")
    return value


def _optional_cents(value: int | None, name: str) -> int | None:
    return None if value is None else _cents(value, name)


def _min(*values: int | None) -> int:
    return min(v for v in values if v is not None)


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Threshold:
    """The crowd reaches ``percent`` of the target in gifts, or ``donors`` donors, by the deadline
    (both, if ``all_of``); then the matcher pays the rest of the target, at most ``cap_cents``
    (and never more than its pool). Milan: ``Threshold(percent=40, cap_cents=6_000_000)``."""

    percent: int | None = None
    donors: int | None = None
    cap_cents: int | None = None
    all_of: bool = False

    def __post_init__(self):
        if self.percent is None and self.donors is None:
            raise CampaignError("threshold_empty", "a threshold needs a percent of the target or a number of donors")
        if self.percent is not None and (type(self.percent) is not int or not 0 < self.percent <= 100):
            raise CampaignError("threshold_percent", "a threshold's percent is a whole number between 1 and 100")
        if self.donors is not None and (type(self.donors) is not int or self.donors < 1):
            raise CampaignError("threshold_donors", "a threshold's number of donors is at least 1")
        _optional_cents(self.cap_cents, "the top-up cap")

    def met(self, *, crowd_cents: int, donors: int, target_cents: int) -> bool:
        tests = []
        if self.percent is not None:
            tests.append(crowd_cents * 100 >= self.percent * target_cents)
        if self.donors is not None:
            tests.append(donors >= self.donors)
        return all(tests) if self.all_of else any(tests)


@dataclass(frozen=True)
class Matcher:
    """Who puts money in (the city, a company, a foundation) and how.

    Without ``threshold``: each gift is matched at ``factor`` (a ``Fraction``; 1 is "1:1",
    ``Matcher.per_mille(500)`` is 50 cents per euro), at most ``per_gift_cap_cents`` per gift and
    ``per_donor_cap_cents`` per donor over the campaign. With ``threshold``: no per-gift match; a
    top-up at the deadline. Either way at most ``pool_cents`` in all (the matcher's money in this
    campaign). Matchers act by ``order``, then ``id``."""

    id: str
    order: int
    pool_cents: int
    factor: Fraction = Fraction(1)
    per_gift_cap_cents: int | None = None
    per_donor_cap_cents: int | None = None
    threshold: Threshold | None = None

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id:
            raise CampaignError("matcher_id", "a matcher needs an id")
        if isinstance(self.order, bool) or not isinstance(self.order, int):
            raise CampaignError("matcher_order", "a matcher's order is an integer")
        _cents(self.pool_cents, "the pool")
        _optional_cents(self.per_gift_cap_cents, "the cap per gift")
        _optional_cents(self.per_donor_cap_cents, "the cap per donor")
        factor = self.factor
        if isinstance(factor, bool) or not isinstance(factor, int | Fraction):
            raise CampaignError("matcher_factor", "a match factor is a Fraction or an integer (use Matcher.per_mille)")
        factor = Fraction(factor)
        if not 0 < factor <= MAX_FACTOR:
            raise CampaignError("matcher_factor", f"a match factor is above 0 and at most {MAX_FACTOR}")
        object.__setattr__(self, "factor", factor)

    @staticmethod
    def per_mille(value: int) -> Fraction:
        """A factor written in thousandths: ``per_mille(1000)`` is 1:1, ``per_mille(1500)`` 1.5:1."""
        return Fraction(value, 1000)


@dataclass(frozen=True)
class Campaign:
    target_cents: int
    matchers: tuple[Matcher, ...] = ()
    deadline: datetime | None = None
    mode: Mode = Mode.KEEP_WHAT_YOU_RAISE
    on_miss: OnMiss = OnMiss.REFUND
    match_cap_cents: int | None = None  # all matches and top-ups of the campaign together
    cascade: bool = True  # a gift's part a matcher could not match goes on to the next matcher

    def __post_init__(self):
        _cents(self.target_cents, "the target", positive=True)
        _optional_cents(self.match_cap_cents, "the campaign's cap on matches")
        object.__setattr__(self, "mode", Mode(self.mode))
        object.__setattr__(self, "on_miss", OnMiss(self.on_miss))
        matchers = tuple(sorted(self.matchers, key=lambda m: (m.order, m.id)))
        if len({m.id for m in matchers}) != len(matchers):
            raise CampaignError("matcher_duplicate", "two matchers have the same id")
        object.__setattr__(self, "matchers", matchers)

    @property
    def gift_matchers(self) -> tuple[Matcher, ...]:
        return tuple(m for m in self.matchers if m.threshold is None)

    @property
    def top_up_matchers(self) -> tuple[Matcher, ...]:
        return tuple(m for m in self.matchers if m.threshold is not None)


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Gift:
    gift_id: str
    donor: str  # the adapter gives an anonymous gift a key of its own
    cents: int
    at: datetime | None = None


@dataclass(frozen=True)
class Refund:
    gift_id: str
    cents: int  # the gift's whole amount left, or part of it


@dataclass(frozen=True)
class DeadlineReached:
    pass


Event = Gift | Refund | DeadlineReached


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class GiftRecorded:
    gift_id: str
    donor: str
    cents: int


@dataclass(frozen=True)
class MatchPosted:
    gift_id: str
    matcher_id: str
    cents: int


@dataclass(frozen=True)
class MatchCancelled:
    gift_id: str
    matcher_id: str
    cents: int
    reason: str  # "refund" (proportional to the refund) or "missed" (all of it)


@dataclass(frozen=True)
class GiftRefunded:
    gift_id: str
    cents: int
    reason: str  # "refund" (the gift's refund event) or "missed" (the campaign missed its target)


@dataclass(frozen=True)
class GiftMovedToFund:
    gift_id: str
    cents: int


@dataclass(frozen=True)
class TopUpPosted:
    matcher_id: str
    cents: int


@dataclass(frozen=True)
class CampaignClosed:
    outcome: Outcome


Decision = GiftRecorded | MatchPosted | MatchCancelled | GiftRefunded | GiftMovedToFund | TopUpPosted | CampaignClosed


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Preview:
    """What a gift would become now: "your €50 becomes €100". The top-up is not in it: it is
    decided at the deadline."""

    gift_cents: int
    match_cents: int
    becomes_cents: int
    matches: tuple[tuple[str, int], ...]  # (matcher id, cents), in matcher order


@dataclass(frozen=True)
class Progress:
    target_cents: int
    gifts_cents: int  # the gifts still in the campaign (refunds, returns and moves taken off)
    matches_cents: int  # the per-gift matches still standing plus the top-ups
    top_ups_cents: int
    raised_cents: int  # gifts + matches
    donors: int  # donors with some gift still in the campaign
    match_left_cents: int  # what per-gift matchers can still add (pools, within the campaign cap)
    percent: int  # raised / target, rounded down; may pass 100
    bar_percent: int  # the same, at most 100: the progress bar
    threshold_met: bool  # some top-up matcher's threshold is met now
    top_up_due_cents: int  # what the top-ups would be if the deadline were now (0 once closed)
    refunded_cents: int
    moved_to_fund_cents: int
    outcome: Outcome


@dataclass
class _GiftState:
    donor: str
    cents: int
    left: int  # cents still in the campaign
    matched: dict[str, int] = field(default_factory=dict)  # matcher id -> match first posted
    standing: dict[str, int] = field(default_factory=dict)  # matcher id -> match still standing


# ---------------------------------------------------------------- the engine


class CampaignEngine:
    """The state of one campaign, built by applying events in order. Deterministic: the same
    campaign and events give the same state and decisions (``replay``)."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.gifts: dict[str, _GiftState] = {}
        self.pool_used: dict[str, int] = {m.id: 0 for m in campaign.matchers}
        self.donor_used: dict[tuple[str, str], int] = {}
        self.top_ups: dict[str, int] = {}
        self.refunded_cents = 0
        self.moved_to_fund_cents = 0
        self.outcome = Outcome.OPEN
        self.threshold_met_at_deadline = False
        self.decisions: list[Decision] = []

    # -- reading

    @property
    def gifts_cents(self) -> int:
        return sum(g.left for g in self.gifts.values())

    @property
    def matches_cents(self) -> int:
        return sum(sum(g.standing.values()) for g in self.gifts.values()) + sum(self.top_ups.values())

    @property
    def raised_cents(self) -> int:
        return self.gifts_cents + self.matches_cents

    @property
    def donors(self) -> int:
        return len({g.donor for g in self.gifts.values() if g.left > 0})

    def _campaign_cap_left(self) -> int | None:
        cap = self.campaign.match_cap_cents
        return None if cap is None else max(0, cap - self.matches_cents)

    def _pool_left(self, matcher: Matcher) -> int:
        return matcher.pool_cents - self.pool_used[matcher.id]

    def _match_plan(self, cents: int, donor: str | None) -> list[tuple[Matcher, int]]:
        """Each matcher in order matches the part of the gift not yet matched, as far as its
        caps allow; with ``cascade`` the rest goes on to the next, without it the first matcher
        that matches anything is the only one."""
        if self.outcome is not Outcome.OPEN:
            return []
        plan = []
        remaining = cents
        campaign_left = self._campaign_cap_left()
        for matcher in self.campaign.gift_matchers:
            if remaining <= 0:
                break
            donor_left = None
            if matcher.per_donor_cap_cents is not None:
                used = self.donor_used.get((matcher.id, donor), 0) if donor is not None else 0
                donor_left = matcher.per_donor_cap_cents - used
            limit = _min(self._pool_left(matcher), matcher.per_gift_cap_cents, donor_left, campaign_left)
            full = math.floor(remaining * matcher.factor)
            match = min(full, limit)
            if match <= 0:
                continue  # no pool (or cap) left here: the next matcher
            plan.append((matcher, match))
            if campaign_left is not None:
                campaign_left -= match
            # the part of the gift this match covers: all of it, or the least that gives it
            remaining = 0 if match == full else remaining - math.ceil(match / matcher.factor)
            if not self.campaign.cascade:
                break
        return plan

    def _top_up_plan(self) -> list[tuple[Matcher, int]]:
        """At the deadline, each top-up matcher whose threshold the crowd met pays the rest of
        the target, at most its cap, its pool and the campaign's cap left."""
        plan = []
        crowd, donors = self.gifts_cents, self.donors
        raised = self.raised_cents
        campaign_left = self._campaign_cap_left()
        target = self.campaign.target_cents
        for matcher in self.campaign.top_up_matchers:
            if not matcher.threshold.met(crowd_cents=crowd, donors=donors, target_cents=target):
                continue
            amount = min(
                max(0, target - raised), _min(matcher.threshold.cap_cents, self._pool_left(matcher), campaign_left)
            )
            if amount > 0:
                plan.append((matcher, amount))
                raised += amount
                if campaign_left is not None:
                    campaign_left -= amount
        return plan

    def _threshold_met(self) -> bool:
        crowd, donors, target = self.gifts_cents, self.donors, self.campaign.target_cents
        return any(
            m.threshold.met(crowd_cents=crowd, donors=donors, target_cents=target)
            for m in self.campaign.top_up_matchers
        )

    def preview(self, gift_cents: int, *, donor: str | None = None) -> Preview:
        """What ``gift_cents`` would become if given now (by ``donor``, for the cap per donor; a
        new donor if None). Changes nothing."""
        _cents(gift_cents, "the gift", positive=True)
        plan = self._match_plan(gift_cents, donor)
        match = sum(c for _, c in plan)
        return Preview(gift_cents, match, gift_cents + match, tuple((m.id, c) for m, c in plan))

    def match_left_cents(self) -> int:
        if self.outcome is not Outcome.OPEN:
            return 0
        left = sum(self._pool_left(m) for m in self.campaign.gift_matchers)
        cap_left = self._campaign_cap_left()
        return left if cap_left is None else min(left, cap_left)

    def progress(self) -> Progress:
        raised, target = self.raised_cents, self.campaign.target_cents
        percent = raised * 100 // target
        is_open = self.outcome is Outcome.OPEN
        return Progress(
            target_cents=target,
            gifts_cents=self.gifts_cents,
            matches_cents=self.matches_cents,
            top_ups_cents=sum(self.top_ups.values()),
            raised_cents=raised,
            donors=self.donors,
            match_left_cents=self.match_left_cents(),
            percent=percent,
            bar_percent=min(100, percent),
            threshold_met=self._threshold_met() if is_open else self.threshold_met_at_deadline,
            top_up_due_cents=sum(c for _, c in self._top_up_plan()) if is_open else 0,
            refunded_cents=self.refunded_cents,
            moved_to_fund_cents=self.moved_to_fund_cents,
            outcome=self.outcome,
        )

    def snapshot(self) -> tuple:
        """The whole state as comparable values (for replay checks)."""
        gifts = tuple(
            (gid, g.donor, g.cents, g.left, tuple(g.matched.items()), tuple(g.standing.items()))
            for gid, g in self.gifts.items()
        )
        return (
            gifts,
            tuple(sorted(self.pool_used.items())),
            tuple(sorted(self.donor_used.items())),
            tuple(self.top_ups.items()),
            self.refunded_cents,
            self.moved_to_fund_cents,
            self.outcome,
            self.threshold_met_at_deadline,
            tuple(self.decisions),
        )

    # -- writing

    def apply(self, event: Event) -> list[Decision]:
        """Apply one event; return the decisions it makes (also appended to ``decisions``).
        A refused event raises ``CampaignError`` and changes nothing."""
        match event:
            case Gift():
                out = self._gift(event)
            case Refund():
                out = self._refund(event)
            case DeadlineReached():
                out = self._deadline()
            case _:
                raise CampaignError("unknown_event", f"not a campaign event: {event!r}")
        self.decisions.extend(out)
        return out

    def _gift(self, gift: Gift) -> list[Decision]:
        if self.outcome is not Outcome.OPEN:
            raise CampaignError("closed", "the campaign is closed")
        deadline = self.campaign.deadline
        if deadline is not None and gift.at is not None:
            if (gift.at.tzinfo is None) != (deadline.tzinfo is None):
                raise CampaignError("invalid_time", "the gift's time and the deadline must both have a time zone")
            if gift.at > deadline:
                raise CampaignError("after_deadline", "the gift came after the campaign's deadline")
        if not gift.gift_id or gift.gift_id in self.gifts:
            raise CampaignError("gift_duplicate", f"gift {gift.gift_id!r} is already in the campaign")
        if not gift.donor:
            raise CampaignError("gift_donor", "a gift needs a donor key")
        _cents(gift.cents, "the gift", positive=True)
        plan = self._match_plan(gift.cents, gift.donor)
        state = _GiftState(donor=gift.donor, cents=gift.cents, left=gift.cents)
        self.gifts[gift.gift_id] = state
        out: list[Decision] = [GiftRecorded(gift.gift_id, gift.donor, gift.cents)]
        for matcher, cents in plan:
            state.matched[matcher.id] = state.standing[matcher.id] = cents
            self.pool_used[matcher.id] += cents
            key = (matcher.id, gift.donor)
            self.donor_used[key] = self.donor_used.get(key, 0) + cents
            out.append(MatchPosted(gift.gift_id, matcher.id, cents))
        return out

    def _cancel(self, gift_id: str, state: _GiftState, matcher_id: str, cents: int, reason: str) -> MatchCancelled:
        state.standing[matcher_id] -= cents
        self.pool_used[matcher_id] -= cents
        self.donor_used[(matcher_id, state.donor)] -= cents
        return MatchCancelled(gift_id, matcher_id, cents, reason)

    def _refund(self, refund: Refund) -> list[Decision]:
        state = self.gifts.get(refund.gift_id)
        if state is None:
            raise CampaignError("gift_unknown", f"no gift {refund.gift_id!r} in the campaign")
        _cents(refund.cents, "the refund", positive=True)
        if refund.cents > state.left:
            raise CampaignError("refund_too_large", "the refund is more than what is left of the gift")
        state.left -= refund.cents
        self.refunded_cents += refund.cents
        out: list[Decision] = [GiftRefunded(refund.gift_id, refund.cents, "refund")]
        for matcher_id, first in state.matched.items():
            keep = first * state.left // state.cents  # rounded down: the cancellation rounds up
            cancel = state.standing[matcher_id] - keep
            if cancel > 0:
                out.append(self._cancel(refund.gift_id, state, matcher_id, cancel, "refund"))
        return out

    def _deadline(self) -> list[Decision]:
        if self.outcome is not Outcome.OPEN:
            raise CampaignError("closed", "the campaign is already closed")
        out: list[Decision] = []
        self.threshold_met_at_deadline = self._threshold_met()
        for matcher, cents in self._top_up_plan():
            self.top_ups[matcher.id] = cents
            self.pool_used[matcher.id] += cents
            out.append(TopUpPosted(matcher.id, cents))
        if self.raised_cents >= self.campaign.target_cents or self.threshold_met_at_deadline:
            self.outcome = Outcome.REACHED
        elif self.campaign.mode is Mode.KEEP_WHAT_YOU_RAISE:
            self.outcome = Outcome.KEPT
        else:
            self.outcome = Outcome.MISSED
            for gift_id, state in self.gifts.items():
                for matcher_id, cents in list(state.standing.items()):
                    if cents > 0:
                        out.append(self._cancel(gift_id, state, matcher_id, cents, "missed"))
            for gift_id, state in self.gifts.items():
                if state.left > 0:
                    cents, state.left = state.left, 0
                    if self.campaign.on_miss is OnMiss.REFUND:
                        self.refunded_cents += cents
                        out.append(GiftRefunded(gift_id, cents, "missed"))
                    else:
                        self.moved_to_fund_cents += cents
                        out.append(GiftMovedToFund(gift_id, cents))
        out.append(CampaignClosed(self.outcome))
        return out


def replay(campaign: Campaign, events: Iterable[Event]) -> CampaignEngine:
    """The campaign's state after ``events``, in order (a refused event raises)."""
    engine = CampaignEngine(campaign)
    for event in events:
        engine.apply(event)
    return engine
