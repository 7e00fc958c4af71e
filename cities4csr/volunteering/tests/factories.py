"""Volunteering data as a test needs it: an activity hosted by the world's third-sector body,
its slots, and registrations."""

import datetime

from django.utils import timezone

from cities4csr.volunteering.models import Activity, Registration, Slot


def an_activity(world, *, slug="ridipingiamo-la-scuola", state=Activity.State.OPEN, themes=(), **fields):
    """An open activity of ``world``'s city, hosted by its third-sector body."""
    fields = {
        "title": "Ridipingiamo la scuola",
        "description": "Una giornata per ridipingere le aule della scuola di via Polesine.",
        "host": world.third_sector,
        "place": "Via Polesine 12, Milano",
        "lat": 45.4403,
        "lon": 9.2235,
        **fields,
    }
    activity = Activity.objects.create(city=world.city, slug=slug, state=state, **fields)
    if state == Activity.State.OPEN:
        activity.published_at = timezone.now()
        activity.save(update_fields=["published_at"])
    activity.themes.set(themes)
    return activity


def a_slot(activity, *, days=7, hours=4, capacity=10, **fields):
    """A slot of ``activity`` starting at 9:00 in ``days`` days, ``hours`` long."""
    start = (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
    fields = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=hours), "capacity": capacity, **fields}
    return Slot.objects.create(city=activity.city, activity=activity, **fields)


def a_registration(slot, user, *, state=Registration.State.REGISTERED, **fields):
    """``user`` registered on ``slot`` (the slot's counters kept)."""
    registration = Registration.objects.create(city=slot.city, slot=slot, user=user, state=state, **fields)
    if state in Registration.HOLDING:
        Slot.objects.filter(pk=slot.pk).update(taken=slot.taken + 1)
        slot.taken += 1
    elif state == Registration.State.WAITLISTED:
        Slot.objects.filter(pk=slot.pk).update(waiting=slot.waiting + 1)
        slot.waiting += 1
    return registration
