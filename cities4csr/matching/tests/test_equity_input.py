"""The equity lens feeds matching: a need in a deprived neighbourhood that received less per
resident than the city's average ranks higher than one where support already arrived, by the
city's ``under_served`` share (city data: ``City.policy["matching"]``)."""

import datetime as dt

import numpy as np
import pytest

from cities4csr.cities.services import city_update, indicator_import
from cities4csr.cities.tests.factories import CORVETTO
from cities4csr.ledger.models import Account, Motivation, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, group_post
from cities4csr.matching.adapter import city_weights, load_city
from cities4csr.matching.engine.scoring import equity
from cities4csr.needs.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db
SCALO_ROMANA = (45.43, 9.245)  # NIL 36 of the test city


def indicators(city):
    day = dt.date(2024, 1, 1)
    indicator_import(
        actor=None, city=city, key="population", names={"en": "Residents"}, area_kind="nil", date=day,
        values={"1": 1_000, "35": 1_000, "36": 1_000},
    )  # fmt: skip
    # higher is worse: DUOMO least (rank 0), SCALO ROMANA 0.5, LODI - CORVETTO most (1)
    indicator_import(
        actor=None, city=city, key="low_income_share", names={"en": "Low income"}, area_kind="nil", date=day,
        values={"1": 10, "35": 40, "36": 25}, higher_is_worse=True,
    )  # fmt: skip


def equity_of(city):
    data = load_city(city)
    lift = equity(data.needs, city_weights(city))
    return dict(zip(data.needs.ids.tolist(), lift.tolist(), strict=True)), data


def test_support_already_received_lowers_a_deprived_area_s_lift(world):
    city = world.city
    indicators(city)
    city = city_update(actor=None, city=city, policy={**city.policy, "matching": {"under_served": 0.8}})
    corvetto = NeedFactory(city=city, owner=world.city_hall, lat=CORVETTO[0], lon=CORVETTO[1], published=True)
    scalo = NeedFactory(city=city, owner=world.city_hall, lat=SCALO_ROMANA[0], lon=SCALO_ROMANA[1], published=True)
    assert (corvetto.area.code, scalo.area.code) == ("35", "36")
    before, data = equity_of(city)
    assert data.needs.under_served is not None and np.all(data.needs.under_served == 1)  # nothing received yet
    assert before[corvetto.pk] > before[scalo.pk]  # the more deprived area first
    group_post(
        actor=None,
        city=city,
        legs=[
            Leg(Account.Kind.GIVER, world.company.pk, -500_000, label=world.company.name),
            Leg(Account.Kind.NEED, corvetto.pk, 500_000, label=corvetto.title),
        ],
        source=Source.PLEDGE,
        resource_kind=ResourceKind.MONEY,
        motivation=Motivation.COMMUNITY_INVESTMENT,
        valuation=Valuation.FACE_VALUE,
        effective_on=dt.date(2026, 5, 4),
        area_code="35",
    )
    after, data = equity_of(city)
    # all of the city's money went to 35: its under-served score is 0, 36's stays 1
    assert after[scalo.pk] == pytest.approx(before[scalo.pk])
    assert after[corvetto.pk] == pytest.approx(0.5 * 1.0 * (1 - 0.8))  # (1 − share) · rank · (1 − u)
    assert after[scalo.pk] == pytest.approx(0.5 * 0.5)
    assert after[scalo.pk] > after[corvetto.pk]  # the ranking turned


def test_without_residents_per_area_matching_is_as_before(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, lat=CORVETTO[0], lon=CORVETTO[1], published=True)
    _, data = equity_of(world.city)
    assert need.pk in data.needs.ids and data.needs.under_served is None
