"""Background jobs of volunteering (django-tasks on the database; ``manage.py db_worker`` runs
them): the reminder a day before a slot, and closing a slot's attendance once it is over."""

from django_scopes import scope
from django_tasks import task


@task()
def registration_remind(*, registration_id: int) -> str:
    """Remind a registered person of their slot (queued for a day before its start). Sends
    nothing when the person withdrew, the slot was cancelled or has started, or the reminder
    went already. Returns what it did."""
    from .models import Registration
    from .services import registration_reminder_send

    registration = Registration.objects.with_scopes_disabled().filter(pk=registration_id).first()
    if registration is None:
        return "gone"
    with scope(city=registration.city_id):
        return registration_reminder_send(registration=registration)


@task()
def slot_attendance_close(*, slot_id: int) -> int:
    """Once a slot is over, mark who did not come and give hours to who never checked out
    (``services.slot_no_shows_mark``). Returns how many were marked absent."""
    from django.utils import timezone

    from .models import Slot
    from .services import slot_no_shows_mark

    slot = Slot.objects.with_scopes_disabled().select_related("activity", "city").filter(pk=slot_id).first()
    if slot is None or slot.state == Slot.State.CANCELLED or slot.ends_at > timezone.now():
        return 0
    with scope(city=slot.city_id):
        return slot_no_shows_mark(actor=None, slot=slot)
