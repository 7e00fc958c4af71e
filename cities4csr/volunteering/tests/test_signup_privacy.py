"""A person's registrations in their data export; a person who deletes their account leaves
anonymous counts and hours behind, and their places to the people waiting."""

import datetime

from django.utils import timezone

from cities4csr.accounts.tests.factories import PASSWORD, UserFactory
from cities4csr.core.models import AuditEvent
from cities4csr.privacy.selectors import account_export
from cities4csr.privacy.services import account_erase
from cities4csr.volunteering import services
from cities4csr.volunteering.models import HoursEntry, Registration, Slot
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

from .test_signup import open_activity

R = Registration.State


def test_erasure_detaches_past_registrations_and_frees_places_still_to_come(world):
    person, waiting = UserFactory(), UserFactory()
    activity = an_activity(world)
    past = a_slot(activity, days=-10)
    attended = a_registration(past, person, state=R.ATTENDED, note=f"Sono {person.email}")
    HoursEntry.objects.create(city=world.city, registration=attended, minutes=240)
    _upcoming_activity, upcoming = open_activity(world, capacity=1, slug="prossima")
    mine = services.registration_create(actor=person, slot=upcoming, note="A presto")
    theirs = services.registration_create(actor=waiting, slot=upcoming)
    assert theirs.state == R.WAITLISTED

    exported = account_export(user=person)["volunteering_registrations"]
    assert [(r["activity"], r["state"]) for r in exported] == [
        ("Ridipingiamo la scuola", "attended"),
        ("Ridipingiamo la scuola", "registered"),
    ]
    assert exported[0]["hours"][0]["minutes"] == 240 and exported[1]["note"] == "A presto"

    account_erase(actor=person, user=person, password=PASSWORD)

    attended.refresh_from_db()
    mine.refresh_from_db()
    assert attended.user_id is None and attended.note == "" and attended.state == R.ATTENDED
    assert attended.hours.get().minutes == 240  # the hours stay, anonymous
    assert mine.user_id is None and mine.state == R.CANCELLED and mine.note == ""
    assert Registration.objects.get(pk=theirs.pk).state == R.REGISTERED  # the place went on
    slot = Slot.objects.get(pk=upcoming.pk)
    assert (slot.taken, slot.waiting) == (1, 0)
    assert AuditEvent.objects.filter(verb="registration.promote", object_id=str(theirs.pk)).exists()
    # counts stay: the past slot still has its participant, nameless
    assert Registration.objects.filter(slot=past, state=R.ATTENDED).count() == 1
    assert not Registration.objects.filter(user=person).exists()


def test_a_past_slot_is_not_touched_by_the_release(world):
    person = UserFactory()
    activity = an_activity(world)
    now = timezone.now()
    started = a_slot(activity, starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=2))
    registration = a_registration(started, person)
    account_erase(actor=person, user=person, password=PASSWORD)
    registration.refresh_from_db()
    assert registration.state == R.REGISTERED and registration.user_id is None
