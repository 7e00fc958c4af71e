"""On PostgreSQL, 50 people pledging at once against a line with room for 10 units commit
exactly 10; the other 40 get a clear message and nothing of theirs is written. 20 declines of
one pledge at once release its capacity once; 20 verifications at once write one change.

Run on its own (`pytest -m concurrency` with DATABASE_URL pointing at PostgreSQL; .ci/run
does): it needs real transactions, so its database is flushed after each test, which builds its
own small city with the factories.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Pledge, PledgeItem
from cities4csr.pledges.services import pledge_propose, pledge_transition

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


PEOPLE = 50
ROOM = 10


def _race(people: int, act, *, messages: bool = False) -> list[str]:
    """Run ``act`` in ``people`` threads released at once; each outcome "ok" or the refusal's code
    (its message with ``messages``)."""
    barrier = threading.Barrier(people)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one():
        try:
            barrier.wait()
            try:
                act()
                result = "ok"
            except ValidationError as exc:
                result = exc.messages[0] if messages else exc.error_list[0].code or "invalid"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def books(world):
    """A published need of the small Milan-like city with one line of 1,000 books."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL")
    lines = [dict(kind=ResourceKind.GOODS, label="Libri", quantity=1000, value_cents=1000)]
    need = NeedFactory(city=world.city, owner=world.city_hall, lines=lines, published=True)
    return need, need.lines.get()


def test_concurrent_pledges_never_over_commit_a_line(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    lines = [dict(kind=ResourceKind.GOODS, label="Banchi", quantity=ROOM, value_cents=ROOM * 8_000)]
    need = NeedFactory(city=world.city, owner=world.city_hall, lines=lines, published=True)
    line = need.lines.get()

    def pledge_one():
        with scope(city=world.city.pk):
            _pledge(world, need, line, 1)

    outcomes = _race(PEOPLE, pledge_one, messages=True)
    assert len(outcomes) == PEOPLE
    assert outcomes.count("ok") == ROOM
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == PEOPLE - ROOM
    assert all("Only 0 units of “Banchi” are still needed" in r for r in refusals), refusals[:3]
    line.refresh_from_db()
    assert line.committed == ROOM
    assert Pledge.objects.filter(need=need).count() == ROOM
    assert sum(PledgeItem.objects.filter(line=line).values_list("quantity", flat=True)) == ROOM


def _pledge(world, need, line, quantity):
    return pledge_propose(actor=world.representative, need=need, organisation=world.company, items=[(line, quantity)])


def test_concurrent_declines_release_the_capacity_once(world, books):
    need, line = books
    declined = _pledge(world, need, line, 100)
    _pledge(world, need, line, 300)

    def decline():
        with scope(city=world.city.pk):
            pledge = Pledge.objects.get(pk=declined.pk)  # each request reads its own copy, as a page would
            pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.DECLINED, reason="Doppione")

    outcomes = _race(20, decline)
    assert sorted(outcomes) == ["already"] * 19 + ["ok"], outcomes
    line.refresh_from_db()
    assert line.committed == 300  # released once: 400 - 100
    assert AuditEvent.objects.filter(verb="pledge.decline", object_id=str(declined.pk)).count() == 1


def test_concurrent_verifications_write_one_state_change_and_one_audit_event(world, books):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.pledges.services import evidence_add
    from cities4csr.pledges.tests.test_pledges import PNG

    need, line = books
    pledge = _pledge(world, need, line, 5)
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)

    def verify():
        with scope(city=world.city.pk):
            copy = Pledge.objects.get(pk=pledge.pk)
            pledge_transition(actor=world.officer, pledge=copy, to=Pledge.State.VERIFIED)

    outcomes = _race(20, verify)
    assert sorted(outcomes) == ["already"] * 19 + ["ok"], outcomes
    events = AuditEvent.objects.filter(object_type="pledges.pledge", object_id=str(pledge.pk))
    assert events.filter(verb="pledge.verify").count() == 1
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.VERIFIED
