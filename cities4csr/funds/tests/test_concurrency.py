"""On PostgreSQL, 100 contributions received at once, each twice (a re-sent payment notice), and
20 awards approved at once on one fund: the balance equals the sum of the postings to the cent,
every contribution is in the ledger once, and the approved awards never exceed what the fund
holds.

Run on its own, as ``make test-postgres`` does (``-m concurrency -p no:xdist``): real
transactions, so the database is flushed after the test.
"""

import datetime
import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django_scopes import scope

from cities4csr.funds.models import Award, Contribution
from cities4csr.funds.selectors import fund_figures
from cities4csr.funds.services import award_propose, award_transition, contribution_receive
from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose
from cities4csr.ledger.models import Account, Posting, PostingGroup
from cities4csr.ledger.selectors import ledger_chain_verify

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

GIFTS = 100
AWARDS = 20
AWARD = 30_000  # cents: 20 of them are more than the gifts hold, so some are always refused
CONNECTIONS = 60  # PostgreSQL allows 100, shared with the main thread and the test database


def _race(acts) -> list[str]:
    """Run ``acts`` from CONNECTIONS threads released at once; each outcome "ok" or the refusal's
    code."""
    barrier = threading.Barrier(CONNECTIONS)
    queue = list(acts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    act = queue.pop()
                try:
                    act()
                    result = "ok"
                except ValidationError as exc:
                    result = exc.code or "invalid"
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return outcomes


def test_simultaneous_contributions_and_awards_on_one_fund(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    with scope(city=world.city.pk):
        fund = a_fund(world)
        cents = [500 + 137 * n for n in range(GIFTS)]  # 5.00 to 140.63: 7,281.50 in all
        pending = [a_gift(world, fund, c, received=False, name=f"Donor {n}") for n, c in enumerate(cents)]
        purpose = a_purpose(world)
        awards = [
            award_propose(
                actor=world.officer,
                fund=fund,
                purpose=purpose,
                description=f"Award {n}",
                act_number=f"DG {n}/2026",
                act_on=datetime.date(2026, 5, 1),
                amount_cents=AWARD,
                organisation=world.third_sector,
            )
            for n in range(AWARDS)
        ]

    def receive(contribution):
        def act():
            with scope(city=world.city.pk):
                contribution_receive(actor=None, contribution=contribution, entry_ref=f"bank:{contribution.pk}")

        return act

    def approve(award):
        def act():
            with scope(city=world.city.pk):
                award_transition(actor=None, award=award, to=Award.State.APPROVED)

        return act

    acts = [receive(c) for c in pending] * 2 + [approve(a) for a in awards]
    random.Random(15).shuffle(acts)
    outcomes = _race(acts)
    assert len(outcomes) == 2 * GIFTS + AWARDS
    assert set(outcomes) <= {"ok", "over_available"}

    with scope(city=world.city.pk):
        fund.account.refresh_from_db()
        total = sum(cents)
        summed = Posting.objects.filter(account=fund.account).aggregate(total=Sum("amount_cents"))["total"]
        assert fund.account.balance_cents == summed == total
        for account in Account.objects.all():
            assert (
                account.balance_cents == Posting.objects.filter(account=account).aggregate(t=Sum("amount_cents"))["t"]
            )
        assert Contribution.objects.filter(state=Contribution.State.RECEIVED).count() == GIFTS
        assert (
            PostingGroup.objects.filter(source="fund_contribution").count() == GIFTS
        )  # the re-sent ones added nothing
        approved = Award.objects.filter(state=Award.State.APPROVED).count()
        assert approved * AWARD <= total
        # an approval refused at a moment when the fund held less is only ever refused for
        # lack of money: what is approved never exceeds the balance
        assert fund_figures(fund=fund)["available_cents"] >= 0
        assert outcomes.count("over_available") == AWARDS - approved
    assert ledger_chain_verify(city=world.city).ok


BATCH = 500
SINGLES = 20
OVERLAP = 10  # singles that receive gifts of the batch at the same moment
BATCH_AWARDS = 5


def test_a_batch_of_receipts_while_single_receipts_and_awards_run_on_one_fund(world):
    """A bank statement's chunk of 500 receipts (``contributions_receive_many``) while 20 other
    gifts are received one by one, 10 of the batch's own gifts are received by a webhook at the
    same moment and 5 awards are approved: each gift is in the ledger once, every balance is the
    sum of its postings, the chain verifies."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    from cities4csr.funds.services import Receipt, contributions_receive_many

    with scope(city=world.city.pk):
        fund = a_fund(world)
        gifts = [a_gift(world, fund, 1_000 + n, received=False, name=f"Donor {n}") for n in range(BATCH + SINGLES)]
        purpose = a_purpose(world)
        awards = [
            award_propose(
                actor=world.officer,
                fund=fund,
                purpose=purpose,
                description=f"Award {n}",
                act_number=f"DG {n}/2026",
                act_on=datetime.date(2026, 5, 1),
                amount_cents=AWARD,
                organisation=world.third_sector,
            )
            for n in range(BATCH_AWARDS)
        ]
    batch, singles = gifts[:BATCH], gifts[BATCH:]

    def receive_batch():
        with scope(city=world.city.pk):
            contributions_receive_many(
                actor=None,
                receipts=[Receipt(g.pk, g.amount_cents, datetime.date(2026, 3, 12), f"bank:{g.pk}") for g in batch],
            )

    def receive(contribution):
        def act():
            with scope(city=world.city.pk):
                contribution_receive(actor=None, contribution=contribution, entry_ref=f"card:{contribution.pk}")

        return act

    def approve(award):
        def act():
            with scope(city=world.city.pk):
                award_transition(actor=None, award=award, to=Award.State.APPROVED)

        return act

    acts = [receive(c) for c in singles + batch[::50]] + [approve(a) for a in awards]
    random.Random(15).shuffle(acts)
    acts.insert(len(acts) // 2, receive_batch)  # popped from the end: in the middle of the others
    outcomes = _race(acts)
    assert len(outcomes) == 1 + SINGLES + OVERLAP + BATCH_AWARDS
    assert set(outcomes) <= {"ok", "over_available"}

    with scope(city=world.city.pk):
        total = sum(g.amount_cents for g in gifts)
        fund.account.refresh_from_db()
        for account in Account.objects.all():
            summed = Posting.objects.filter(account=account).aggregate(t=Sum("amount_cents"))["t"]
            assert account.balance_cents == summed
        assert fund.account.balance_cents == total
        contributions = Contribution.objects.filter(pk__in=[g.pk for g in gifts])
        assert contributions.filter(state=Contribution.State.RECEIVED).count() == BATCH + SINGLES
        groups = PostingGroup.objects.filter(source="fund_contribution")
        assert groups.count() == BATCH + SINGLES
        assert groups.values("source_ref").distinct().count() == BATCH + SINGLES
        assert set(contributions.values_list("group_id", flat=True)) == set(groups.values_list("pk", flat=True))
        approved = Award.objects.filter(state=Award.State.APPROVED).count()
        assert approved * AWARD <= total and fund_figures(fund=fund)["available_cents"] >= 0
        assert outcomes.count("over_available") == BATCH_AWARDS - approved
    assert ledger_chain_verify(city=world.city).ok
