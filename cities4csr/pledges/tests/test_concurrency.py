"""On PostgreSQL, 50 people pledging at once against a line with room for 10 units commit
exactly 10; the other 40 get a clear message and nothing of theirs is written.

Run on its own (`pytest -m concurrency` with DATABASE_URL pointing at PostgreSQL; .ci/run
does): it needs real transactions, so its database is flushed afterwards.
"""

import threading

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.pledges.models import Pledge, PledgeItem
from cities4csr.pledges.services import OverCommitError, pledge_propose

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo")]

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
