"""Calendars parse back with icalendar: a file per registration, a feed per person and per
company; times in the city's zone, UIDs that stay the same, no other company's people."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cities4csr.volunteering import services
from cities4csr.volunteering.models import Registration, Slot
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def in_days(days, hour=9):
    day = datetime.date.today() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=ROME)


@pytest.fixture
def slots(world):
    activity = an_activity(world, safety_briefing="Scarpe chiuse e guanti.")
    return [a_slot(activity, starts_at=in_days(d), ends_at=in_days(d, 13)) for d in (3, 10)]


def get_ics(name, world, **kwargs):
    response = Client().get(reverse(name, kwargs={"city_slug": world.city.slug, **kwargs}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return list(calendar.walk("VEVENT"))


def test_a_registrations_file_parses_back_in_the_citys_zone(world, slots):
    registration = a_registration(slots[0], world.member)
    calendar = get_ics("volunteering_registration_ics", world, token=registration.token)
    (event,) = events(calendar)
    start = event.decoded("dtstart")
    assert start == slots[0].starts_at and start.tzinfo.key == "Europe/Rome" and start.hour == 9
    assert event.decoded("dtend").hour == 13
    assert str(event["summary"]) == "Ridipingiamo la scuola"
    assert "Via Polesine 12" in str(event["location"]) and "Scarpe chiuse" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert calendar.walk("VTIMEZONE") and str(calendar.walk("VTIMEZONE")[0]["tzid"]) == "Europe/Rome"
    again = events(get_ics("volunteering_registration_ics", world, token=registration.token))[0]
    assert str(again["uid"]) == str(event["uid"])  # a calendar updates the event rather than adding one


def test_a_wrong_token_is_not_found(world, slots):
    response = Client().get(
        reverse("volunteering_registration_ics", kwargs={"city_slug": world.city.slug, "token": "nope"})
    )
    assert response.status_code == 404


def test_a_persons_feed_lists_their_slots_and_a_cancelled_one_as_cancelled(world, slots):
    first = a_registration(slots[0], world.resident)
    second = a_registration(slots[1], world.resident, state=Registration.State.WAITLISTED)
    a_registration(slots[0], world.member)  # someone else's
    feed = services.calendar_feed_get(actor=world.resident, city=world.city)
    assert services.calendar_feed_get(actor=world.resident, city=world.city) == feed  # one per person
    found = {str(e["uid"]): e for e in events(get_ics("volunteering_person_feed", world, token=feed.token))}
    assert len(found) == 2
    statuses = sorted(str(e["status"]) for e in found.values())
    assert statuses == ["CONFIRMED", "TENTATIVE"]
    Slot.objects.filter(pk=slots[0].pk).update(state=Slot.State.CANCELLED)
    again = {str(e["uid"]): e for e in events(get_ics("volunteering_person_feed", world, token=feed.token))}
    assert set(again) == set(found)
    assert sorted(str(e["status"]) for e in again.values()) == ["CANCELLED", "TENTATIVE"]
    assert first.pk != second.pk


def test_a_renewed_feed_address_replaces_the_old_one(world, slots):
    feed = services.calendar_feed_get(actor=world.resident, city=world.city)
    old = feed.token
    services.calendar_feed_renew(actor=world.resident, feed=feed)
    response = Client().get(reverse("volunteering_person_feed", kwargs={"city_slug": world.city.slug, "token": old}))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.calendar_feed_renew(actor=world.member, feed=feed)


def test_a_companys_feed_names_its_own_people_only(world, slots):
    world.member.first_name = "Giulia"
    world.member.save()
    world.other_representative.first_name = "Marco"
    world.other_representative.save()
    world.resident.first_name = "Sara"
    world.resident.save()
    a_registration(slots[0], world.member, company=world.company)
    a_registration(slots[0], world.other_representative, company=world.other_company)
    a_registration(slots[0], world.resident)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_get(actor=world.member, city=world.city, organisation=world.company)
    feed = services.calendar_feed_get(actor=world.representative, city=world.city, organisation=world.company)
    calendar = get_ics("volunteering_company_feed", world, token=feed.token)
    (event,) = events(calendar)
    description = str(event["description"])
    assert "Giulia" in description and "Marco" not in description and "Sara" not in description
    assert event.decoded("dtstart") == slots[0].starts_at
    # a company's feed address does not open a person's feed, nor the other way round
    response = Client().get(
        reverse("volunteering_person_feed", kwargs={"city_slug": world.city.slug, "token": feed.token})
    )
    assert response.status_code == 404
