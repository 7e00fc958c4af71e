"""On PostgreSQL, 50 people sign up at the same moment for a slot of 10 places: exactly 10 are
registered and the other 40 wait in the order their transactions took the slot's lock (their
registrations' ``pk``); one withdrawal promotes exactly one person, the first waiting; several
withdrawals at once promote exactly as many, in order.

Run on its own, as ``make test-postgres`` does (``-m concurrency -p no:xdist``): real
transactions, so the database is flushed after the test.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.core.models import AuditEvent
from cities4csr.volunteering import services
from cities4csr.volunteering.models import Activity, Registration, Slot

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

PEOPLE = 50
PLACES = 10
R = Registration.State


def _race(acts) -> list[str]:
    """Run each of ``acts`` in its own thread (its own connection), released at once; each outcome
    "ok" or the refusal's code."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(act):
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

    threads = [threading.Thread(target=worker, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return outcomes


def _counts(slot):
    slot = Slot.objects.get(pk=slot.pk)
    rows = Registration.objects.filter(slot=slot)
    return (
        slot.taken,
        slot.waiting,
        rows.filter(state=R.REGISTERED).count(),
        rows.filter(state=R.WAITLISTED).count(),
    )


def _waiting_pks(slot) -> list[int]:
    return list(Registration.objects.filter(slot=slot, state=R.WAITLISTED).order_by("pk").values_list("pk", flat=True))


def test_fifty_sign_ups_at_once_for_ten_places_then_withdrawals(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    city = world.city
    host = world.third_sector_representative
    with scope(city=city.pk):
        activity = services.activity_create(
            actor=host, city=city, title="Ridipingiamo la scuola", description="Aule.", host=world.third_sector
        )
        start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(days=7)
        (slot,) = services.slots_add(
            actor=host, activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=4), capacity=PLACES
        )
        services.activity_transition(actor=host, activity=activity, to=Activity.State.OPEN)
    people = [UserFactory() for _ in range(PEOPLE)]

    def sign_up(person):
        def act():
            with scope(city=city.pk):
                services.registration_create(actor=person, slot=slot)

        return act

    outcomes = _race([sign_up(p) for p in people])
    assert outcomes == ["ok"] * PEOPLE
    with scope(city=city.pk):
        assert _counts(slot) == (PLACES, PEOPLE - PLACES, PLACES, PEOPLE - PLACES)
        rows = list(Registration.objects.filter(slot=slot).order_by("pk"))
        # arrival order: the first ten to take the lock got the places, the rest queue after them
        assert [r.state for r in rows] == [R.REGISTERED] * PLACES + [R.WAITLISTED] * (PEOPLE - PLACES)
        assert {r.user_id for r in rows} == {p.pk for p in people}
        assert AuditEvent.objects.filter(verb="registration.create").count() == PEOPLE

        # one withdrawal promotes exactly one: the first waiting
        first_waiting = _waiting_pks(slot)[0]
        services.registration_withdraw(actor=rows[0].user, registration=rows[0])
        assert _counts(slot) == (PLACES, PEOPLE - PLACES - 1, PLACES, PEOPLE - PLACES - 1)
        assert Registration.objects.get(pk=first_waiting).state == R.REGISTERED
        next_five = _waiting_pks(slot)[:5]
        leaving = rows[1:6]

    # five withdrawals at once promote exactly five, the next five waiting
    def withdraw(registration):
        def act():
            with scope(city=city.pk):
                services.registration_withdraw(actor=registration.user, registration=registration)

        return act

    assert _race([withdraw(r) for r in leaving]) == ["ok"] * 5
    with scope(city=city.pk):
        assert _counts(slot) == (PLACES, PEOPLE - PLACES - 6, PLACES, PEOPLE - PLACES - 6)
        assert set(Registration.objects.filter(pk__in=next_five).values_list("state", flat=True)) == {R.REGISTERED}
        assert AuditEvent.objects.filter(verb="registration.promote").count() == 6
        assert Registration.objects.filter(slot=slot, state=R.WITHDRAWN).count() == 6


def test_sign_ups_and_withdrawals_at_once_never_overbook(world):
    """Thirty people sign up while five registered ones withdraw: the slot never holds more than
    its places, and the counters equal the rows."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    city = world.city
    host = world.third_sector_representative
    with scope(city=city.pk):
        activity = services.activity_create(
            actor=host, city=city, title="Orti condivisi", description="Orti.", host=world.third_sector
        )
        start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(days=3)
        (slot,) = services.slots_add(
            actor=host, activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=5
        )
        services.activity_transition(actor=host, activity=activity, to=Activity.State.OPEN)
        first = [services.registration_create(actor=UserFactory(), slot=slot) for _ in range(5)]
    newcomers = [UserFactory() for _ in range(30)]

    def sign_up(person):
        def act():
            with scope(city=city.pk):
                services.registration_create(actor=person, slot=slot)

        return act

    def withdraw(registration):
        def act():
            with scope(city=city.pk):
                services.registration_withdraw(actor=registration.user, registration=registration)

        return act

    outcomes = _race([sign_up(p) for p in newcomers] + [withdraw(r) for r in first])
    assert outcomes == ["ok"] * 35
    with scope(city=city.pk):
        taken, waiting, registered, waitlisted = _counts(slot)
        assert (taken, registered) == (5, 5)
        assert waiting == waitlisted == 25
        # the people holding places arrived before everyone still waiting
        holding = Registration.objects.filter(slot=slot, state=R.REGISTERED).values_list("pk", flat=True)
        assert max(holding) < min(_waiting_pks(slot))
