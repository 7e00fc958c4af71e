"""Reminders: queued for a day before the slot when a registration becomes "registered", sent
once at run time, and only to someone still coming to a slot that still happens."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from cities4csr.core.models import Notification
from cities4csr.volunteering import services
from cities4csr.volunteering.models import Registration, Slot
from cities4csr.volunteering.tasks import registration_remind, slot_attendance_close
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _an_empty_queue(db):
    """The queue as this test leaves it: the demo's jobs (its registrations' reminders, loaded
    once per worker by another test) are not this test's. Rolled back with the test."""
    DBTaskResult.objects.all().delete()


ROME = ZoneInfo("Europe/Rome")
NOW = datetime.datetime(2027, 3, 8, 18, 0, tzinfo=ROME)
START = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=ROME)


@pytest.fixture
def slot(world):
    return a_slot(an_activity(world), starts_at=START, ends_at=START + datetime.timedelta(hours=4))


def queued(task_name, **kwargs):
    """The jobs of ``task_name`` queued with these keyword arguments (among others): other tests'
    committed jobs (a transactional test's) are not this test's."""
    jobs = DBTaskResult.objects.filter(task_path__endswith=task_name).order_by("enqueued_at", "pk")
    return [job for job in jobs if kwargs.items() <= job.args_kwargs["kwargs"].items()]


def sign_up(slot, user, django_capture_on_commit_callbacks, **fields):
    """A registration made "registered", with its reminder queued as the sign-up services do."""
    with django_capture_on_commit_callbacks(execute=True):
        registration = a_registration(slot, user, **fields)
        services.registration_reminder_queue(registration)
    return registration


def test_the_reminder_is_queued_for_a_day_before_the_start(world, slot, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        registration = sign_up(slot, world.resident, django_capture_on_commit_callbacks)
    (job,) = queued("registration_remind")
    assert job.run_after == START - datetime.timedelta(hours=24)
    assert job.args_kwargs["kwargs"] == {"registration_id": registration.pk}


def test_a_sign_up_the_day_before_is_reminded_at_once_and_none_after_the_start(
    world, slot, django_capture_on_commit_callbacks
):
    late = START - datetime.timedelta(hours=3)
    with time_machine.travel(late, tick=False):
        sign_up(slot, world.resident, django_capture_on_commit_callbacks)
    (job,) = queued("registration_remind")
    assert job.run_after == late
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        sign_up(slot, world.member, django_capture_on_commit_callbacks)
    assert len(queued("registration_remind")) == 1


def test_the_reminder_is_sent_once(world, slot, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        registration = sign_up(slot, world.resident, django_capture_on_commit_callbacks)
    with time_machine.travel(START - datetime.timedelta(hours=24), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert registration_remind.call(registration_id=registration.pk) == "sent"
        with django_capture_on_commit_callbacks(execute=True):
            assert registration_remind.call(registration_id=registration.pk) == "already"
    (job,) = queued("send_notification", template="volunteering_reminder")
    job.task.call(**job.args_kwargs["kwargs"])
    (note,) = Notification.objects.filter(user=world.resident)
    assert "Ridipingiamo la scuola" in note.subject and "09:00" in note.subject
    registration.refresh_from_db()
    assert registration.reminded_at == START - datetime.timedelta(hours=24)


def test_no_reminder_after_a_withdrawal_or_a_cancelled_slot(world, slot, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        gone = sign_up(slot, world.resident, django_capture_on_commit_callbacks)
        staying = sign_up(slot, world.member, django_capture_on_commit_callbacks)
    Registration.objects.filter(pk=gone.pk).update(state=Registration.State.WITHDRAWN)
    with time_machine.travel(START - datetime.timedelta(hours=24), tick=False):
        assert registration_remind.call(registration_id=gone.pk) == "not_registered"
        Slot.objects.filter(pk=slot.pk).update(state=Slot.State.CANCELLED)
        assert registration_remind.call(registration_id=staying.pk) == "cancelled"
    assert not queued("send_notification", template="volunteering_reminder")


def test_the_job_after_the_slot_marks_no_shows(world, slot, django_capture_on_commit_callbacks):
    registration = a_registration(slot, world.resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_attendance_queue(slot)
    (job,) = queued("slot_attendance_close")
    assert job.run_after == slot.ends_at
    with time_machine.travel(START, tick=False):
        assert slot_attendance_close.call(slot_id=slot.pk) == 0  # not over yet: nothing
    with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=1), tick=False):
        assert slot_attendance_close.call(slot_id=slot.pk) == 1
    registration.refresh_from_db()
    assert registration.state == Registration.State.NO_SHOW


def test_the_daily_housekeeping_queues_the_slots_left_open(world, slot):
    from io import StringIO

    from django.core.management import call_command

    a_registration(slot, world.resident)
    done = a_slot(
        slot.activity, starts_at=START + datetime.timedelta(days=1), ends_at=START + datetime.timedelta(days=1, hours=2)
    )
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        out = StringIO()
        call_command("close_volunteering_slots", stdout=out)
    assert "1 slot(s) queued" in out.getvalue()  # the slot without anyone registered is left alone
    (job,) = queued("slot_attendance_close")
    assert job.args_kwargs["kwargs"] == {"slot_id": slot.pk} and done.pk != slot.pk


def test_the_sign_up_services_queue_the_reminder_for_a_place_and_a_promotion(
    world, slot, django_capture_on_commit_callbacks
):
    """Through the services: a place taken queues the reminder, a place on the waiting list does
    not, and the promotion that follows a withdrawal queues the promoted person's."""
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    slot.refresh_from_db()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(actor=world.resident, slot=slot)
        second = services.registration_create(actor=world.member, slot=slot)
    assert (first.state, second.state) == (Registration.State.REGISTERED, Registration.State.WAITLISTED)
    assert [job.args_kwargs["kwargs"]["registration_id"] for job in queued("registration_remind")] == [first.pk]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.registration_withdraw(actor=world.resident, registration=first)
    jobs = queued("registration_remind", registration_id=second.pk)
    assert len(jobs) == 1 and jobs[0].run_after == START - datetime.timedelta(hours=24)


def test_adding_a_slot_queues_the_closing_of_its_attendance(world, django_capture_on_commit_callbacks):
    activity = an_activity(world, slug="orto")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        (new,) = services.slots_add(
            actor=world.third_sector_representative,
            activity=activity,
            starts_at=START,
            ends_at=START + datetime.timedelta(hours=3),
            capacity=5,
        )
    (job,) = queued("slot_attendance_close", slot_id=new.pk)
    assert job.run_after == new.ends_at
