"""Writes of volunteering (ADR 0033): activities and their slots, sign-up and the waiting list,
teams, attendance and hours. Each service checks who may act, runs in a transaction, audits, and
sends messages or queues reminders after commit."""


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

import datetime  # noqa: E402
import hmac  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import F, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from cities4csr.core.lifecycle import transition_apply  # noqa: E402
from cities4csr.core.notifications import notify  # noqa: E402
from cities4csr.core.services import audit_log  # noqa: E402
from cities4csr.ledger.models import Account, Motivation, ReasonCode, Source, Valuation  # noqa: E402
from cities4csr.ledger.resources import ResourceKind  # noqa: E402
from cities4csr.ledger.selectors import group_of_source  # noqa: E402
from cities4csr.ledger.services import Leg, group_post, group_reverse  # noqa: E402
from cities4csr.needs.models import Need, ResourceLine  # noqa: E402
from cities4csr.needs.services import need_refresh_totals  # noqa: E402
from cities4csr.offers.models import CsrProfile  # noqa: E402
from cities4csr.organisations.rules import is_org_representative  # noqa: E402

from .models import Activity, CalendarFeed, HoursEntry, Registration, Slot, _token  # noqa: E402
from .states import activity_roles, hours_roles, registration_roles  # noqa: E402

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
