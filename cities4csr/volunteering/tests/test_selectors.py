"""The reads of volunteering: the public list and its filters, the map's points, an activity's
page with names only for the host and the participant's own company, "my volunteering", the
company's dashboard and the host's console."""

import datetime

import pytest
from django.db import connection
from django.http import Http404, QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.needs.models import Theme
from cities4csr.offers.tests.factories import CsrProfileFactory
from cities4csr.volunteering import selectors
from cities4csr.volunteering.models import Activity, HoursEntry, Registration

from .factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db


def params(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


def hours_of(registration, minutes, *, state=HoursEntry.State.APPROVED):
    """An entry of hours as the hours services leave it (here made directly: the reads only)."""
    return HoursEntry.objects.create(city=registration.city, registration=registration, minutes=minutes, state=state)


def test_the_list_shows_open_activities_with_slots_to_come_and_places_left(world):
    school = an_activity(world, area=world.areas["35"])
    a_slot(school, days=3, capacity=10)
    later = a_slot(school, days=10, capacity=5)
    a_registration(later, world.member)
    a_slot(school, days=-3)  # past: not counted
    past_only = an_activity(world, slug="passata")
    a_slot(past_only, days=-2)
    draft = an_activity(world, slug="bozza", state=Activity.State.DRAFT)
    a_slot(draft, days=2)

    activities = selectors.activities_for(user=world.resident, city=world.city, filters=params())

    assert [a.slug for a in activities] == [school.slug]
    assert activities[0].places_left == 14
    assert activities[0].slots_count == 2


def test_the_filters(world):
    theme = Theme.objects.filter(city=world.city).order_by("key").first()
    family = an_activity(world, slug="famiglie", family_friendly=True, skills="Pittura", themes=[theme])
    family.area = world.areas["35"]
    family.save()
    a_slot(family, days=2)
    other = an_activity(world, slug="altro")
    a_slot(other, days=20)

    def slugs(**values):
        return [
            a.slug for a in selectors.activities_for(user=world.resident, city=world.city, filters=params(**values))
        ]

    assert slugs(family="true") == ["famiglie"]
    assert slugs(theme=theme.key) == ["famiglie"]
    assert slugs(skill="pittura") == ["famiglie"]
    assert slugs(nil="35") == ["famiglie"]
    soon = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert slugs(start=soon) == ["altro"]
    assert slugs(end=soon) == ["famiglie"]
    assert slugs() == ["famiglie", "altro"]  # soonest first


def test_the_list_costs_the_same_with_many_activities(world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            selectors.activities_page(city=world.city, params=params())
        return len(queries)

    a_slot(an_activity(world, slug="prima"))
    one = count()
    for i in range(5):
        activity = an_activity(world, slug=f"altra-{i}", themes=list(Theme.objects.filter(city=world.city)[:2]))
        a_registration(a_slot(activity), UserFactory())
    assert count() == one


def test_the_map_points_carry_places_left_and_a_link(world):
    activity = an_activity(world)
    slot = a_slot(activity, capacity=3)
    a_registration(slot, world.member)
    an_activity(world, slug="senza-luogo", lat=None, lon=None)

    points = selectors.activity_points(city=world.city, params=params())

    assert [f["properties"]["places_left"] for f in points["features"]] == [2]
    assert points["features"][0]["properties"]["url"].endswith(f"/volunteering/{activity.slug}/")
    assert points["features"][0]["geometry"]["coordinates"] == [activity.lon, activity.lat]


def test_names_go_to_the_host_and_the_participants_own_company_only(world):
    activity = an_activity(world)
    slot = a_slot(activity)
    employee = UserFactory(first_name="Giulia", last_name="Rossi")
    a_registration(slot, employee, company=world.company)
    stranger = UserFactory(first_name="Marco", last_name="Bianchi")
    a_registration(slot, stranger)

    def names(user):
        page = selectors.activity_detail(user=user, city=world.city, activity=activity)
        return sorted(page.upcoming[0].names)

    assert names(world.third_sector_representative) == ["Giulia Rossi", "Marco Bianchi"]
    assert names(world.representative) == ["Giulia Rossi"]
    for outsider in (world.other_representative, world.resident, world.officer, world.member):
        assert names(outsider) == [], outsider
    page = selectors.activity_detail(user=world.resident, city=world.city, activity=activity)
    assert page.upcoming[0].places_left == 8


def test_a_draft_is_its_hosts_and_the_officers(world):
    an_activity(world, slug="bozza", state=Activity.State.DRAFT)
    for user in (world.third_sector_representative, world.officer):
        assert selectors.activity_get(user=user, city=world.city, slug="bozza").slug == "bozza"
    for user in (world.resident, world.representative):
        with pytest.raises(Http404):
            selectors.activity_get(user=user, city=world.city, slug="bozza")


def test_sign_up_closes_at_the_deadline_and_a_full_slot_offers_the_waiting_list(world):
    activity = an_activity(world, waitlist=False)
    full = a_slot(activity, capacity=1)
    a_registration(full, world.member)
    closed = a_slot(activity, days=3, registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    page = selectors.activity_detail(user=world.resident, city=world.city, activity=activity)
    rows = {row.slot.pk: row for row in page.upcoming}
    assert not rows[full.pk].can_sign_up and rows[full.pk].full
    assert not rows[closed.pk].can_sign_up
    activity.waitlist = True
    page = selectors.activity_detail(user=world.resident, city=world.city, activity=activity)
    assert {row.slot.pk: row for row in page.upcoming}[full.pk].can_sign_up


def test_my_volunteering(world):
    activity = an_activity(world)
    coming = a_registration(a_slot(activity, days=5), world.member)
    past = a_registration(a_slot(activity, days=-5), world.member, state=Registration.State.ATTENDED)
    hours_of(past, 240)
    hours_of(past, 30, state=HoursEntry.State.PROPOSED)
    a_registration(a_slot(activity, days=6), world.resident)

    mine = selectors.my_registrations(user=world.member, city=world.city)

    assert mine.upcoming == [coming]
    assert mine.past == [past]
    assert (mine.approved_minutes, mine.proposed_minutes) == (240, 30)


def test_the_company_dashboard(world):
    CsrProfileFactory(organisation=world.company, headcount=10, volunteering_days_per_year=1)
    activity = an_activity(world, area=world.areas["35"])
    slot = a_slot(activity, days=-2)
    if slot.starts_at.year != timezone.localdate().year:
        slot.starts_at = slot.starts_at.replace(year=timezone.localdate().year, month=6)
        slot.ends_at = slot.starts_at + datetime.timedelta(hours=4)
        slot.save()
    for user, minutes in ((world.member, 240), (world.representative, 120)):
        registration = a_registration(slot, user, state=Registration.State.ATTENDED, company=world.company)
        hours_of(registration, minutes)
    other = a_registration(slot, world.other_representative, company=world.other_company)
    hours_of(other, 600)

    dashboard = selectors.company_volunteering(company=world.company, year=timezone.localdate().year)

    assert dashboard.people == 2
    assert dashboard.approved_minutes == 360
    assert dashboard.target_hours == 80
    assert dashboard.percent == 8  # 6 hours of 80
    assert dashboard.by_area == [{"code": "35", "name": world.areas["35"].name, "minutes": 360}]


def test_the_console_lists_the_slot_people_and_its_waiting_list(world):
    slot = a_slot(an_activity(world), capacity=1)
    a_registration(slot, UserFactory(first_name="Anna", last_name="Verdi"))
    a_registration(slot, UserFactory(first_name="Bruno", last_name="Neri"), state=Registration.State.WAITLISTED)
    console = selectors.host_console(slot=slot)
    assert [r.label for r in console.registrations] == ["Anna Verdi"]
    assert [r.label for r in console.waiting] == ["Bruno Neri"]
    with pytest.raises(Http404):
        selectors.slot_get(user=world.representative, city=world.city, pk=slot.pk)
    assert selectors.slot_get(user=world.third_sector_representative, city=world.city, pk=slot.pk) == slot


def test_the_map_shades_neighbourhoods_by_their_activities_and_draws_the_soonest(world, monkeypatch):
    for i in range(3):
        a_slot(an_activity(world, slug=f"a-{i}", area=world.areas["35"]), days=2 + i)
    a_slot(an_activity(world, slug="duomo", area=world.areas["1"]), days=9)
    an_activity(world, slug="senza-date", area=world.areas["1"])

    assert selectors.activity_counts_by_area(city=world.city, params=params()) == {"1": 1, "35": 3}
    monkeypatch.setattr(selectors, "MAP_POINTS", 2)
    points = selectors.activity_points(city=world.city, params=params())
    assert [f["properties"]["url"].rsplit("/", 2)[1] for f in points["features"]] == ["a-0", "a-1"]


def test_the_list_pages(world):
    for i in range(selectors.PAGE_SIZE + 5):
        a_slot(an_activity(world, slug=f"p-{i:02d}"), days=1 + i)
    _filter, first = selectors.activities_page(city=world.city, params=params())
    assert first.paginator.count == selectors.PAGE_SIZE + 5 and first.paginator.num_pages == 2
    assert [a.slug for a in first.object_list][:2] == ["p-00", "p-01"]
    _filter, second = selectors.activities_page(city=world.city, params=params(page="2"))
    assert [a.slug for a in second.object_list] == [
        f"p-{i:02d}" for i in range(selectors.PAGE_SIZE, selectors.PAGE_SIZE + 5)
    ]
    assert second.has_previous() and not second.has_next()
    for beyond in ("99", "x", "-3"):
        _filter, page = selectors.activities_page(city=world.city, params=params(page=beyond))
        assert page.number == (2 if beyond == "99" else 1), beyond
