"""On PostgreSQL, many movements at once on one fund: every one is numbered and chained after the
one before, the stored balances equal the sums of the postings to the cent, and the fund never
goes below zero.

Run on its own (`pytest -m concurrency -p no:xdist` with DATABASE_URL pointing at PostgreSQL, as
`make test-postgres` does): it needs real transactions, so its database is flushed after each
test, which builds its own small city.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django_scopes import scope

from cities4csr.ledger.models import Account, ChainHead, Posting, PostingGroup
from cities4csr.ledger.selectors import account_balance, account_of, ledger_chain_verify
from cities4csr.ledger.services import Leg, group_post

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

GIFTS = 50  # with SPENDS, 70 connections: PostgreSQL allows 100, shared with the main thread and others
SPENDS = 20
SPEND = 15_000  # cents: 20 of them are more than the 50 gifts
FUND = 1


def _race(acts) -> list[str]:
    """Run each of ``acts`` in its own thread, released at once; each outcome "ok" or the
    refusal's code."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(act):
        try:
            barrier.wait()
            try:
                act()
                result = "ok"
            except ValidationError as exc:
                result = exc.code or "invalid"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def _post(world, legs, source):
    with scope(city=world.city.pk):
        group_post(
            actor=None,
            city=world.city,
            legs=legs,
            source=source,
            resource_kind="money",
            motivation="charitable_gift",
            valuation="face_value",
            effective_on=datetime.date(2026, 12, 1),
        )


def test_simultaneous_gifts_and_spending_on_one_fund_keep_balances_and_the_chain(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    # a gift of 1.01 to 100.00 from each of 50 givers (the city's first movements: the chain's
    # head is made in the race), and 20 disbursements of 150.00 each: more than all the gifts, so
    # some are always refused
    gifts = [101 * (n + 1) if n % 3 else 10_000 - n for n in range(GIFTS)]

    def gift(n, cents):
        return lambda: _post(
            world, [Leg("giver", 1_000 + n, -cents), Leg("fund", FUND, cents, label="Fondo")], "fund_contribution"
        )

    def spend(n):
        return lambda: _post(world, [Leg("fund", FUND, -SPEND), Leg("recipient", n, SPEND)], "disbursement")

    acts = [gift(n, cents) for n, cents in enumerate(gifts)] + [spend(n) for n in range(SPENDS)]
    outcomes = _race(acts)
    assert len(outcomes) == GIFTS + SPENDS
    assert set(outcomes) <= {"ok", "insufficient_balance"}
    spent = outcomes.count("ok") - GIFTS  # every gift goes through
    assert 0 <= spent <= sum(gifts) // SPEND < SPENDS
    assert outcomes.count("insufficient_balance") == SPENDS - spent

    with scope(city=world.city.pk):
        fund = account_of(city=world.city, kind="fund", ref_id=FUND)
        assert fund.balance_cents == account_balance(account=fund) == sum(gifts) - SPEND * spent >= 0
        for account in Account.objects.all():
            summed = Posting.objects.filter(account=account).aggregate(total=Sum("amount_cents"))["total"]
            assert account.balance_cents == summed
        count = GIFTS + spent
        assert list(PostingGroup.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, count + 1))
        assert ChainHead.objects.get().seq == count
    report = ledger_chain_verify(city=world.city)
    assert report.ok and report.groups == count
