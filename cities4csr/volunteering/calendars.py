"""Calendars of volunteering (iCalendar, RFC 5545, written with ``icalendar``): a file per
registration, a feed per person and a feed per company, read through secret addresses.

Times are written in the city's time zone (``TZID`` and its ``VTIMEZONE``), so a calendar shows
the slot at the hour the host announced wherever the reader is. Each event's ``UID`` is made
from database ids that never change, so a calendar that reads the feed again updates the
event instead of adding a second one; a cancelled slot stays in the feed as ``CANCELLED`` so
calendars remove it. A company's feed lists its own employees' first names, never anyone
else's (other companies' people, people on their own).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Activity, CalendarFeed, Registration, Slot

R = Registration.State
PRODID = "-//Cities4CSR//Volunteering//EN"
#: how far back a feed goes
FEED_PAST = datetime.timedelta(days=365)
#: the registrations a person's feed shows: their places, requests and places in a queue
SHOWN = (R.REQUESTED, R.REGISTERED, R.WAITLISTED, R.ATTENDED, R.NO_SHOW, R.CANCELLED)


def _calendar(city, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", city.timezone)
    return calendar


def _uid(city, kind: str, *ids) -> str:
    return f"volunteering-{kind}-{'-'.join(str(i) for i in ids)}@{city.slug}.cities4csr"


def _event(slot: Slot, *, uid: str, description: str, status: str) -> icalendar.Event:
    activity = slot.activity
    zone = ZoneInfo(slot.city.timezone)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", slot.starts_at.astimezone(zone))
    event.add("dtend", slot.ends_at.astimezone(zone))
    event.add("summary", activity.title)
    if activity.place:
        event.add("location", activity.place)
    if activity.lat is not None and activity.lon is not None:
        event.add("geo", (activity.lat, activity.lon))
    event.add("description", description)
    event.add("status", status)
    return event


def _description(slot: Slot, *lines: str) -> str:
    activity = slot.activity
    parts = [_("Host: %(host)s") % {"host": activity.host.name}, *lines]
    if activity.safety_briefing:
        parts.append(activity.safety_briefing)
    return "\n".join(parts)


def _status(slot: Slot, registration: Registration | None = None) -> str:
    if slot.state == Slot.State.CANCELLED or slot.activity.state == Activity.State.CANCELLED:
        return "CANCELLED"
    if registration is not None and registration.state == R.CANCELLED:
        return "CANCELLED"
    if registration is not None and registration.state in (R.REQUESTED, R.WAITLISTED):
        return "TENTATIVE"
    return "CONFIRMED"


def _registration_event(registration: Registration) -> icalendar.Event:
    slot = registration.slot
    state = Registration.State(registration.state).label
    return _event(
        slot,
        uid=_uid(slot.city, "registration", registration.pk),
        description=_description(slot, _("Your registration: %(state)s") % {"state": state}),
        status=_status(slot, registration),
    )


def _bytes(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def registration_ical(registration: Registration) -> bytes:
    """The .ics file of one registration."""
    calendar = _calendar(registration.city, registration.slot.activity.title)
    calendar.add_component(_registration_event(registration))
    return _bytes(calendar)


def _recent(queryset, prefix: str = "slot__"):
    return queryset.filter(**{f"{prefix}starts_at__gte": timezone.now() - FEED_PAST})


def person_feed_ical(feed: CalendarFeed) -> bytes:
    """A person's volunteering in the feed's city: their registrations of the last year and to come."""
    city = feed.city
    calendar = _calendar(city, _("My volunteering — %(city)s") % {"city": city.name})
    registrations = _recent(Registration.objects.filter(city=city, user_id=feed.user_id, state__in=SHOWN))
    for registration in registrations.select_related("slot__activity__host", "slot__city", "city").order_by(
        "slot__starts_at", "pk"
    ):
        calendar.add_component(_registration_event(registration))
    return _bytes(calendar)


def company_feed_ical(feed: CalendarFeed) -> bytes:
    """A company's volunteering: one event per slot where its employees hold a place, naming them
    by first name (its own people only)."""
    city, company = feed.city, feed.organisation
    calendar = _calendar(city, _("Volunteering of %(company)s") % {"company": company.name})
    registrations = _recent(
        Registration.objects.filter(city=city, company=company, state__in=(R.REGISTERED, R.ATTENDED, R.NO_SHOW))
    ).select_related("slot__activity__host", "slot__city", "user")
    by_slot: dict[int, list[Registration]] = defaultdict(list)
    slots: dict[int, Slot] = {}
    for registration in registrations.order_by("slot__starts_at", "slot_id", "pk"):
        by_slot[registration.slot_id].append(registration)
        slots[registration.slot_id] = registration.slot
    for slot_id, taking_part in by_slot.items():
        slot = slots[slot_id]
        names = ", ".join(sorted(r.user.first_name or _("a colleague") for r in taking_part if r.user_id)) or "—"
        lines = [
            ngettext("%(count)s of your people takes part", "%(count)s of your people take part", len(taking_part))
            % {"count": len(taking_part)},
            _("Taking part: %(names)s") % {"names": names},
        ]
        calendar.add_component(
            _event(
                slot,
                uid=_uid(city, "slot", slot.pk, "company", company.pk),
                description=_description(slot, *lines),
                status=_status(slot),
            )
        )
    return _bytes(calendar)
