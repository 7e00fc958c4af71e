"""Sign-up through the services: places, the waiting list and its order, refusals that write
nothing (in the reader's language), reviewed registrations, teams, series across a change of
summer time, and the host's cancellation telling everyone."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.core.models import AuditEvent, Notification
from cities4csr.organisations.tests.factories import member_of
from cities4csr.volunteering import services
from cities4csr.volunteering.models import Activity, Registration, Slot
from cities4csr.volunteering.tests.factories import a_slot, an_activity

R = Registration.State


@pytest.fixture(autouse=True)
def _an_empty_queue(db):
    """The queue as this test leaves it: the demo's jobs (its registrations' reminders, loaded
    once per worker by another test) are not this test's. Rolled back with the test."""
    DBTaskResult.objects.all().delete()


def open_activity(world, *, capacity=2, **fields):
    """An activity made and opened through the services by its host's representative, one slot."""
    host = world.third_sector_representative
    activity = services.activity_create(
        actor=host,
        city=world.city,
        title=fields.pop("title", "Ridipingiamo la scuola"),
        description="Una giornata per ridipingere le aule.",
        host=world.third_sector,
        lat=45.4403,
        lon=9.2235,
        **fields,
    )
    start = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    (slot,) = services.slots_add(
        actor=host, activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=4), capacity=capacity
    )
    services.activity_transition(actor=host, activity=activity, to=Activity.State.OPEN)
    return activity, slot


def people(n):
    return [UserFactory() for _ in range(n)]


def queued_notifications():
    return [
        q.args_kwargs["kwargs"]
        for q in DBTaskResult.objects.filter(task_path__endswith="send_notification").order_by("enqueued_at", "id")
    ]


def test_places_then_the_waiting_list_in_arrival_order(world):
    _activity, slot = open_activity(world, capacity=2)
    a, b, c, d = people(4)
    states = [services.registration_create(actor=p, slot=slot).state for p in (a, b, c, d)]
    assert states == [R.REGISTERED, R.REGISTERED, R.WAITLISTED, R.WAITLISTED]
    slot.refresh_from_db()
    assert (slot.taken, slot.waiting) == (2, 2)
    assert AuditEvent.objects.filter(verb="registration.create").count() == 4


def test_a_withdrawal_promotes_the_first_waiting_and_tells_them(world, django_capture_on_commit_callbacks):
    _activity, slot = open_activity(world, capacity=1)
    a, b, c = people(3)
    first = services.registration_create(actor=a, slot=slot)
    waiting_b = services.registration_create(actor=b, slot=slot)
    waiting_c = services.registration_create(actor=c, slot=slot)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_withdraw(actor=a, registration=first)
    states = dict(Registration.objects.filter(slot=slot).values_list("user_id", "state"))
    assert states == {a.pk: R.WITHDRAWN, b.pk: R.REGISTERED, c.pk: R.WAITLISTED}
    slot.refresh_from_db()
    assert (slot.taken, slot.waiting) == (1, 1)
    assert AuditEvent.objects.filter(verb="registration.promote", object_id=str(waiting_b.pk), actor=None).exists()
    (told,) = queued_notifications()
    assert told["user_ids"] == [b.pk] and told["template"] == "volunteering_registration"
    # the message reads in the person's language
    b.preferred_language = "it"
    b.save()
    from cities4csr.core.tasks import send_notification

    send_notification.call(**told)
    note = Notification.objects.get(user=b)
    assert "Ridipingiamo la scuola" in note.subject and "posto" in note.subject.lower()
    # a withdrawal from the waiting list frees no place
    services.registration_withdraw(actor=c, registration=waiting_c)
    slot.refresh_from_db()
    assert (slot.taken, slot.waiting) == (1, 0)


def _nothing_written(slot, before_audit):
    slot_now = Slot.objects.get(pk=slot.pk)
    return (slot_now.taken, slot_now.waiting, AuditEvent.objects.count()) == (slot.taken, slot.waiting, before_audit)


@pytest.mark.parametrize(
    "case, code, english, italian",
    [
        ("full", "full", "This slot is full.", "Questo turno è al completo."),
        (
            "deadline",
            "deadline_passed",
            "Sign-up for this slot has closed.",
            "Le iscrizioni a questo turno sono chiuse.",
        ),
        ("young", "too_young", "aged 16 or more", "dai 16 anni in su"),
        ("no_birth_date", "birth_date_required", "give your date of birth", "la tua data di nascita"),
        ("twice", "already_signed_up", "You are already signed up", "Sei già iscritto"),
        ("cancelled", "slot_cancelled", "This slot has been cancelled.", "Questo turno è stato annullato."),
        ("closed", "not_open", "not open for sign-up", "non è aperta alle iscrizioni"),
    ],
)
def test_a_bad_sign_up_says_why_and_writes_nothing(world, case, code, english, italian):
    activity, slot = open_activity(world, capacity=1, minimum_age=16, waitlist=(case != "full"))
    person = UserFactory()
    birth_date = datetime.date(1990, 1, 1)
    if case == "full":
        services.registration_create(actor=UserFactory(), slot=slot, birth_date=birth_date)
    elif case == "deadline":
        Slot.objects.filter(pk=slot.pk).update(registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    elif case == "young":
        birth_date = timezone.localdate() - datetime.timedelta(days=365 * 15)
    elif case == "no_birth_date":
        birth_date = None
    elif case == "twice":
        services.registration_create(actor=person, slot=slot, birth_date=birth_date)
    elif case == "cancelled":
        services.slot_cancel(actor=world.third_sector_representative, slot=slot, reason="Pioggia")
    elif case == "closed":
        services.activity_transition(actor=world.third_sector_representative, activity=activity, to="closed")
    slot.refresh_from_db()
    registrations = Registration.objects.count()
    audit = AuditEvent.objects.count()
    for language, words in (("en", english), ("it", italian)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            services.registration_create(actor=person, slot=slot, birth_date=birth_date)
        error = refused.value
        codes = (
            [e.code for e in error.error_list]
            if not hasattr(error, "error_dict")
            else [e.code for errors in error.error_dict.values() for e in errors]
        )
        assert codes == [code]
        assert words in " ".join(error.messages)
    assert Registration.objects.count() == registrations
    assert _nothing_written(slot, audit)


def test_the_database_refuses_a_second_active_registration(world):
    """A double click that slips past the check: the constraint holds (and the service says so)."""
    _activity, slot = open_activity(world)
    person = UserFactory()
    services.registration_create(actor=person, slot=slot)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(city=world.city, slot=slot, user=person, state=R.WAITLISTED)


def test_a_reviewed_activity_asks_the_host_who_accepts_or_declines(world, django_capture_on_commit_callbacks):
    _activity, slot = open_activity(world, capacity=1, reviewed=True)
    a, b, c = people(3)
    ra, rb, rc = (services.registration_create(actor=p, slot=slot) for p in (a, b, c))
    assert {ra.state, rb.state, rc.state} == {R.REQUESTED}
    slot.refresh_from_db()
    assert (slot.taken, slot.waiting) == (0, 0)
    host = world.third_sector_representative
    with pytest.raises(PermissionDenied):
        services.registration_review(actor=world.representative, registration=ra, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_review(actor=host, registration=ra, accept=True).state == R.REGISTERED
        assert services.registration_review(actor=host, registration=rb, accept=True).state == R.WAITLISTED
    with pytest.raises(ValidationError) as refused:
        services.registration_review(actor=host, registration=rc, accept=False)
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    assert services.registration_review(actor=host, registration=rc, accept=False, reason="Troppi").state == R.DECLINED
    slot.refresh_from_db()
    assert (slot.taken, slot.waiting) == (1, 1)
    assert [n["user_ids"] for n in queued_notifications()] == [[a.pk], [b.pk]]


def test_a_company_representative_opens_a_team_and_employees_join_by_its_code(world):
    _activity, slot = open_activity(world, capacity=5)
    team = services.team_open(
        actor=world.representative, slot=slot, company=world.company, name="Squadra blu", captain=world.member
    )
    assert len(team.invite_code) == 8
    second = member_of(world.company)
    joined = [services.team_join(actor=p, code=team.invite_code.lower()) for p in (world.member, second)]
    assert [(r.state, r.team_id, r.company_id) for r in joined] == [(R.REGISTERED, team.pk, world.company.pk)] * 2
    slot.refresh_from_db()
    assert slot.taken == 2
    # someone from outside the company cannot join, a wrong code finds nothing
    with pytest.raises(ValidationError) as refused:
        services.team_join(actor=world.resident, code=team.invite_code)
    assert refused.value.error_dict["code"][0].code == "not_member"
    with pytest.raises(ValidationError) as refused:
        services.team_join(actor=world.member, code="NOPE2345")
    assert refused.value.error_dict["code"][0].code == "unknown_code"


@pytest.mark.parametrize("who", ["member", "other_representative", "resident", "third_sector_representative"])
def test_only_the_company_representative_opens_its_team(world, who):
    _activity, slot = open_activity(world)
    with pytest.raises(PermissionDenied):
        services.team_open(actor=getattr(world, who), slot=slot, company=world.company, name="Squadra")
    assert not AuditEvent.objects.filter(verb="team.open").exists()


def test_an_individual_counts_for_the_company_only_on_its_own_day(world):
    _activity, slot = open_activity(world, capacity=5, company=world.company, slug="giornata-impresa")
    _other, other_slot = open_activity(world, capacity=5, slug="aperta-a-tutti")
    assert services.registration_create(actor=world.member, slot=slot).company == world.company
    assert services.registration_create(actor=world.resident, slot=slot).company is None
    assert services.registration_create(actor=world.member, slot=other_slot).company is None


def test_weekly_slots_keep_nine_o_clock_across_the_change_of_time(world):
    """Rome leaves summer time on 31 October 2027: 9:00 stays 9:00 (7:00 UTC, then 8:00 UTC)."""
    activity = an_activity(world, state=Activity.State.DRAFT)
    rome = zoneinfo.ZoneInfo(world.city.timezone)
    start = datetime.datetime(2027, 10, 14, 9, 0, tzinfo=rome)  # Thursday; Rome changes on 31 October 2027
    slots = services.slots_add(
        actor=world.officer,
        activity=activity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        capacity=8,
        registration_deadline=start - datetime.timedelta(days=1),
        frequency="weekly",
        count=4,
    )
    assert [timezone.localtime(s.starts_at, rome).strftime("%d %H:%M") for s in slots] == [
        "14 09:00",
        "21 09:00",
        "28 09:00",
        "04 09:00",
    ]
    utc_hours = [s.starts_at.astimezone(datetime.UTC).hour for s in slots]
    assert utc_hours == [7, 7, 7, 8]
    assert all(timezone.localtime(s.ends_at, rome).hour == 12 for s in slots)
    assert all(s.starts_at - s.registration_deadline == datetime.timedelta(days=1) for s in slots)
    (series,) = activity.series.all()
    assert {s.series_id for s in slots} == {series.pk} and series.count == 4


def test_a_monthly_series_until_a_date_and_its_cap(world):
    activity = an_activity(world, state=Activity.State.DRAFT)
    start = datetime.datetime(2027, 1, 10, 18, 0, tzinfo=zoneinfo.ZoneInfo(world.city.timezone))
    monthly = services.slots_add(
        actor=world.officer,
        activity=activity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=3,
        frequency="monthly",
        until=datetime.date(2027, 6, 30),
    )
    assert len(monthly) == 6
    weekly = services.slots_add(
        actor=world.officer,
        activity=activity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=3,
        frequency="weekly",
        count=500,
    )
    assert len(weekly) == services.SERIES_MAX


def test_the_host_cancelling_the_activity_tells_everyone_signed_up_or_waiting(
    world, django_capture_on_commit_callbacks
):
    activity, slot = open_activity(world, capacity=1)
    a, b = people(2)
    services.registration_create(actor=a, slot=slot)
    services.registration_create(actor=b, slot=slot)
    second = a_slot(activity, days=14)
    c = UserFactory()
    services.registration_create(actor=c, slot=second)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_transition(
            actor=world.third_sector_representative, activity=activity, to=Activity.State.CANCELLED, reason="Lavori"
        )
    assert set(Registration.objects.values_list("state", flat=True)) == {R.CANCELLED}
    assert set(Slot.objects.filter(activity=activity).values_list("state", flat=True)) == {Slot.State.CANCELLED}
    told = {user_id for n in queued_notifications() for user_id in n["user_ids"]}
    assert told == {a.pk, b.pk, c.pk}
    assert AuditEvent.objects.filter(verb="registration.cancel").count() == 3


@pytest.mark.parametrize(
    "who, allowed",
    [("third_sector_representative", True), ("officer", True), ("representative", False), ("resident", False)],
)
def test_who_may_create_an_activity(world, who, allowed):
    actor = getattr(world, who)

    def create():
        return services.activity_create(
            actor=actor, city=world.city, title="Orti", description="Curare gli orti.", host=world.third_sector
        )

    if allowed:
        assert create().state == Activity.State.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            create()


def test_an_activity_finds_its_neighbourhood_and_a_company_cannot_host(world):
    activity, _slot = open_activity(world)
    assert activity.area is not None and activity.area.kind == world.city.settings.primary_area_kind
    with pytest.raises(ValidationError) as refused:
        services.activity_create(actor=world.officer, city=world.city, title="X", description="Y", host=world.company)
    assert refused.value.error_dict["host"][0].code == "host_giver"
