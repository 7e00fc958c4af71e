"""The lifecycle of an indicator update (ADR 0034).

Its reporter (the need's organisation, or the city for an action of the plan) writes it as a
draft and submits it; an officer approves it, or returns it with a reason; returned, it is
corrected and submitted again. An officer never approves an update they submitted themselves
(the guard in ``services``).
"""

from django.utils import timezone

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import REASON, table
from cities4csr.organisations.rules import is_city_officer, is_org_member

from .models import IndicatorUpdate

U = IndicatorUpdate.State

UPDATE_TRANSITIONS = table(
    ((U.DRAFT, U.RETURNED), U.SUBMITTED, {"reporter", "officer"}, "submit"),
    ((U.SUBMITTED,), U.APPROVED, {"officer"}, "approve"),
    ((U.SUBMITTED,), U.RETURNED, {"officer"}, "return", REASON),
)


def update_roles(actor, update: IndicatorUpdate) -> set[str]:
    if actor is None:  # the system acts for the city (a command, the demo)
        return {"reporter", "officer"}
    roles = set()
    if is_city_officer(actor, update):
        roles.add("officer")
    if update.organisation_id is not None and is_org_member(actor, update.organisation):
        roles.add("reporter")
    return roles


def _update_apply(update: IndicatorUpdate, transition, context) -> list[str]:
    now = timezone.now()
    actor = context.get("actor")
    if transition.target == U.SUBMITTED:
        update.submitted_at = now
        update.return_reason = ""
        return ["submitted_at", "return_reason"]
    update.decided_at = now
    update.decided_by = actor
    update.return_reason = context.get("reason", "") if transition.target == U.RETURNED else ""
    return ["decided_at", "decided_by", "return_reason"]


UPDATE_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=IndicatorUpdate,
        name="indicator_update",
        source="cities4csr/impact/states.py",
        transitions=UPDATE_TRANSITIONS,
        roles=update_roles,
        apply=_update_apply,
    )
)
