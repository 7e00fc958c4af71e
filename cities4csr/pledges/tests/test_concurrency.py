"""On PostgreSQL, 50 people pledging at once against a line with room for 10 units commit
exactly 10; the other 40 get a clear message and nothing of theirs is written. 20 declines of
one pledge at once release its capacity once; 20 verifications at once write one change.

Run on its own (`pytest -m concurrency` with DATABASE_URL pointing at PostgreSQL; .ci/run
does): it needs real transactions, so its database is flushed afterwards.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.pledges.models import Pledge, PledgeItem
from cities4csr.pledges.services import OverCommitError, pledge_propose, pledge_transition

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_again")]


@pytest.fixture
def demo_again():
    """A transactional test's database is flushed after it: the next one loads the demo again."""
    from cities4csr.cities.models import City
    from cities4csr.demo.seed import seed_demo

    with scopes_disabled():
        if not City.objects.filter(slug="milano").exists():
            seed_demo()


PEOPLE = 50
ROOM = 10


def test_concurrent_pledges_never_over_commit_a_line():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (SQLite serialises all writers)")
    from cities4csr.cities.models import City
    from cities4csr.organisations.models import Membership, Organisation

    with scopes_disabled():
        city = City.objects.get(slug="milano")
    with scope(city=city.pk):
        owner = Organisation.objects.get(name="Comune di Milano")
        rep = Membership.objects.filter(role="representative").select_related("user", "organisation").first()
        need = need_create(
            actor=None, city=city, owner=owner, title="Banchi per la scuola", description="…", lat=45.4403, lon=9.2235
        )
        line = line_add(
            actor=None, need=need, kind=ResourceKind.GOODS, label="Banchi", quantity=ROOM, value_cents=ROOM * 8_000
        )
        need_transition(actor=None, need=need, to=Need.State.PUBLISHED)

    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pledge_one():
        try:
            with scope(city=city.pk):
                barrier.wait()
                try:
                    pledge_propose(actor=rep.user, need=need, organisation=rep.organisation, items=[(line, 1)])
                    result = "ok"
                except OverCommitError as exc:
                    result = "refused: " + exc.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=pledge_one) for _ in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == PEOPLE
    assert outcomes.count("ok") == ROOM
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == PEOPLE - ROOM
    assert all("Only 0 units of “Banchi” are still needed" in r for r in refusals), refusals[:3]
    with scope(city=city.pk):
        line.refresh_from_db()
        assert line.committed == ROOM
        assert Pledge.objects.filter(need=need).count() == ROOM
        assert sum(PledgeItem.objects.filter(line=line).values_list("quantity", flat=True)) == ROOM


def _race(people: int, act) -> list[str]:
    """Run ``act`` in ``people`` threads released at once; each outcome "ok" or the refusal's code."""
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
                result = exc.error_list[0].code or "invalid"
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


def _published_line(city, quantity):
    from cities4csr.organisations.models import Organisation

    owner = Organisation.objects.get(name="Comune di Milano")
    need = need_create(actor=None, city=city, owner=owner, title="Libri", description="…", lat=45.4403, lon=9.2235)
    line = line_add(
        actor=None, need=need, kind=ResourceKind.GOODS, label="Libri", quantity=quantity, value_cents=quantity
    )
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    return need, line


def test_concurrent_declines_release_the_capacity_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL")
    from cities4csr.cities.models import City
    from cities4csr.organisations.models import Membership
    from conftest import demo_user

    with scopes_disabled():
        city = City.objects.get(slug="milano")
    officer = demo_user("milano", "officer")
    with scope(city=city.pk):
        rep = Membership.objects.filter(role="representative").select_related("user", "organisation").first()
        need, line = _published_line(city, 1000)
        declined = pledge_propose(actor=rep.user, need=need, organisation=rep.organisation, items=[(line, 100)])
        pledge_propose(actor=rep.user, need=need, organisation=rep.organisation, items=[(line, 300)])

    def decline():
        with scope(city=city.pk):
            pledge = Pledge.objects.get(pk=declined.pk)  # each request reads its own copy, as a page would
            pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.DECLINED, reason="Doppione")

    outcomes = _race(20, decline)
    assert sorted(outcomes) == ["already"] * 19 + ["ok"], outcomes
    with scope(city=city.pk):
        line.refresh_from_db()
        assert line.committed == 300  # released once: 400 - 100
        assert AuditEvent.objects.filter(verb="pledge.decline", object_id=str(declined.pk)).count() == 1


def test_concurrent_verifications_write_one_state_change_and_one_audit_event():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.cities.models import City
    from cities4csr.organisations.models import Membership
    from cities4csr.pledges.services import evidence_add
    from cities4csr.pledges.tests.test_pledges import PNG
    from conftest import demo_user

    with scopes_disabled():
        city = City.objects.get(slug="milano")
    officer = demo_user("milano", "officer")
    with scope(city=city.pk):
        rep = Membership.objects.filter(role="representative").select_related("user", "organisation").first()
        need, line = _published_line(city, 10)
        pledge = pledge_propose(actor=rep.user, need=need, organisation=rep.organisation, items=[(line, 5)])
        pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)
        evidence_add(actor=rep.user, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
        pledge_transition(actor=rep.user, pledge=pledge, to=Pledge.State.DELIVERED)

    def verify():
        with scope(city=city.pk):
            copy = Pledge.objects.get(pk=pledge.pk)
            pledge_transition(actor=officer, pledge=copy, to=Pledge.State.VERIFIED)

    outcomes = _race(20, verify)
    assert sorted(outcomes) == ["already"] * 19 + ["ok"], outcomes
    with scope(city=city.pk):
        events = AuditEvent.objects.filter(object_type="pledges.pledge", object_id=str(pledge.pk))
        assert events.filter(verb="pledge.verify").count() == 1
        assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.VERIFIED
