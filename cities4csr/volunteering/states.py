"""The lifecycles of an activity, a registration and an entry of hours (ADR 0033).

An activity is prepared as a draft by its host (or the city's officers), opened for sign-up,
closed when it is over, or cancelled with a reason (everyone signed up is told). A registration
starts "registered", "waitlisted" (no place left) or "requested" (the host reviews sign-ups);
the system promotes the first waiting person when a place frees up, in arrival order. Hours are
proposed from attendance and approved when both the host and the company (for an employee) have
confirmed them; a correction replaces an approved entry with a new one.
"""

from django.utils import timezone

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import REASON, table
from cities4csr.organisations.rules import is_city_officer, is_org_member, is_org_representative

from .models import Activity, HoursEntry, Registration

A = Activity.State
R = Registration.State
H = HoursEntry.State

ACTIVITY_TRANSITIONS = table(
    ((A.DRAFT, A.CLOSED), A.OPEN, {"host", "officer"}, "publish"),
    ((A.OPEN,), A.CLOSED, {"host", "officer", "system"}, "close"),
    ((A.DRAFT, A.OPEN), A.CANCELLED, {"host", "officer"}, "cancel", REASON),
)

REGISTRATION_TRANSITIONS = table(
    ((R.REQUESTED,), R.REGISTERED, {"host", "system"}, "accept"),
    ((R.REQUESTED,), R.WAITLISTED, {"host", "system"}, "accept_to_waitlist"),
    ((R.REQUESTED,), R.DECLINED, {"host"}, "decline", REASON),
    ((R.WAITLISTED,), R.REGISTERED, {"system"}, "promote"),
    ((R.REQUESTED, R.REGISTERED, R.WAITLISTED), R.WITHDRAWN, {"participant"}, "withdraw"),
    ((R.REQUESTED, R.REGISTERED, R.WAITLISTED), R.CANCELLED, {"host", "officer", "system"}, "cancel"),
    ((R.REGISTERED, R.NO_SHOW), R.ATTENDED, {"host", "participant"}, "check_in"),
    ((R.REGISTERED, R.ATTENDED), R.NO_SHOW, {"host", "system"}, "mark_no_show"),
)

HOURS_TRANSITIONS = table(
    ((H.PROPOSED,), H.APPROVED, {"system"}, "approve"),
    ((H.PROPOSED,), H.DECLINED, {"host", "company"}, "decline", REASON),
    ((H.APPROVED,), H.CORRECTED, {"system"}, "correct"),
)


def _activity_of(obj) -> Activity:
    if isinstance(obj, Activity):
        return obj
    if isinstance(obj, HoursEntry):
        obj = obj.registration
    return obj.slot.activity


def _host_roles(actor, activity: Activity) -> set[str]:
    roles = set()
    if is_city_officer(actor, activity):
        roles.add("officer")
    if is_org_member(actor, activity.host):
        roles.add("host")
    return roles


def activity_roles(actor, activity: Activity) -> set[str]:
    if actor is None:  # the system acts for the city (a command, the demo)
        return {"host", "officer", "system"}
    return _host_roles(actor, activity)


def registration_roles(actor, registration: Registration) -> set[str]:
    if actor is None:
        return {"system"}
    roles = _host_roles(actor, _activity_of(registration))
    if registration.user_id is not None and registration.user_id == actor.pk:
        roles.add("participant")
    return roles


def hours_roles(actor, entry: HoursEntry) -> set[str]:
    if actor is None:
        return {"system"}
    registration = entry.registration
    roles = _host_roles(actor, _activity_of(registration)) & {"host"}
    if registration.company_id is not None and is_org_representative(actor, registration.company):
        roles.add("company")
    return roles


def _activity_apply(activity: Activity, transition, context) -> list[str]:
    if transition.target == A.OPEN and activity.published_at is None:
        activity.published_at = timezone.now()
        return ["published_at"]
    return []


def _hours_apply(entry: HoursEntry, transition, context) -> list[str]:
    if transition.target == H.APPROVED:
        entry.approved_at = timezone.now()
        entry.rate_cents = context.get("rate_cents")
        entry.rate_source = context.get("rate_source", "")
        return ["approved_at", "rate_cents", "rate_source"]
    return []


ACTIVITY_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Activity,
        name="activity",
        source="cities4csr/volunteering/states.py",
        transitions=ACTIVITY_TRANSITIONS,
        roles=activity_roles,
        apply=_activity_apply,
    )
)

REGISTRATION_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Registration,
        name="registration",
        source="cities4csr/volunteering/states.py",
        transitions=REGISTRATION_TRANSITIONS,
        roles=registration_roles,
    )
)

HOURS_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=HoursEntry,
        name="hours",
        source="cities4csr/volunteering/states.py",
        transitions=HOURS_TRANSITIONS,
        roles=hours_roles,
        apply=_hours_apply,
    )
)
