"""Writes of volunteering (ADR 0033): activities and their slots, sign-up and the waiting list,
teams, attendance and hours. Each service checks who may act, runs in a transaction, audits, and
sends messages or queues reminders after commit.

Sign-up and the waiting list are safe under concurrency: every change of a slot's places (a
sign-up, a withdrawal, a review, a cancellation) first locks the slot's row, then counts with the
slot's ``taken`` and ``waiting`` counters, which only these services change under that lock. So
of fifty people signing up at once for ten places, the first ten to take the lock are registered
and the others wait in the order they took it (their registrations' ``pk``); a freed place goes
to the first person waiting (the lowest ``pk``), through the registration's lifecycle ("promote",
by the system), and they are told.

Whose hours a registration records (``Registration.company``): a team member's are their team's
company's; a person signing up on their own volunteers for nobody but themselves, except on a
company's own volunteering day (``Activity.company``) when they are a member of that company:
then it is that company's time, and the company confirms their hours.
"""

from __future__ import annotations

import datetime
import hmac
import itertools
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cities4csr.cities.selectors import areas_locate
from cities4csr.core.lifecycle import effect, transition_apply
from cities4csr.core.notifications import notify
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.ledger.models import Account, Motivation, ReasonCode, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.selectors import group_of_source
from cities4csr.ledger.services import Leg, group_post, group_reverse
from cities4csr.needs.models import Need, ResourceLine
from cities4csr.needs.services import need_refresh_totals
from cities4csr.offers.models import CsrProfile
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.rules import is_org_representative

from .models import Activity, CalendarFeed, HoursEntry, Registration, Series, Slot, Team, _token
from .rules import GIVERS
from .states import activity_roles, hours_roles, registration_roles

R = Registration.State

ACTIVITY_FIELDS = (
    "slug",
    "title",
    "description",
    "translations",
    "kind",
    "need",
    "line",
    "host",
    "company",
    "skills",
    "place",
    "lat",
    "lon",
    "family_friendly",
    "accessibility",
    "minimum_age",
    "safety_briefing",
    "insurance_note",
    "reviewed",
    "waitlist",
    "preparation_minutes",
    "deadline",
)
#: the most slots one series makes (two years of weekly slots)
SERIES_MAX = 104
#: the years a slot may fall in (a typing slip, not a plan, beyond them)
YEARS = (2000, 2100)


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _out_of_range() -> str:
    return _("Give a date between %(first)d and %(last)d.") % {"first": YEARS[0], "last": YEARS[1]}


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("volunteering.sign_up")


def _page_url(city, name: str = "volunteering_me", **kwargs) -> str:
    """A page of the volunteering app for a message's link (the pages may not exist yet)."""
    try:
        return reverse(name, kwargs={"city_slug": city.slug, **kwargs})
    except NoReverseMatch:
        return ""


# -- activities ----------------------------------------------------------------------------------


def _locate(activity: Activity) -> None:
    """The activity's place resolved to its neighbourhood (the city's primary area kind). A point
    outside every neighbourhood (a park beyond the city line) leaves it without one."""
    activity.area = None
    if activity.lat is not None and activity.lon is not None:
        found = {a.kind: a for a in areas_locate(city=activity.city, lon=activity.lon, lat=activity.lat)}
        activity.area = found.get(activity.city.settings.primary_area_kind)


def _same_city(obj, city, field: str) -> None:
    if obj is not None and obj.city_id != city.pk:
        raise _invalid(field, _("Choose one of this city's."), "other_city")


def _activity_check(activity: Activity) -> None:
    city = activity.city
    for name in ("need", "line", "host", "company"):
        _same_city(getattr(activity, name), city, name)
    if activity.host.kind in GIVERS:
        raise _invalid(
            "host",
            _("The host is a city department or a non-profit body, not a company or a foundation."),
            "host_giver",
        )
    if activity.company is not None and activity.company.kind != Organisation.Kind.COMPANY:
        raise _invalid("company", _("Choose a company."), "not_a_company")
    if activity.line is not None and activity.line.need_id != getattr(activity.need, "pk", None):
        raise _invalid("line", _("Choose a line of the activity's need."), "line_of_other_need")
    if activity.kind == Activity.Kind.FLEXIBLE and activity.deadline is None:
        raise _invalid("deadline", _("A flexible task has a deadline."), "deadline_required")
    if (activity.lat is None) != (activity.lon is None):
        raise _invalid("lat", _("Give both the latitude and the longitude, or neither."), "half_point")
    _locate(activity)
    activity.full_clean(
        exclude=["city", "need", "line", "host", "company", "area", "created_by"], validate_unique=False
    )


def _slug_free(city, title: str) -> str:
    base = slugify(title)[:70] or "activity"
    taken = set(
        Activity.objects.with_scopes_disabled()
        .filter(city=city, slug__startswith=base)
        .values_list("slug", flat=True)
        .order_by()
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def activity_create(*, actor, city, themes=(), **fields) -> Activity:
    """A draft activity of ``city``, hosted by ``host`` (the actor is one of its people, or one of
    the city's officers). Its place is resolved to its neighbourhood; ``slug`` defaults to the
    title's."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    host = fields.get("host")
    if host is None:
        raise _invalid("host", _("Say who hosts the activity."), "required")
    require(actor, "volunteering.add_activity", host)
    activity = Activity(city=city, created_by=person(actor), **fields)
    activity.state = Activity.State.DRAFT
    if not activity.slug:
        activity.slug = _slug_free(city, activity.title)
    elif Activity.objects.with_scopes_disabled().filter(city=city, slug=activity.slug).exists():
        raise _invalid("slug", _("This city already has an activity with this short name."), "slug_taken")
    _activity_check(activity)
    for theme in themes:
        _same_city(theme, city, "themes")
    with transaction.atomic():
        activity.save()
        activity.themes.set(themes)
        audit_log(actor=actor, city=city, verb="activity.create", obj=activity, payload={"title": activity.title})
    return activity


def activity_update(*, actor, activity: Activity, themes=None, **fields) -> Activity:
    """Change an activity's description, place, rules… (its host's people or the city's officers).
    Its state changes only through ``activity_transition``."""
    require(actor, "volunteering.change_activity", activity)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Activity.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=activity.pk)
        if "host" in fields and fields["host"] != locked.host and not actor_may_host(actor, fields["host"]):
            raise PermissionDenied("volunteering.add_activity")
        if (
            "slug" in fields
            and fields["slug"] != locked.slug
            and Activity.objects.with_scopes_disabled().filter(city=locked.city, slug=fields["slug"]).exists()
        ):
            raise _invalid("slug", _("This city already has an activity with this short name."), "slug_taken")
        changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
        for name, value in fields.items():
            setattr(locked, name, value)
        _activity_check(locked)
        locked.save()
        if themes is not None:
            for theme in themes:
                _same_city(theme, locked.city, "themes")
            locked.themes.set(themes)
            changed.append("themes")
        audit_log(actor=actor, city=locked.city, verb="activity.update", obj=locked, payload={"changed": changed})
    return locked


def actor_may_host(actor, organisation) -> bool:
    return actor is None or actor.has_perm("volunteering.add_activity", organisation)


def activity_transition(*, actor, activity: Activity, to: str, reason: str = "") -> Activity:
    """Open an activity for sign-up, close it, or cancel it with a reason: then every slot is
    cancelled and everyone signed up or waiting is told."""
    with transaction.atomic():
        if to == Activity.State.OPEN and not activity.slots.exclude(state=Slot.State.CANCELLED).exists():
            raise ValidationError(_("Add at least one slot before opening the activity."), code="no_slots")
        activity = transition_apply(actor=actor, obj=activity, to=to, reason=reason)
        if to == Activity.State.CANCELLED:
            for slot in activity.slots.filter(state=Slot.State.SCHEDULED).order_by("pk"):
                _slot_cancel(actor=actor, slot=slot, reason=reason, activity=activity)
    return activity


# -- slots ---------------------------------------------------------------------------------------


def _occurrences(*, city, starts_at, frequency: str, count: int | None, until) -> list[datetime.datetime]:
    """The start times of a series, at the same wall-clock time in the city's time zone (9:00
    stays 9:00 across a change to or from summer time)."""
    zone = ZoneInfo(city.timezone)
    local = timezone.localtime(starts_at, zone).replace(tzinfo=None)
    limit = SERIES_MAX if count is None else min(count, SERIES_MAX)
    every = WEEKLY if frequency == Series.Frequency.WEEKLY else MONTHLY
    if until is None:
        rule = rrule(every, dtstart=local, count=limit)
    else:  # a count and a date together: the first of the two that comes (RFC 5545 takes one)
        rule = rrule(every, dtstart=local, until=datetime.datetime.combine(until, datetime.time.max))
    return [moment.replace(tzinfo=zone) for moment in itertools.islice(rule, limit)]


def slots_add(
    *,
    actor,
    activity: Activity,
    starts_at,
    ends_at,
    capacity: int,
    registration_deadline=None,
    frequency: str = "",
    count: int | None = None,
    until=None,
) -> list[Slot]:
    """Add one slot to an activity, or a series of them (``frequency`` weekly or monthly, ``count``
    times or ``until`` a date; at most ``SERIES_MAX``). Each slot of a series keeps the first one's
    length and the same distance between its sign-up deadline and its start."""
    require(actor, "volunteering.change_activity", activity)
    if activity.state == Activity.State.CANCELLED:
        raise ValidationError(_("This activity is cancelled."), code="activity_cancelled")
    for name, value in (
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("registration_deadline", registration_deadline),
    ):
        if value is None and name == "registration_deadline":
            continue
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise _invalid(name, _("Give a date and time."), "invalid")
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise _invalid(
                name,
                _out_of_range(),
                "out_of_range",
            )
    if until is not None and not YEARS[0] <= until.year <= YEARS[1]:
        raise _invalid(
            "until",
            _out_of_range(),
            "out_of_range",
        )
    if ends_at <= starts_at:
        raise _invalid("ends_at", _("A slot ends after it starts."), "ends_before_start")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise _invalid("capacity", _("A slot has at least one place."), "capacity")
    if registration_deadline is not None and registration_deadline > starts_at:
        raise _invalid("registration_deadline", _("Sign-up closes before the slot starts."), "deadline_after_start")
    series = None
    starts = [starts_at]
    if frequency:
        if frequency not in Series.Frequency.values:
            raise _invalid("frequency", _("Choose every week or every month."), "invalid")
        if count is None and until is None:
            raise _invalid("count", _("Say how many times the slot repeats, or until when."), "series_ends")
        if count is not None and count < 1:
            raise _invalid("count", _("Give a number of at least 1."), "invalid")
        starts = _occurrences(city=activity.city, starts_at=starts_at, frequency=frequency, count=count, until=until)
        if not starts:
            raise _invalid("until", _("The series ends before its first slot."), "series_empty")
    length = ends_at - starts_at
    lead = None if registration_deadline is None else starts_at - registration_deadline
    with transaction.atomic():
        if frequency:
            series = Series.objects.create(
                city=activity.city, activity=activity, frequency=frequency, count=count, until=until
            )
        slots = []
        for start in starts:
            slot = Slot(
                city=activity.city,
                activity=activity,
                series=series,
                starts_at=start,
                ends_at=start + length,
                capacity=capacity,
                registration_deadline=None if lead is None else start - lead,
            )
            slot.save()
            slot_attendance_queue(slot)  # attendance closes when it ends
            slots.append(slot)
        audit_log(
            actor=actor,
            city=activity.city,
            verb="slots.add",
            obj=activity,
            payload={"slots": [s.pk for s in slots], "frequency": frequency, "capacity": capacity},
        )
    return slots


def _slot_lock(slot_or_pk) -> Slot:
    """The slot's row, locked until the transaction ends: every change of its places holds it."""
    pk = getattr(slot_or_pk, "pk", slot_or_pk)
    return Slot.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=pk)


def _slot_cancel(*, actor, slot: Slot, reason: str, activity: Activity) -> Slot:
    locked = _slot_lock(slot)
    if locked.state == Slot.State.CANCELLED:
        return locked
    told = []
    for registration in locked.registrations.filter(state__in=[R.REQUESTED, R.REGISTERED, R.WAITLISTED]).order_by("pk"):
        # the system cancels them: the host's people may not hold a role on every registration
        transition_apply(actor=None, obj=registration, to=R.CANCELLED, reason=reason)
        told.append(registration.user)
    locked.state = Slot.State.CANCELLED
    locked.cancelled_reason = reason
    locked.taken = locked.waiting = 0
    locked.save(update_fields=["state", "cancelled_reason", "taken", "waiting", "updated_at"])
    audit_log(actor=actor, city=locked.city, verb="slot.cancel", obj=locked, payload={"reason": reason})
    _tell(told, slot=locked, activity=activity, event="cancelled", reason=reason)
    return locked


def slot_cancel(*, actor, slot: Slot, reason: str) -> Slot:
    """Cancel a slot: every registration on it is cancelled and everyone is told."""
    activity = slot.activity
    require(actor, "volunteering.change_activity", activity)
    if not reason.strip():
        raise _invalid("reason", _("Say why."), "reason_required")
    with transaction.atomic():
        return _slot_cancel(actor=actor, slot=slot, reason=reason, activity=activity)


def _tell(users, *, slot: Slot, activity: Activity, event: str, reason: str = "") -> None:
    local = timezone.localtime(slot.starts_at, ZoneInfo(slot.city.timezone))
    notify(
        users=users,
        city=slot.city,
        template="volunteering_registration",
        context={
            "event": event,
            "title": activity.title,
            "starts_on": local.date().isoformat(),  # shown as the reader writes dates
            "starts_time": local.strftime("%H:%M"),
            "reason": reason,
            "url": _page_url(slot.city, "volunteering_activity", slug=activity.slug),
        },
    )


# -- sign-up -------------------------------------------------------------------------------------


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _signup_check(*, actor, slot: Slot, activity: Activity, birth_date) -> None:
    """Refuse a sign-up that cannot be taken: the slot cancelled, the activity not open, sign-up
    closed, too young, signed up already. Run under the slot's lock."""
    if slot.state == Slot.State.CANCELLED:
        raise ValidationError(_("This slot has been cancelled."), code="slot_cancelled")
    if activity.state != Activity.State.OPEN:
        raise ValidationError(_("This activity is not open for sign-up."), code="not_open")
    closes = slot.registration_deadline or (slot.ends_at if activity.kind == Activity.Kind.FLEXIBLE else slot.starts_at)
    if timezone.now() >= closes:
        raise ValidationError(_("Sign-up for this slot has closed."), code="deadline_passed")
    if activity.minimum_age:
        if birth_date is None:
            raise _invalid(
                "birth_date",
                _("This activity has a minimum age: give your date of birth (it is not kept)."),
                "birth_date_required",
            )
        day = timezone.localtime(slot.starts_at, ZoneInfo(slot.city.timezone)).date()
        if _age_on(birth_date, day) < activity.minimum_age:
            raise _invalid(
                "birth_date",
                _("This activity is for people aged %(age)d or more on the day.") % {"age": activity.minimum_age},
                "too_young",
            )
    if slot.registrations.filter(user=actor, state__in=Registration.ACTIVE).exists():
        raise ValidationError(_("You are already signed up for this slot."), code="already_signed_up")


def _place(slot: Slot, activity: Activity) -> str:
    """The state a new (or accepted) registration takes on the locked ``slot``, counting it."""
    if slot.taken < slot.capacity:
        slot.taken += 1
        return R.REGISTERED
    if activity.waitlist:
        slot.waiting += 1
        return R.WAITLISTED
    raise ValidationError(_("This slot is full."), code="full")


def _full_without_waitlist(slot: Slot, activity: Activity) -> bool:
    return slot.taken >= slot.capacity and not activity.waitlist


def _company_for(actor, activity: Activity, team: Team | None):
    if team is not None:
        return team.company
    if (
        activity.company_id is not None
        and Membership.objects.with_scopes_disabled().filter(organisation=activity.company, user=actor).exists()
    ):
        return activity.company
    return None


def _register(*, actor, slot: Slot, birth_date, note: str, team: Team | None) -> Registration:
    """Sign ``actor`` up on ``slot``; inside the caller's transaction. ``birth_date`` is only
    checked, never stored."""
    _signed_in(actor)
    if (
        team is not None
        and not Membership.objects.with_scopes_disabled().filter(organisation=team.company_id, user=actor).exists()
    ):
        raise _invalid(
            "code", _("This team is for the people of %(company)s.") % {"company": team.company}, "not_member"
        )
    locked = _slot_lock(slot)
    activity = Activity.objects.with_scopes_disabled().get(pk=locked.activity_id)  # read after the lock
    _signup_check(actor=actor, slot=locked, activity=activity, birth_date=birth_date)
    if activity.reviewed:
        if _full_without_waitlist(locked, activity):
            raise ValidationError(_("This slot is full."), code="full")
        state = R.REQUESTED
    else:
        state = _place(locked, activity)
    registration = Registration(
        city=locked.city,
        slot=locked,
        user=actor,
        team=team,
        company=_company_for(actor, activity, team),
        state=state,
        note=note,
    )
    try:
        with transaction.atomic():  # the constraint backs the check above against a double click
            registration.save()
    except IntegrityError:
        raise ValidationError(_("You are already signed up for this slot."), code="already_signed_up") from None
    locked.save(update_fields=["taken", "waiting", "updated_at"])
    audit_log(
        actor=actor,
        city=locked.city,
        verb="registration.create",
        obj=registration,
        payload={"state": state, "slot": locked.pk, "team": getattr(team, "pk", None)},
    )
    slot.taken, slot.waiting = locked.taken, locked.waiting
    if state == R.REGISTERED:
        registration_reminder_queue(registration)
    return registration


def registration_create(*, actor, slot: Slot, birth_date=None, note: str = "", team=None) -> Registration:
    """Sign the actor up on ``slot``: registered while places are left, else on the waiting list
    (or refused, when the activity keeps none); "requested" when the host reviews sign-ups.
    A refusal (full, sign-up closed, too young, twice, cancelled slot, activity not open) is a
    ValidationError with a code, and nothing is written."""
    if team is not None and team.slot_id != slot.pk:
        raise _invalid("team", _("This team is for another slot."), "other_slot")
    with transaction.atomic():
        return _register(actor=actor, slot=slot, birth_date=birth_date, note=note, team=team)


def _promote(slot: Slot, activity: Activity) -> list[Registration]:
    """Give the locked slot's free places to the people waiting, first come first served."""
    promoted = []
    while slot.taken < slot.capacity and slot.waiting > 0:
        first = slot.registrations.filter(state=R.WAITLISTED).order_by("pk").first()
        if first is None:  # the counter drifted: trust the rows
            slot.waiting = 0
            break
        transition_apply(actor=None, obj=first, to=R.REGISTERED)
        slot.taken += 1
        slot.waiting -= 1
        promoted.append(first)
    if promoted:
        _tell([r.user for r in promoted], slot=slot, activity=activity, event="promoted")
    return promoted


def _release(slot: Slot, state: str) -> None:
    if state in Registration.HOLDING:
        slot.taken = max(slot.taken - 1, 0)
    elif state == R.WAITLISTED:
        slot.waiting = max(slot.waiting - 1, 0)


def registration_withdraw(*, actor, registration: Registration) -> Registration:
    """The person withdraws; the place they held goes to the first person waiting."""
    with transaction.atomic():
        slot = _slot_lock(registration.slot_id)
        before = Registration.objects.with_scopes_disabled().values_list("state", flat=True).get(pk=registration.pk)
        registration = transition_apply(actor=actor, obj=registration, to=R.WITHDRAWN)
        _release(slot, before)
        activity = Activity.objects.with_scopes_disabled().get(pk=slot.activity_id)
        _promote(slot, activity)
        slot.save(update_fields=["taken", "waiting", "updated_at"])
    return registration


def registrations_release_person(*, user) -> int:
    """Cancel ``user``'s sign-ups for slots still to come (their account is being erased: they will
    not come), giving their places to the people waiting. Returns how many. Inside the caller's
    transaction; the past ones stay, with their hours, for the counts."""
    count = 0
    upcoming = (
        Registration.objects.with_scopes_disabled()
        .filter(user=user, state__in=[R.REQUESTED, R.REGISTERED, R.WAITLISTED], slot__starts_at__gt=timezone.now())
        .order_by("slot_id", "pk")
    )
    for registration in upcoming:
        slot = _slot_lock(registration.slot_id)
        before = Registration.objects.with_scopes_disabled().values_list("state", flat=True).get(pk=registration.pk)
        transition_apply(actor=None, obj=registration, to=R.CANCELLED, reason="erasure")
        _release(slot, before)
        _promote(slot, Activity.objects.with_scopes_disabled().get(pk=slot.activity_id))
        slot.save(update_fields=["taken", "waiting", "updated_at"])
        count += 1
    return count


def registration_review(*, actor, registration: Registration, accept: bool, reason: str = "") -> Registration:
    """The host accepts a requested registration (registered, or waiting when the slot is full) or
    declines it with a reason; the person is told."""
    with transaction.atomic():
        slot = _slot_lock(registration.slot_id)
        activity = Activity.objects.with_scopes_disabled().get(pk=slot.activity_id)
        state = Registration.objects.with_scopes_disabled().values_list("state", flat=True).get(pk=registration.pk)
        if accept:
            if state != R.REQUESTED:  # the lifecycle says why (already, not allowed)
                return transition_apply(actor=actor, obj=registration, to=R.REGISTERED)
            target = _place(slot, activity)
            registration = transition_apply(actor=actor, obj=registration, to=target)
            slot.save(update_fields=["taken", "waiting", "updated_at"])
            event = "accepted" if target == R.REGISTERED else "accepted_to_waitlist"
        else:
            registration = transition_apply(actor=actor, obj=registration, to=R.DECLINED, reason=reason)
            event = "declined"
        _tell([registration.user], slot=slot, activity=activity, event=event, reason=reason)
    return registration


# -- teams ---------------------------------------------------------------------------------------


def team_open(*, actor, slot: Slot, company, name: str, captain=None) -> Team:
    """A company's representative opens a team for a slot, with a captain (one of the company's
    people); employees join it with its code."""
    require(actor, "volunteering.open_team", company)
    _same_city(company, slot.city, "company")
    if company.kind != Organisation.Kind.COMPANY:
        raise _invalid("company", _("Choose a company."), "not_a_company")
    if not name.strip():
        raise _invalid("name", _("Give the team a name."), "required")
    if (
        captain is not None
        and not Membership.objects.with_scopes_disabled().filter(organisation=company, user=captain).exists()
    ):
        raise _invalid("captain", _("The captain is one of the company's people."), "captain_not_member")
    activity = slot.activity
    if slot.state == Slot.State.CANCELLED:
        raise ValidationError(_("This slot has been cancelled."), code="slot_cancelled")
    if activity.state != Activity.State.OPEN:
        raise ValidationError(_("This activity is not open for sign-up."), code="not_open")
    if activity.company_id is not None and activity.company_id != company.pk:
        raise _invalid("company", _("This activity is another company's volunteering day."), "other_company")
    with transaction.atomic():
        team = Team(city=slot.city, slot=slot, company=company, name=name.strip(), captain=captain)
        team.created_by = person(actor)
        for _attempt in range(5):  # a code already taken (one in a trillion): draw another
            try:
                with transaction.atomic():
                    team.save()
                break
            except IntegrityError:
                team.pk = None
                team.invite_code = Team._meta.get_field("invite_code").default()
        audit_log(
            actor=actor,
            city=slot.city,
            verb="team.open",
            obj=team,
            payload={"slot": slot.pk, "company": company.pk, "name": team.name},
        )
    return team


def team_join(*, actor, code: str, birth_date=None, city=None) -> Registration:
    """Join a team with its invitation code: a place on its slot (or on the waiting list), as the
    team's company's time. Only the company's own people may join."""
    _signed_in(actor)
    teams = (
        Team.objects.with_scopes_disabled() if city is None else Team.objects.with_scopes_disabled().filter(city=city)
    )
    team = teams.filter(invite_code=(code or "").strip().upper()).select_related("slot", "company").first()
    if team is None:
        raise _invalid("code", _("No team has this code."), "unknown_code")
    with transaction.atomic():
        return _register(actor=actor, slot=team.slot, birth_date=birth_date, note="", team=team)


# Attendance and hours
# ---------------------------------------------------------------------------------------------
# Check-in (by the host, from the QR code; or by the participant with the slot's code on the
# day), check-out, no-shows, and the hours that follow: proposed from attendance (or declared for
# a flexible task), confirmed by the host and by the company (verified delivery) or at once when
# the city's policy says so, then written to the ledger as a time contribution valued at cost.
#
# Quantities: an entry counts whole minutes. Its ledger movement carries the minutes as its
# quantity, unit "minutes" (exact: nothing is rounded, a correction reverses exactly what was
# posted). A need's line counts hours: it is filled with the whole hours of the approved minutes
# on it, so 90 + 90 approved minutes fill 3 hours, not 2 (``_line_fill``).


R = Registration.State
H = HoursEntry.State

#: self check-in opens this long before the slot starts (and closes when it ends)
SELF_CHECK_IN_OPENS = datetime.timedelta(hours=1)
#: the kinds of a need's line that volunteer hours fill
TIME_KINDS = (ResourceKind.VOLUNTEER_TIME, ResourceKind.EXPERTISE)


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _registration_locked(registration: Registration) -> Registration:
    return (
        Registration.objects.with_scopes_disabled()
        .select_for_update(of=("self",))
        .select_related("slot__activity", "city")
        .get(pk=registration.pk)
    )


def _slot_counters(slot_id: int, *, taken: int) -> None:
    Slot.objects.with_scopes_disabled().filter(pk=slot_id).update(taken=F("taken") + taken)


def _check_in(*, actor, registration: Registration) -> Registration:
    """Mark ``registration`` attended now (a person marked absent who turns up late takes their
    place back)."""
    if registration.slot.state == Slot.State.CANCELLED:
        raise _refuse(_("This slot was cancelled: nobody checks in."), "slot_cancelled")
    was_absent = registration.state == R.NO_SHOW
    locked = transition_apply(actor=actor, obj=registration, to=R.ATTENDED)
    locked.checked_in_at = timezone.now()
    locked.save(update_fields=["checked_in_at", "updated_at"])
    if was_absent:
        _slot_counters(locked.slot_id, taken=1)
    registration.checked_in_at = locked.checked_in_at
    return locked


def registration_check_in(*, actor, registration: Registration) -> Registration:
    """The host checks a participant in (the view finds the registration by the token of its QR
    code). Only the host's people may; the participant uses the slot's
    code instead (``registration_self_check_in``)."""
    if "host" not in registration_roles(actor, registration):
        raise PermissionDenied("registration.check_in")
    with transaction.atomic():
        return _check_in(actor=actor, registration=_registration_locked(registration))


def self_check_in_window(slot: Slot) -> tuple[datetime.datetime, datetime.datetime]:
    """When self check-in is open: from an hour before the start (not before the slot's day, in
    the city's time zone) to the end."""
    zone = ZoneInfo(slot.city.timezone)
    start = slot.starts_at.astimezone(zone)
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(start - SELF_CHECK_IN_OPENS, day_start), slot.ends_at


def registration_self_check_in(*, actor, slot: Slot, code: str) -> Registration:
    """The participant checks in with the code the host shows on the day. Refused, with a code
    a client can act on, when the code is wrong ("wrong_code"), outside the slot's day and hours
    ("not_today", "too_early", "over") or when the person holds no place on the slot
    ("not_registered")."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("registration.self_check_in")
    given = "".join((code or "").split()).upper()
    if not hmac.compare_digest(given.encode(), slot.checkin_code.encode()):
        raise _refuse(_("This is not the code of this slot: check it with the host."), "wrong_code", "code")
    now = timezone.now()
    opens, closes = self_check_in_window(slot)
    zone = ZoneInfo(slot.city.timezone)
    if now.astimezone(zone).date() != slot.starts_at.astimezone(zone).date() and now < opens:
        raise _refuse(_("Self check-in works only on the day of the slot."), "not_today")
    if now < opens:
        raise _refuse(_("Self check-in opens an hour before the start."), "too_early")
    if now > closes:
        raise _refuse(_("This slot is over: ask the host to record your attendance."), "over")
    registration = (
        Registration.objects.with_scopes_disabled()
        .filter(slot=slot, user=actor, state__in=[R.REGISTERED, R.NO_SHOW, R.ATTENDED])
        .order_by("pk")
        .first()
    )
    if registration is None:
        raise _refuse(_("You do not hold a place on this slot."), "not_registered")
    with transaction.atomic():
        return _check_in(actor=actor, registration=_registration_locked(registration))


def _minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    return max(int((end - start).total_seconds() // 60), 0)


def registration_check_out(*, actor, registration: Registration, at: datetime.datetime | None = None) -> Registration:
    """Record when a participant left (now, or ``at``: the host may say when) and propose their
    hours: the time between check-in and check-out plus the activity's preparation time. Under
    an automatic policy of the city the hours are approved at once."""
    roles = registration_roles(actor, registration)
    if not {"host", "officer", "participant"} & roles:
        raise PermissionDenied("registration.check_out")
    if at is not None and not {"host", "officer"} & roles:
        raise PermissionDenied("registration.check_out")
    with transaction.atomic():
        locked = _registration_locked(registration)
        if locked.state != R.ATTENDED or locked.checked_in_at is None:
            raise _refuse(_("Only a participant who checked in can check out."), "not_checked_in")
        if locked.checked_out_at is not None:
            raise _refuse(_("This participant has already checked out."), "already_checked_out")
        at = at or timezone.now()
        if at <= locked.checked_in_at:
            raise _refuse(_("Check-out comes after check-in."), "before_check_in", "at")
        if at > timezone.now() + datetime.timedelta(minutes=5):
            raise _refuse(_("A check-out is recorded when the person leaves, not in advance."), "in_future", "at")
        locked.checked_out_at = at
        locked.save(update_fields=["checked_out_at", "updated_at"])
        audit_log(
            actor=actor,
            city=locked.city,
            verb="registration.check_out",
            obj=locked,
            payload={"at": at.isoformat()},
        )
        minutes = _minutes_between(locked.checked_in_at, at) + locked.slot.activity.preparation_minutes
        if minutes > 0:  # in and out within the minute, without preparation: no hours to confirm
            _hours_propose(actor=actor, registration=locked, minutes=minutes, automatic=True)
    registration.checked_out_at, registration.state = locked.checked_out_at, locked.state
    return locked


def slot_no_shows_mark(*, actor, slot: Slot) -> int:
    """Once a slot is over: everyone still "registered" did not come; everyone who checked in
    but never out gets hours for the slot's length (plus preparation). ``actor`` None is the
    background job run after each slot. Returns how many were marked absent."""
    if actor is not None and "host" not in activity_roles(actor, slot.activity):
        raise PermissionDenied("registration.mark_no_show")
    if timezone.now() < slot.ends_at:
        raise _refuse(_("People are marked absent once the slot is over."), "not_over")
    if slot.state == Slot.State.CANCELLED:
        return 0
    marked = 0
    with transaction.atomic():
        registrations = Registration.objects.with_scopes_disabled().filter(slot=slot).order_by("pk")
        for registration in registrations.filter(state=R.REGISTERED):
            transition_apply(actor=actor, obj=registration, to=R.NO_SHOW)
            _slot_counters(slot.pk, taken=-1)
            marked += 1
        length = _minutes_between(slot.starts_at, slot.ends_at) + slot.activity.preparation_minutes
        for registration in registrations.filter(state=R.ATTENDED, checked_out_at__isnull=True):
            if not registration.hours.exists():
                _hours_propose(actor=actor, registration=registration, minutes=length, automatic=True)
    return marked


# --- hours -------------------------------------------------------------------------------------


def _auto_approves(city, minutes: int) -> bool:
    policy = city.settings
    if policy.hours_approval == "automatic":
        return True
    if policy.hours_approval == "automatic_under":
        return minutes <= policy.volunteering.get("auto_max_hours", 0) * 60
    return False


def _hours_propose(*, actor, registration: Registration, minutes: int, automatic: bool, note: str = "") -> HoursEntry:
    """A new proposed entry for ``registration`` (one live entry per registration); approved at
    once when ``automatic`` and the city's policy approves such hours by itself."""
    if minutes <= 0:
        raise _refuse(_("Give a number of minutes above zero."), "no_minutes", "minutes")
    live = HoursEntry.objects.with_scopes_disabled().filter(
        registration=registration, state__in=[H.PROPOSED, H.APPROVED]
    )
    if live.exists():
        raise _refuse(_("Hours are already recorded for this participation."), "hours_exist")
    entry = HoursEntry(city=registration.city, registration=registration, minutes=minutes, reason=note[:500])
    entry.full_clean(exclude=["registration", "city"])
    entry.save()
    audit_log(
        actor=actor, city=registration.city, verb="hours.propose", obj=entry, payload={"minutes": minutes, "note": note}
    )
    if automatic and _auto_approves(registration.city, minutes):
        _approve(entry)
    return entry


def hours_declare(*, actor, registration: Registration, minutes: int, note: str = "") -> HoursEntry:
    """A participant of a flexible task says how long they worked on it; the host (and their
    company) confirm. Declared hours always wait for approval, whatever the city's policy."""
    if "participant" not in registration_roles(actor, registration):
        raise PermissionDenied("hours.declare")
    with transaction.atomic():
        locked = _registration_locked(registration)
        if locked.slot.activity.kind != Activity.Kind.FLEXIBLE:
            raise _refuse(
                _("Hours are declared only for a flexible task; a slot's come from attendance."), "not_flexible"
            )
        if locked.state not in (R.REGISTERED, R.ATTENDED):
            raise _refuse(_("Only a participant holding a place declares hours."), "not_registered")
        return _hours_propose(actor=actor, registration=locked, minutes=minutes, automatic=False, note=note)


def _entry_locked(entry: HoursEntry) -> HoursEntry:
    return (
        HoursEntry.objects.with_scopes_disabled()
        .select_for_update(of=("self",))
        .select_related("registration__slot__activity", "registration__company", "city")
        .get(pk=entry.pk)
    )


def hours_approve(*, actor, entries: list[HoursEntry]) -> list[HoursEntry]:
    """Record the actor's confirmation of ``entries`` (one or many at once): as the host (a
    member of the activity's host) and/or as the company (a representative of the participant's
    company). An entry is approved, valued and written to the ledger when the host has confirmed
    it and, for a company's employee, the company too. All or nothing: one entry the actor may
    not confirm refuses the lot."""
    approved = []
    with transaction.atomic():
        for entry in sorted(entries, key=lambda e: e.pk):
            locked = _entry_locked(entry)
            roles = hours_roles(actor, locked)
            if not roles:
                raise PermissionDenied("hours.approve")
            if locked.state != H.PROPOSED:
                raise _refuse(_("Only hours awaiting approval can be approved."), "not_proposed")
            now, changed = timezone.now(), []
            if "host" in roles and locked.host_approved_at is None:
                locked.host_approved_by, locked.host_approved_at = actor, now
                changed += ["host_approved_by", "host_approved_at"]
            if "company" in roles and locked.company_approved_at is None:
                locked.company_approved_by, locked.company_approved_at = actor, now
                changed += ["company_approved_by", "company_approved_at"]
            if changed:
                locked.save(update_fields=[*changed, "updated_at"])
                audit_log(
                    actor=actor,
                    city=locked.city,
                    verb="hours.confirm",
                    obj=locked,
                    payload={"as": sorted(roles), "minutes": locked.minutes},
                )
            confirmed = locked.host_approved_at is not None and (
                locked.registration.company_id is None or locked.company_approved_at is not None
            )
            if confirmed:
                locked = _approve(locked)
            approved.append(locked)
    return approved


def hours_decline(*, actor, entry: HoursEntry, reason: str) -> HoursEntry:
    """The host or the company declines proposed hours, saying why."""
    return transition_apply(actor=actor, obj=entry, to=H.DECLINED, reason=reason)


def hours_correct(*, actor, entry: HoursEntry, minutes: int, reason: str) -> HoursEntry:
    """Replace approved hours with ``minutes``: a new entry that ``corrects`` the old one, which
    becomes "corrected"; the old movement is reversed in the ledger and the new one posted, and
    the need's line moves by the difference. The host or the company corrects; the new entry
    keeps the confirmations of the old one (the corrector's is renewed)."""
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(_("Say why."), code="reason_required")})
    with transaction.atomic():
        old = _entry_locked(entry)
        roles = hours_roles(actor, old)
        if not roles:
            raise PermissionDenied("hours.correct")
        if old.state != H.APPROVED:
            raise _refuse(_("Only approved hours are corrected; decline hours awaiting approval."), "not_approved")
        if minutes <= 0:
            raise _refuse(_("Give a number of minutes above zero."), "no_minutes", "minutes")
        line = _line_locked(old.registration.slot.activity)
        before = _approved_minutes(line) if line else 0
        transition_apply(actor=None, obj=old, to=H.CORRECTED, reason=reason)
        group = group_of_source(city=old.city, source_ref=_source_ref(old))
        if group is not None:
            group_reverse(
                actor=actor,
                group=group,
                reason_code=ReasonCode.ENTERED_IN_ERROR,
                memo=reason[:255],
                source_ref=_source_ref(old) + ":reversal",
            )
        now = timezone.now()
        new = HoursEntry.objects.create(
            city=old.city,
            registration=old.registration,
            minutes=minutes,
            corrects=old,
            reason=reason[:500],
            host_approved_by=actor if "host" in roles else old.host_approved_by,
            host_approved_at=now if "host" in roles else old.host_approved_at,
            company_approved_by=actor if "company" in roles else old.company_approved_by,
            company_approved_at=now if "company" in roles else old.company_approved_at,
        )
        audit_log(
            actor=actor,
            city=old.city,
            verb="hours.correction",
            obj=new,
            payload={"corrects": old.pk, "from": old.minutes, "to": minutes, "reason": reason},
        )
        new = _approve(new, line=line, before=before)
    return new


# --- approval: value, ledger, the need's line ---------------------------------------------------


def hour_rate(registration: Registration) -> tuple[int, str]:
    """(cents per hour, where it comes from): the company's declared hourly cost of its
    employees' volunteering ("company"), else the city's default rate card ("city"); (0, "")
    when neither is set: the hours are recorded without a value."""
    if registration.company_id:
        cost = (
            CsrProfile.objects.with_scopes_disabled()
            .filter(organisation_id=registration.company_id)
            .values_list("volunteer_hour_cost_cents", flat=True)
            .first()
        )
        if cost:
            return cost, "company"
    city_rate = registration.city.settings.volunteering.get("hour_rate_cents", 0)
    return (city_rate, "city") if city_rate else (0, "")


def _source_ref(entry: HoursEntry) -> str:
    return f"volunteering.hoursentry:{entry.pk}"


def _line_locked(activity: Activity) -> ResourceLine | None:
    if activity.line_id is None:
        return None
    line = ResourceLine.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=activity.line_id)
    return line if line.kind in TIME_KINDS else None


def _approved_minutes(line: ResourceLine) -> int:
    total = (
        HoursEntry.objects.with_scopes_disabled()
        .filter(registration__slot__activity__line=line, state=H.APPROVED)
        .aggregate(total=Sum("minutes"))["total"]
    )
    return total or 0


def _line_fill(line: ResourceLine, before: int) -> None:
    """Move the line's committed hours by the whole hours the approved minutes on it gained or
    lost since ``before`` (minutes), and the need's totals with it."""
    delta = _approved_minutes(line) // 60 - before // 60
    if delta:
        line.committed = max(line.committed + delta, 0)
        line.save(update_fields=["committed", "updated_at"])
        need_refresh_totals(Need.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=line.need_id))


def _approve(entry: HoursEntry, *, line: ResourceLine | None = None, before: int | None = None) -> HoursEntry:
    """Approve ``entry`` (the system's step once the confirmations are there), value it, write
    its movement, and fill the need's line."""
    registration = entry.registration
    activity = registration.slot.activity
    if before is None:
        line = _line_locked(activity)
        before = _approved_minutes(line) if line else 0
    rate, source = hour_rate(registration)
    entry = transition_apply(actor=None, obj=entry, to=H.APPROVED, rate_cents=rate, rate_source=source)
    hours_ledger_post(entry=entry)
    if line is not None:
        _line_fill(line, before)
    return entry


def hours_ledger_post(*, entry: HoursEntry):
    """Write approved ``entry`` into the ledger: a time contribution from the company (or, for a
    person volunteering on their own, from the citizens' account) to the need (or, for an
    activity serving no need, to its host), valued at cost, on the day the time was given.
    Idempotent: the movement names the entry."""
    registration = entry.registration
    activity = registration.slot.activity
    company = registration.company
    giver = (
        Leg(Account.Kind.GIVER, company.pk, 0, 0, "", company.name)
        if company is not None
        else Leg(Account.Kind.PUBLIC, 0, 0, 0, "", "")
    )
    need = Need.objects.with_scopes_disabled().select_related("area").filter(pk=activity.need_id).first()
    receiver = (
        Leg(Account.Kind.NEED, need.pk, 0, 0, "", need.title)
        if need is not None
        else Leg(Account.Kind.RECIPIENT, activity.host_id, 0, 0, "", activity.host.name)
    )
    amount = round(entry.minutes * (entry.rate_cents or 0) / 60)
    legs = [
        Leg(giver.kind, giver.ref_id, -amount, -entry.minutes, "minutes", giver.label),
        Leg(receiver.kind, receiver.ref_id, amount, entry.minutes, "minutes", receiver.label),
    ]
    kind = activity.line.kind if activity.line_id and activity.line.kind in TIME_KINDS else ResourceKind.VOLUNTEER_TIME
    slot = registration.slot
    given_on = (
        timezone.localdate(entry.approved_at)
        if activity.kind == Activity.Kind.FLEXIBLE
        else slot.starts_at.astimezone(ZoneInfo(entry.city.timezone)).date()
    )
    if need is not None:
        themes, area = need.theme_keys, need.area.code if need.area_id else ""
    else:
        keys = sorted(activity.themes.values_list("key", flat=True))
        themes, area = (f"|{'|'.join(keys)}|" if keys else ""), activity.area.code if activity.area_id else ""
    return group_post(
        actor=None,
        city=entry.city,
        legs=legs,
        source=Source.VOLUNTEERING,
        source_ref=_source_ref(entry),
        resource_kind=kind,
        motivation=Motivation.COMMUNITY_INVESTMENT,
        valuation=Valuation.COST,
        effective_on=given_on,
        themes=themes,
        area_code=area,
        memo=activity.title[:255],
    )


# --- reminders and the job after each slot -----------------------------------------------------

#: a reminder goes this long before the slot starts
REMINDER_BEFORE = datetime.timedelta(hours=24)


@effect("volunteering.registration", to=R.REGISTERED)
def _remind_before_the_slot(actor, registration: Registration, transition, context) -> None:
    """A person promoted from the waiting list, or accepted by the host, is reminded too."""
    registration_reminder_queue(registration)


def registration_reminder_queue(registration: Registration) -> None:
    """Queue the reminder of ``registration`` for a day before its slot (at once when the slot is
    nearer than that; not at all once it has started), after the caller's transaction commits.
    The sign-up services call it when a registration becomes "registered" (sign-up, promotion,
    an accepted request)."""
    from .tasks import registration_remind

    starts_at, now = registration.slot.starts_at, timezone.now()
    if starts_at <= now:
        return
    pk, run_after = registration.pk, max(starts_at - REMINDER_BEFORE, now)
    transaction.on_commit(lambda: registration_remind.using(run_after=run_after).enqueue(registration_id=pk))


def registration_reminder_send(*, registration: Registration) -> str:
    """Send the reminder of ``registration`` once, if it still holds a place on a slot to come;
    sets ``reminded_at``. Returns "sent" or why not."""
    with transaction.atomic():
        locked = _registration_locked(registration)
        slot = locked.slot
        if locked.reminded_at is not None:
            return "already"
        if locked.state != R.REGISTERED or locked.user_id is None:
            return "not_registered"
        if slot.state == Slot.State.CANCELLED or slot.activity.state == Activity.State.CANCELLED:
            return "cancelled"
        if slot.starts_at <= timezone.now():
            return "started"
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at", "updated_at"])
        zone = ZoneInfo(locked.city.timezone)
        city = locked.city
        notify(
            users=[locked.user],
            city=city,
            template="volunteering_reminder",
            context={
                "title": slot.activity.title,
                "starts_on": slot.starts_at.astimezone(zone).date().isoformat(),
                "time": slot.starts_at.astimezone(zone).strftime("%H:%M"),
                "place": slot.activity.place,
                "url": f"/{city.default_language}/{city.slug}/volunteering/me/",
            },
            key=f"volunteering-reminder:{locked.pk}",
        )
    return "sent"


def slot_attendance_queue(slot: Slot) -> None:
    """Queue the job that closes ``slot``'s attendance when it ends (``tasks.slot_attendance_close``),
    after the caller's transaction commits. The slot services call it for each new slot."""
    from .tasks import slot_attendance_close

    pk, at = slot.pk, slot.ends_at
    transaction.on_commit(lambda: slot_attendance_close.using(run_after=at).enqueue(slot_id=pk))


# --- calendar feeds ---------------------------------------------------------------------------


def calendar_feed_get(*, actor, city, organisation=None):
    """The secret address of ``actor``'s own calendar feed in ``city`` or, with
    ``organisation``, of that company's (its representatives only); made on first use."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("calendar_feed.create")
    if organisation is not None and (organisation.city_id != city.pk or not is_org_representative(actor, organisation)):
        raise PermissionDenied("calendar_feed.create")
    owner = {"organisation": organisation} if organisation is not None else {"user": actor}
    with transaction.atomic():
        feed = CalendarFeed.objects.with_scopes_disabled().filter(city=city, **owner).first()
        if feed is None:
            feed = CalendarFeed.objects.create(city=city, **owner)
            audit_log(actor=actor, city=city, verb="calendar_feed.create", obj=feed, payload={})
    return feed


def calendar_feed_renew(*, actor, feed):
    """Give ``feed`` a new secret address (the old one was shared too widely): the old stops working."""
    if not (feed.user_id == getattr(actor, "pk", None) or (feed.organisation_id and _represents(actor, feed))):
        raise PermissionDenied("calendar_feed.renew")
    with transaction.atomic():
        feed.token = _token()
        feed.save(update_fields=["token", "updated_at"])
        audit_log(actor=actor, city=feed.city, verb="calendar_feed.renew", obj=feed, payload={})
    return feed


def _represents(actor, feed) -> bool:
    return actor is not None and actor.is_authenticated and is_org_representative(actor, feed.organisation)
