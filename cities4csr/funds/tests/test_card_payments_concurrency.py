"""On PostgreSQL, the same signed webhook delivered many times at once (Stripe re-sends, and may
send two copies together): the gift is received once, one ledger movement, one recorded
notification; the same for a refund (issue 15's "a re-sent webhook adds nothing").

Run on its own (`pytest -m concurrency -p no:xdist` with DATABASE_URL pointing at PostgreSQL,
as `make test-postgres` does): it needs real transactions.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.funds.models import Contribution, Fund, ProviderEvent
from cities4csr.ledger.models import PostingGroup

from .factories import a_fund
from .test_card_payments import (  # noqa: F401 - the fixtures
    WEBHOOK,
    card_gift,
    fake_stripe,
    refund_event,
    session_event,
    signed,
    started,
    stripe_on,
)

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

COPIES = 12


def _all_at_once(event) -> list[str]:
    payload, header = signed(event)
    barrier = threading.Barrier(COPIES)
    outcomes: list[str] = []
    lock = threading.Lock()

    def deliver():
        try:
            barrier.wait()
            response = Client().post(
                WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
            )
            result = response.json()["outcomes"][0] if response.status_code == 200 else str(response.status_code)
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return sorted(outcomes)


def test_one_webhook_delivered_many_times_at_once_is_applied_once(world, stripe_on):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    fund = a_fund(world)
    gift = started(world, card_gift(world, fund, 2500))

    assert _all_at_once(session_event(gift, gift.provider_ref)) == ["applied"] + ["repeated"] * (COPIES - 1)
    assert _all_at_once(refund_event(amount=700)) == ["applied"] + ["repeated"] * (COPIES - 1)

    with scopes_disabled():
        gift.refresh_from_db()
        assert (gift.state, gift.received_cents, gift.refunded_cents) == (Contribution.State.PARTLY_REFUNDED, 2500, 700)
        assert Fund.objects.get(pk=fund.pk).account.balance_cents == 1800
        assert PostingGroup.objects.filter(city=world.city).count() == 2  # the receipt and its partial reversal
        assert ProviderEvent.objects.count() == 2
