"""``flows``, the one read of the ledger that reports sum: by how, why, what and where, in a
period, for a giver (what it gave) or for the receivers (what reached the neighbourhoods);
reversals net out and time is read in the unit it was posted in."""

import datetime

import pytest

from cities4csr.ledger.models import ReasonCode, Source
from cities4csr.ledger.selectors import flows
from cities4csr.ledger.services import Leg, group_post, group_reverse
from cities4csr.needs.models import ResourceKind

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)


def give(world, *, kind, cents, quantity=0, unit="", area="35", motivation="community_investment", on=DAY):
    return group_post(
        actor=None,
        city=world.city,
        legs=[
            Leg("giver", world.company.pk, -cents, -quantity, unit, world.company.name),
            Leg("need", 40, cents, quantity, unit, "Scuola"),
        ],
        source=Source.PLEDGE,
        resource_kind=kind,
        motivation=motivation,
        valuation="face_value" if kind == ResourceKind.MONEY else "cost",
        effective_on=on,
        themes="|education|",
        area_code=area,
    )


def test_a_giver_s_flows_are_summed_by_facet_in_the_period_net_of_reversals(world):
    give(world, kind=ResourceKind.MONEY, cents=100_000)
    give(world, kind=ResourceKind.MONEY, cents=50_000, motivation="charitable_gift")
    wrong = give(world, kind=ResourceKind.MONEY, cents=7_000)
    group_reverse(actor=None, group=wrong, reason_code=ReasonCode.ENTERED_IN_ERROR, memo="")
    give(world, kind=ResourceKind.VOLUNTEER_TIME, cents=6_000, quantity=3, unit="hours", area="19")
    give(world, kind=ResourceKind.VOLUNTEER_TIME, cents=4_000, quantity=90, unit="minutes", area="19")
    give(world, kind=ResourceKind.MONEY, cents=999_999, on=DAY.replace(year=2025))  # outside the period

    rows = flows(
        city=world.city,
        kinds=("giver",),
        ref_id=world.company.pk,
        outgoing=True,
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 12, 31),
        by=("resource_kind", "motivation", "area_code", "unit"),
    )
    summed = {(f.resource_kind, f.motivation, f.area_code, f.unit): (f.value_cents, f.minutes) for f in rows}
    assert summed == {
        ("money", "charitable_gift", "35", ""): (50_000, 0),
        ("money", "community_investment", "35", ""): (100_000, 0),  # the reversed 70 € nets out
        ("volunteer_time", "community_investment", "19", "hours"): (6_000, 180),
        ("volunteer_time", "community_investment", "19", "minutes"): (4_000, 90),
    }
    received = flows(city=world.city, by=("area_code",), since=datetime.date(2026, 1, 1))
    assert {f.area_code: f.value_cents for f in received} == {"19": 10_000, "35": 150_000}


def test_flows_by_month_and_an_unknown_facet(world):
    give(world, kind=ResourceKind.MONEY, cents=1_000, on=datetime.date(2026, 3, 9))
    give(world, kind=ResourceKind.MONEY, cents=2_000, on=datetime.date(2026, 3, 30))
    give(world, kind=ResourceKind.MONEY, cents=4_000, on=datetime.date(2026, 5, 1))
    months = {str(f.month)[:7]: f.value_cents for f in flows(city=world.city, by=("month",))}
    assert months == {"2026-03": 3_000, "2026-05": 4_000}
    with pytest.raises(KeyError):
        flows(city=world.city, by=("colour",))


def test_kept_flows_add_only_the_movements_written_since_and_stay_equal_to_a_fresh_read(
    world, django_assert_num_queries
):
    from cities4csr.ledger.selectors import flows_kept

    def fresh():
        return {f.area_code: f.value_cents for f in flows(city=world.city, by=("area_code",))}

    def kept():
        return {f.area_code: f.value_cents for f in flows_kept(city=world.city, name="test", by=("area_code",))}

    give(world, kind=ResourceKind.MONEY, cents=1_000)
    assert kept() == fresh() == {"35": 1_000}
    with django_assert_num_queries(1):  # the ledger has not moved: its head, and the cache
        assert kept() == {"35": 1_000}
    wrong = give(world, kind=ResourceKind.MONEY, cents=500, area="19")
    give(world, kind=ResourceKind.MONEY, cents=2_000)
    group_reverse(actor=None, group=wrong, reason_code=ReasonCode.ENTERED_IN_ERROR, memo="")
    with django_assert_num_queries(2):  # the head, and the three movements since
        now = kept()
    assert now == fresh() == {"19": 0, "35": 3_000}
