"""The campaign engine's rules (ADR 0026): properties over random rules and random sequences of
gifts, refunds and a deadline, checked against an account kept from the decisions alone; then the
documented cases (Milan's civic crowdfunding, "your €50 becomes €100")."""

import math
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cities4csr.campaigns.engine import (
    Campaign,
    CampaignClosed,
    CampaignEngine,
    CampaignError,
    DeadlineReached,
    Gift,
    GiftMovedToFund,
    GiftRecorded,
    GiftRefunded,
    MatchCancelled,
    Matcher,
    MatchPosted,
    Mode,
    OnMiss,
    Outcome,
    Refund,
    Threshold,
    TopUpPosted,
    replay,
)

ROOT = Path(__file__).resolve().parents[3]

# ---------------------------------------------------------------- strategies

caps = st.none() | st.integers(0, 60_000)
factors = st.one_of(
    st.integers(1, 3000).map(Matcher.per_mille),
    st.builds(Fraction, st.integers(1, 7), st.integers(1, 3)),
)


@st.composite
def threshold_or_none(draw):
    if not draw(st.booleans()):
        return None
    percent = draw(st.none() | st.integers(1, 100))
    donors = draw(st.integers(1, 5) if percent is None else st.none() | st.integers(1, 5))
    cap = draw(st.none() | st.integers(0, 400_000))
    return Threshold(percent=percent, donors=donors, cap_cents=cap, all_of=draw(st.booleans()))


@st.composite
def campaigns(draw):
    matchers = []
    for i in range(draw(st.integers(0, 4))):
        matchers.append(
            Matcher(
                id=f"m{i}",
                order=draw(st.integers(0, 3)),
                pool_cents=draw(st.integers(0, 500_000)),
                factor=draw(factors),
                per_gift_cap_cents=draw(caps),
                per_donor_cap_cents=draw(caps),
                threshold=draw(threshold_or_none()),
            )
        )
    return Campaign(
        target_cents=draw(st.integers(1, 1_000_000)),
        matchers=tuple(matchers),
        mode=draw(st.sampled_from(Mode)),
        on_miss=draw(st.sampled_from(OnMiss)),
        match_cap_cents=draw(st.none() | st.integers(0, 300_000)),
        cascade=draw(st.booleans()),
    )


# ---------------------------------------------------------------- an account from the decisions alone


class Account:
    """Folds the decision stream, knowing nothing of the engine's state."""

    def __init__(self):
        self.gift = {}  # gift id -> cents recorded
        self.donor = {}  # gift id -> donor
        self.gift_left = defaultdict(int)
        self.first = {}  # (gift, matcher) -> first match
        self.standing = defaultdict(int)  # (gift, matcher) -> match standing
        self.top_ups = defaultdict(int)
        self.refunded = self.moved = 0

    def fold(self, decisions):
        for d in decisions:
            match d:
                case GiftRecorded():
                    self.gift[d.gift_id] = d.cents
                    self.donor[d.gift_id] = d.donor
                    self.gift_left[d.gift_id] += d.cents
                case MatchPosted():
                    assert (d.gift_id, d.matcher_id) not in self.first  # one match per matcher per gift
                    assert d.cents > 0
                    self.first[(d.gift_id, d.matcher_id)] = d.cents
                    self.standing[(d.gift_id, d.matcher_id)] += d.cents
                case MatchCancelled():
                    assert d.cents > 0
                    self.standing[(d.gift_id, d.matcher_id)] -= d.cents
                case GiftRefunded():
                    self.gift_left[d.gift_id] -= d.cents
                    self.refunded += d.cents
                case GiftMovedToFund():
                    self.gift_left[d.gift_id] -= d.cents
                    self.moved += d.cents
                case TopUpPosted():
                    assert d.cents > 0
                    self.top_ups[d.matcher_id] += d.cents

    @property
    def gifts(self):
        return sum(self.gift_left.values())

    @property
    def matches(self):
        return sum(self.standing.values()) + sum(self.top_ups.values())


def check_caps(campaign, account):
    """No match above its cap per gift, per donor, the campaign's cap or the matcher's pool, nor
    above what its gift (what is left of it) allows."""
    by_id = {m.id: m for m in campaign.matchers}
    per_donor = defaultdict(int)
    per_matcher = defaultdict(int)
    for (gift_id, matcher_id), cents in account.standing.items():
        matcher = by_id[matcher_id]
        assert matcher.threshold is None
        assert 0 <= cents <= account.first[(gift_id, matcher_id)]
        if matcher.per_gift_cap_cents is not None:
            assert account.first[(gift_id, matcher_id)] <= matcher.per_gift_cap_cents
        # never larger than what is left of the gift allows at this matcher's factor
        assert cents <= account.gift_left[gift_id] * matcher.factor
        per_donor[(matcher_id, account.donor[gift_id])] += cents
        per_matcher[matcher_id] += cents
    for (matcher_id, _donor), cents in per_donor.items():
        cap = by_id[matcher_id].per_donor_cap_cents
        assert cap is None or cents <= cap
    for matcher_id, cents in account.top_ups.items():
        cap = by_id[matcher_id].threshold.cap_cents
        assert cap is None or cents <= cap
        per_matcher[matcher_id] += cents
    for matcher_id, cents in per_matcher.items():
        assert cents <= by_id[matcher_id].pool_cents
    if campaign.match_cap_cents is not None:
        assert account.matches <= campaign.match_cap_cents
    covered = defaultdict(int)
    for (gift_id, matcher_id), first in account.first.items():
        covered[gift_id] += math.ceil(first / by_id[matcher_id].factor)
    for gift_id, cents in covered.items():
        assert cents <= account.gift[gift_id]  # no cent of a gift is matched twice
    for gift_id, matched in _matched_per_gift(account).items():
        # the matchers together match no more of a gift than the best factor allows
        best = max((by_id[m].factor for (g, m) in account.first if g == gift_id), default=Fraction(0))
        assert matched <= account.gift_left[gift_id] * best


def _matched_per_gift(account):
    out = defaultdict(int)
    for (gift_id, _m), cents in account.standing.items():
        out[gift_id] += cents
    return out


def check_figures(engine, account):
    p = engine.progress()
    assert p.raised_cents == p.gifts_cents + p.matches_cents
    assert p.gifts_cents == account.gifts
    assert p.matches_cents == account.matches
    assert p.top_ups_cents == sum(account.top_ups.values())
    assert p.refunded_cents == account.refunded and p.moved_to_fund_cents == account.moved
    assert p.percent == p.raised_cents * 100 // p.target_cents and 0 <= p.bar_percent <= 100
    assert p.match_left_cents >= 0 and p.top_up_due_cents >= 0


# ---------------------------------------------------------------- the properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaign=campaigns(), data=st.data())
def test_random_campaigns_keep_every_rule(campaign, data):
    engine = CampaignEngine(campaign)
    account = Account()
    events = []
    gift_ids = []
    # gifts and refunds while open, the deadline (most often), then refunds after it
    open_steps = data.draw(st.integers(0, 16), label="open steps")
    plan = ["open"] * open_steps + data.draw(st.sampled_from([["deadline"]] * 9 + [[]]), label="deadline")
    plan += ["after"] * data.draw(st.integers(0, 3), label="after steps")
    for step, phase in enumerate(plan):
        is_open = engine.outcome is Outcome.OPEN
        refundable = [g for g in gift_ids if account.gift_left[g] > 0]
        if phase == "deadline":
            kind = "deadline"
        elif phase == "open" and refundable:
            kind = data.draw(st.sampled_from(["gift", "gift", "gift", "refund"]), label="kind")
        elif phase == "open":
            kind = "gift"
        elif refundable:
            kind = "refund"
        else:
            break
        before = engine.progress()
        if kind == "gift":
            donor = data.draw(st.sampled_from(["d0", "d1", "d2", "d3", "d4"]), label="donor")
            cents = data.draw(st.integers(1, 100_000), label="cents")
            preview = engine.preview(cents, donor=donor)
            event = Gift(f"g{step}", donor, cents)
            gift_ids.append(event.gift_id)
        elif kind == "refund":
            gift_id = data.draw(st.sampled_from(refundable), label="gift")
            left = account.gift_left[gift_id]
            event = Refund(gift_id, data.draw(st.sampled_from([left, 1]) | st.integers(1, left), label="refund"))
        else:
            event = DeadlineReached()
        decisions = engine.apply(event)
        events.append(event)
        account.fold(decisions)
        check_caps(campaign, account)
        check_figures(engine, account)
        after = engine.progress()

        if kind == "gift":
            # the preview told the truth: "your €50 becomes €100"
            posted = tuple((d.matcher_id, d.cents) for d in decisions if isinstance(d, MatchPosted))
            assert posted == preview.matches
            assert after.raised_cents - before.raised_cents == preview.becomes_cents
            assert after.match_left_cents == before.match_left_cents - preview.match_cents
        elif kind == "refund":
            # a refund cancels its match: all of it when whole, the proportional part otherwise
            for (gift_id, matcher_id), first in account.first.items():
                if gift_id == event.gift_id:
                    standing = account.standing[(gift_id, matcher_id)]
                    assert standing == first * account.gift_left[gift_id] // account.gift[gift_id]
                    if account.gift_left[gift_id] == 0:
                        assert standing == 0
            if is_open:  # what a refund cancels goes back to the matchers' pools, for later gifts
                cancelled = sum(d.cents for d in decisions if isinstance(d, MatchCancelled))
                assert after.match_left_cents == before.match_left_cents + cancelled
        else:
            check_deadline(campaign, before, after, decisions, account)
    # replaying the same events gives the same state and decisions
    assert replay(campaign, events).snapshot() == engine.snapshot()


def check_deadline(campaign, before, after, decisions, account):
    assert isinstance(decisions[-1], CampaignClosed)
    target = campaign.target_cents
    met = [
        m
        for m in campaign.top_up_matchers
        if m.threshold.met(crowd_cents=before.gifts_cents, donors=before.donors, target_cents=target)
    ]
    top_ups = {d.matcher_id: d.cents for d in decisions if isinstance(d, TopUpPosted)}
    assert set(top_ups) <= {m.id for m in met}
    assert after.threshold_met == bool(met)
    if met and before.raised_cents < target and after.raised_cents != target:
        # not topped up exactly to the target: then below it, each met matcher having given all
        # its cap and pool allowed (or the campaign's cap on matches being spent)
        assert after.raised_cents < target
        cap_spent = campaign.match_cap_cents is not None and after.matches_cents == campaign.match_cap_cents
        for m in met:
            limit = min(c for c in (m.threshold.cap_cents, m.pool_cents) if c is not None)
            assert cap_spent or top_ups.get(m.id, 0) == limit
    if not met or before.raised_cents >= target:
        assert not top_ups
    reached = before.raised_cents >= target or bool(met)
    if reached:
        assert after.outcome is Outcome.REACHED
    elif campaign.mode is Mode.KEEP_WHAT_YOU_RAISE:
        assert after.outcome is Outcome.KEPT and after.raised_cents == before.raised_cents
    else:
        # all-or-nothing missed: every gift returned, every match cancelled
        assert after.outcome is Outcome.MISSED
        assert after.raised_cents == 0 and after.gifts_cents == 0 and after.matches_cents == 0
        assert all(c == 0 for c in account.standing.values())
        returned = sum(d.cents for d in decisions if isinstance(d, GiftRefunded | GiftMovedToFund))
        assert returned == before.gifts_cents
        wrong_kind = GiftMovedToFund if campaign.on_miss is OnMiss.REFUND else GiftRefunded
        assert not any(isinstance(d, wrong_kind) for d in decisions)
    assert after.match_left_cents == 0 and after.top_up_due_cents == 0


@settings(max_examples=60, deadline=None)
@given(campaign=campaigns(), gifts=st.lists(st.integers(1, 100_000), max_size=8))
def test_top_up_due_before_the_deadline_is_the_top_up_at_the_deadline(campaign, gifts):
    engine = replay(campaign, [Gift(f"g{i}", f"d{i % 3}", c) for i, c in enumerate(gifts)])
    due = engine.progress().top_up_due_cents
    decisions = engine.apply(DeadlineReached())
    assert sum(d.cents for d in decisions if isinstance(d, TopUpPosted)) == due


@settings(max_examples=100, deadline=None)
@given(
    target=st.integers(1, 1_000_000),
    percent=st.integers(1, 100),
    cap=st.none() | st.integers(0, 1_000_000),
    pool=st.integers(0, 1_000_000),
    gifts=st.lists(st.integers(1, 200_000), max_size=8),
    mode=st.sampled_from(Mode),
)
def test_a_threshold_campaign_is_topped_up_exactly_to_its_target_or_its_cap(target, percent, cap, pool, gifts, mode):
    city = Matcher(id="city", order=1, pool_cents=pool, threshold=Threshold(percent=percent, cap_cents=cap))
    engine = replay(
        Campaign(target_cents=target, matchers=(city,), mode=mode), [Gift(f"g{i}", "d", c) for i, c in enumerate(gifts)]
    )
    crowd = sum(gifts)
    engine.apply(DeadlineReached())
    after = engine.progress()
    if crowd * 100 >= percent * target:
        limit = pool if cap is None else min(cap, pool)
        assert after.raised_cents == max(crowd, min(target, crowd + limit))
        assert after.top_ups_cents <= limit and after.outcome is Outcome.REACHED
    else:
        assert after.top_ups_cents == 0


# ---------------------------------------------------------------- the documented cases

EUR = 100


def milan(budget_eur, *, crowd_percent=40, cap_eur=60_000, mode=Mode.ALL_OR_NOTHING):
    """Milan's civic crowdfunding (2020–2022 calls): the crowd raises 40% of the budget in the
    campaign's days; then the city pays the rest, up to a cap per project (ADR 0026)."""
    city = Matcher(
        id="comune",
        order=1,
        pool_cents=cap_eur * EUR,
        threshold=Threshold(percent=crowd_percent, cap_cents=cap_eur * EUR),
    )
    return Campaign(target_cents=budget_eur * EUR, matchers=(city,), mode=mode, on_miss=OnMiss.REFUND)


def test_milan_threshold_reached_city_pays_the_rest():
    engine = replay(milan(100_000), [Gift("g1", "a", 25_000 * EUR), Gift("g2", "b", 15_000 * EUR)])
    progress = engine.progress()
    assert progress.threshold_met and progress.top_up_due_cents == 60_000 * EUR
    assert progress.percent == 40
    decisions = engine.apply(DeadlineReached())
    assert decisions == [TopUpPosted("comune", 60_000 * EUR), CampaignClosed(Outcome.REACHED)]
    assert engine.progress().raised_cents == 100_000 * EUR


def test_milan_crowd_beyond_the_threshold_lowers_the_city_share():
    # 2022 call: budget up to €80,000, city up to €48,000; the crowd gave €35,000 (43.75%)
    engine = replay(milan(80_000, cap_eur=48_000), [Gift("g1", "a", 35_000 * EUR)])
    assert engine.apply(DeadlineReached())[0] == TopUpPosted("comune", 45_000 * EUR)
    assert engine.progress().raised_cents == 80_000 * EUR


def test_milan_cap_below_the_rest_tops_up_to_the_cap_and_the_threshold_is_success():
    engine = replay(milan(130_000), [Gift("g1", "a", 52_000 * EUR)])
    decisions = engine.apply(DeadlineReached())
    assert decisions == [TopUpPosted("comune", 60_000 * EUR), CampaignClosed(Outcome.REACHED)]
    assert engine.progress().raised_cents == 112_000 * EUR


def test_milan_threshold_missed_all_or_nothing_refunds_the_crowd():
    engine = replay(milan(100_000), [Gift("g1", "a", 39_999 * EUR), Gift("g2", "b", 99)])
    assert not engine.progress().threshold_met and engine.progress().top_up_due_cents == 0
    decisions = engine.apply(DeadlineReached())
    assert decisions == [
        GiftRefunded("g1", 39_999 * EUR, "missed"),
        GiftRefunded("g2", 99, "missed"),
        CampaignClosed(Outcome.MISSED),
    ]
    assert engine.progress().raised_cents == 0 and engine.progress().refunded_cents == 39_999 * EUR + 99


def test_milan_2024_call_half_and_half():
    # 2024/25 call: the crowd raises 50% of the value, the city the other 50%, up to €50,000
    engine = replay(milan(60_000, crowd_percent=50, cap_eur=50_000), [Gift("g1", "a", 30_000 * EUR)])
    assert engine.apply(DeadlineReached())[0] == TopUpPosted("comune", 30_000 * EUR)


def test_donor_count_threshold():
    city = Matcher(id="city", order=1, pool_cents=10_000, threshold=Threshold(donors=3))
    engine = replay(Campaign(target_cents=12_000, matchers=(city,)), [Gift(f"g{i}", f"d{i}", 500) for i in range(3)])
    assert engine.progress().threshold_met
    assert engine.apply(DeadlineReached())[0] == TopUpPosted("city", 10_000)
    assert engine.progress().raised_cents == 11_500


def test_your_50_becomes_100_with_factor_one():
    city = Matcher(id="city", order=1, pool_cents=1_000_000, factor=Fraction(1))
    engine = CampaignEngine(Campaign(target_cents=2_000_000, matchers=(city,)))
    preview = engine.preview(50 * EUR)
    assert (preview.gift_cents, preview.match_cents, preview.becomes_cents) == (5_000, 5_000, 10_000)
    assert engine.apply(Gift("g1", "a", 50 * EUR))[1] == MatchPosted("g1", "city", 5_000)
    assert engine.progress().raised_cents == 10_000
    assert engine.progress().match_left_cents == 1_000_000 - 5_000


def test_factor_per_mille_rounds_down_to_the_cent():
    half = Matcher(id="co", order=1, pool_cents=10_000, factor=Matcher.per_mille(500))
    engine = CampaignEngine(Campaign(target_cents=100_000, matchers=(half,)))
    assert engine.preview(5_000).becomes_cents == 7_500
    assert engine.preview(3).match_cents == 1  # 1.5 cents rounds down


def test_matchers_in_order_cascade_the_rest_of_a_gift():
    company = Matcher(id="company", order=1, pool_cents=3_000)
    city = Matcher(id="city", order=2, pool_cents=100_000)
    campaign = Campaign(target_cents=100_000, matchers=(city, company))
    assert CampaignEngine(campaign).preview(5_000).matches == (("company", 3_000), ("city", 2_000))
    # without cascade only the first matcher with pool left matches
    alone = Campaign(target_cents=100_000, matchers=(city, company), cascade=False)
    assert CampaignEngine(alone).preview(5_000).matches == (("company", 3_000),)
    # once the company's pool is spent, the city is the first with pool left
    engine = replay(alone, [Gift("g1", "a", 3_000)])
    assert engine.preview(5_000).matches == (("city", 5_000),)


def test_a_capped_match_passes_on_only_the_part_of_the_gift_it_did_not_cover():
    # the company doubles up to €10 of match: that covers €5 of a €100 gift; the city matches €95
    company = Matcher(id="company", order=1, pool_cents=100_000, factor=Fraction(2), per_gift_cap_cents=1_000)
    city = Matcher(id="city", order=2, pool_cents=100_000)
    engine = CampaignEngine(Campaign(target_cents=100_000, matchers=(company, city)))
    assert engine.preview(10_000).matches == (("company", 1_000), ("city", 9_500))


def test_caps_per_gift_and_per_donor_and_per_campaign():
    city = Matcher(id="city", order=1, pool_cents=100_000, per_gift_cap_cents=4_000, per_donor_cap_cents=6_000)
    engine = CampaignEngine(Campaign(target_cents=500_000, matchers=(city,), match_cap_cents=9_000))
    assert engine.apply(Gift("g1", "a", 5_000))[1] == MatchPosted("g1", "city", 4_000)
    assert engine.apply(Gift("g2", "a", 5_000))[1] == MatchPosted("g2", "city", 2_000)
    assert len(engine.apply(Gift("g3", "a", 5_000))) == 1  # the donor's cap is spent
    assert engine.apply(Gift("g4", "b", 5_000))[1] == MatchPosted("g4", "city", 3_000)  # the campaign's cap
    assert engine.progress().match_left_cents == 0


def test_partial_refund_cancels_the_proportional_part_rounded_against_the_match():
    city = Matcher(id="city", order=1, pool_cents=100_000)
    engine = replay(Campaign(target_cents=100_000, matchers=(city,)), [Gift("g1", "a", 3)])
    assert engine.apply(Refund("g1", 1)) == [
        GiftRefunded("g1", 1, "refund"),
        MatchCancelled("g1", "city", 1, "refund"),
    ]
    engine = replay(Campaign(target_cents=100_000, matchers=(city,)), [Gift("g1", "a", 5_000), Refund("g1", 1_000)])
    assert engine.progress().matches_cents == 4_000
    engine.apply(Refund("g1", 4_000))
    assert engine.progress().raised_cents == 0 and engine.progress().match_left_cents == 100_000


def test_missed_all_or_nothing_moves_gifts_to_the_fund_and_cancels_matches():
    city = Matcher(id="city", order=1, pool_cents=100_000)
    campaign = Campaign(target_cents=100_000, matchers=(city,), mode=Mode.ALL_OR_NOTHING, on_miss=OnMiss.MOVE_TO_FUND)
    engine = replay(campaign, [Gift("g1", "a", 5_000)])
    assert engine.apply(DeadlineReached()) == [
        MatchCancelled("g1", "city", 5_000, "missed"),
        GiftMovedToFund("g1", 5_000),
        CampaignClosed(Outcome.MISSED),
    ]
    assert engine.progress().moved_to_fund_cents == 5_000


def test_missed_keep_what_you_raise_keeps_gifts_and_matches():
    city = Matcher(id="city", order=1, pool_cents=100_000)
    engine = replay(Campaign(target_cents=100_000, matchers=(city,)), [Gift("g1", "a", 5_000), DeadlineReached()])
    assert engine.outcome is Outcome.KEPT and engine.progress().raised_cents == 10_000


@pytest.mark.parametrize(
    ("events", "code"),
    [
        ([Gift("g1", "a", 100), Gift("g1", "b", 100)], "gift_duplicate"),
        ([Gift("g1", "a", 0)], "invalid_cents"),
        ([Gift("g1", "a", 10**15)], "invalid_cents"),
        ([Gift("g1", "a", 100), Refund("g1", 101)], "refund_too_large"),
        ([Refund("nope", 1)], "gift_unknown"),
        ([DeadlineReached(), Gift("g1", "a", 100)], "closed"),
        ([DeadlineReached(), DeadlineReached()], "closed"),
        ([Gift("g1", "a", 100, at=datetime(2027, 1, 2, tzinfo=UTC))], "after_deadline"),
        ([Gift("g1", "a", 100, at=datetime(2026, 12, 2))], "invalid_time"),  # noqa: DTZ001
    ],
)
def test_refused_events_say_why_and_change_nothing(events, code):
    campaign = Campaign(
        target_cents=1_000,
        matchers=(Matcher(id="city", order=1, pool_cents=1_000),),
        deadline=datetime(2027, 1, 1, tzinfo=UTC),
    )
    engine = replay(campaign, events[:-1])
    before = engine.snapshot()
    with pytest.raises(CampaignError) as refused:
        engine.apply(events[-1])
    assert refused.value.code == code
    assert engine.snapshot() == before


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: Campaign(target_cents=0), "invalid_cents"),
        (lambda: Matcher(id="m", order=1, pool_cents=-1), "invalid_cents"),
        (lambda: Matcher(id="m", order=1, pool_cents=1, factor=0), "matcher_factor"),
        (lambda: Matcher(id="m", order=1, pool_cents=1, factor=0.5), "matcher_factor"),
        (lambda: Threshold(), "threshold_empty"),
        (lambda: Threshold(percent=101), "threshold_percent"),
        (lambda: Threshold(percent=40.5), "threshold_percent"),
        (
            lambda: Campaign(target_cents=1, matchers=(Matcher(id="m", order=1, pool_cents=1),) * 2),
            "matcher_duplicate",
        ),
    ],
)
def test_bad_rules_are_refused(build, code):
    with pytest.raises(CampaignError) as refused:
        build()
    assert refused.value.code == code


def test_engine_imports_no_django():
    code = (
        "import sys, cities4csr.campaigns.engine; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "[]"
