"""A company's statement in a small city: B4SI inputs by how, why, what and where, outputs,
impacts from approved indicators only, the ESRS S3 pack and GRI 413-1."""

import datetime

import pytest

from cities4csr.impact.models import IndicatorUpdate
from cities4csr.ledger.models import Motivation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.tests.factories import SiteFactory
from cities4csr.reporting.services import management_cost_record
from cities4csr.reporting.statement import split_evenly, statement_build

from .factories import given, indicator_of, update_of

JAN = datetime.date(2026, 1, 15)
MAR = datetime.date(2026, 3, 10)
YEAR = {"since": datetime.date(2026, 1, 1), "until": datetime.date(2026, 12, 31)}


@pytest.fixture
def two_needs(world):
    first, second = sorted(world.areas)[:2]
    school = NeedFactory(city=world.city, owner=world.city_hall, published=True, area=world.areas[first])
    garden = NeedFactory(city=world.city, owner=world.third_sector, published=True, area=world.areas[second])
    return school, garden


@pytest.fixture
def gifts(world, two_needs):
    school, garden = two_needs
    given(world, cents=100_000, on=JAN, need=school, themes="|education|", area=school.area.code)
    given(
        world,
        cents=20_001,
        on=MAR,
        need=garden,
        themes="|education|environment|",
        area=garden.area.code,
        motivation=Motivation.COMMUNITY_INVESTMENT,
    )
    given(
        world,
        cents=45_000,
        on=MAR,
        need=school,
        kind=ResourceKind.VOLUNTEER_TIME,
        quantity=180,
        unit="minutes",
        themes="|education|",
        area=school.area.code,
        motivation=Motivation.COMMUNITY_INVESTMENT,
    )
    given(
        world,
        cents=30_000,
        on=MAR,
        need=garden,
        kind=ResourceKind.EXPERTISE,
        quantity=4,
        unit="hours",
        area=garden.area.code,
        motivation=Motivation.COMMERCIAL_INITIATIVE,
    )
    given(world, cents=5_000, on=MAR, kind=ResourceKind.GOODS, quantity=3, unit="boxes")
    management_cost_record(actor=world.representative, organisation=world.company, amount_cents=12_345, on=MAR)
    # someone else's gift and a gift outside the period count nowhere
    given(world, cents=999_999, on=MAR, need=school, organisation=world.other_company)
    given(world, cents=777_777, on=datetime.date(2025, 12, 31), need=school)
    return two_needs


def test_b4si_inputs_sum_to_the_total_by_how_why_what_and_where(world, gifts):
    s = statement_build(city=world.city, organisation=world.company, language="en", **YEAR)
    total = 100_000 + 20_001 + 45_000 + 30_000 + 5_000 + 12_345
    assert s.total_cents == total
    assert {r.code: r.value_cents for r in s.inputs} == {
        "cash": 120_001,
        "time": 45_000,
        "in_kind": 35_000,
        "management_costs": 12_345,
    }
    for table in (s.by_motivation, s.by_theme, s.by_area, s.by_resource):
        assert sum(r.value_cents for r in table) == total
    assert {r.code: r.value_cents for r in s.by_motivation} == {
        "charitable_gift": 105_000,
        "community_investment": 20_001 + 45_000 + 12_345,
        "commercial_initiative": 30_000,
    }
    # two themes share 20,001 cents: 10,001 to the first key, 10,000 to the second
    themes = {r.code: r.value_cents for r in s.by_theme}
    assert themes == {"education": 100_000 + 10_001 + 45_000, "environment": 10_000, "": 30_000 + 5_000 + 12_345}
    school, garden = gifts
    assert {r.code: r.value_cents for r in s.by_area} == {
        school.area.code: 145_000,
        garden.area.code: 50_001,
        "": 17_345,
    }
    assert s.hours_minutes == 180 + 240 and s.expertise_minutes == 240


def test_a_split_is_exact_to_the_cent():
    assert split_evenly(10, ["a", "b", "c"]) == {"a": 4, "b": 3, "c": 3}
    assert split_evenly(-10, ["a", "b", "c"]) == {"a": -4, "b": -3, "c": -3}
    assert split_evenly(7, []) == {"": 7}


def test_outputs_and_impacts_count_approved_values_only(world, gifts):
    school, garden = gifts
    pupils = indicator_of(school)
    update_of(pupils, value=40, on=datetime.date(2026, 5, 1))
    update_of(pupils, value=90, on=datetime.date(2026, 6, 1), state=IndicatorUpdate.State.SUBMITTED)
    update_of(pupils, value=60, on=datetime.date(2027, 2, 1))  # after the period
    trees = indicator_of(garden, name="Trees planted", unit="trees", target=20, counts_people=False)
    s = statement_build(city=world.city, organisation=world.company, language="en", **YEAR)
    assert s.people_reached == 40
    latest = {i.name: i.latest for i in s.impacts}
    assert latest == {"Pupils reached": 40, "Trees planted": None}
    assert [i.progress for i in s.impacts] == [0.4, 0.0]
    assert {r.label for r in s.organisations_supported} == {world.city_hall.name, world.third_sector.name}
    assert [int(r.code) for r in s.needs_supported] == [school.pk, garden.pk]
    assert all(r.url.startswith("http") and f"/en/{world.city.slug}/needs/" in r.url for r in s.s3_4)
    assert trees.pk and [i.target for i in s.s3_5] == [100, 20]


def test_gri_413_1_is_the_share_of_sites_whose_area_received(world, gifts):
    school, _garden = gifts
    inside = world.areas[school.area.code]
    lon = (inside.min_lon + inside.max_lon) / 2
    lat = (inside.min_lat + inside.max_lat) / 2
    SiteFactory(organisation=world.company, label="Sede", lat=lat, lon=lon)
    SiteFactory(organisation=world.company, label="Magazzino", lat=0.0, lon=0.0)
    s = statement_build(city=world.city, organisation=world.company, language="en", **YEAR)
    assert [(x.label, x.engaged) for x in s.sites] == [("Magazzino", False), ("Sede", True)]
    assert s.sites_share == 0.5


def test_a_company_that_gave_nothing_has_an_empty_statement(world):
    s = statement_build(city=world.city, organisation=world.other_company, language="fr", **YEAR)
    assert s.total_cents == 0 and s.needs_supported == [] and s.sites_share is None
    assert [r.label for r in s.inputs] == ["Numéraire", "Temps", "En nature", "Frais de gestion"]
