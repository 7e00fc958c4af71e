"""The lifecycles of a collective action and of an invitation to it.

Invitation roles: "invitee" (a representative of the invited company), "officer" (of the city).
Accepting creates the company's pledge. A collective action closes by itself once every
invitation is answered (role "system"), or an officer closes it."""

from django.utils import timezone

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import table
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .models import CollectiveAction, Invitation

S = Invitation.State

TRANSITIONS = table(
    ((S.INVITED,), S.ACCEPTED, {"invitee"}, "accept"),
    ((S.INVITED,), S.DECLINED, {"invitee"}, "decline"),
    ((S.INVITED,), S.WITHDRAWN, {"officer"}, "withdraw"),
)

A = CollectiveAction.State

ACTION_TRANSITIONS = table(((A.OPEN,), A.CLOSED, {"officer", "system"}, "close"))


def invitation_roles(actor, invitation: Invitation) -> set[str]:
    if actor is None:
        return {"invitee", "officer"}
    roles = set()
    if is_org_representative(actor, invitation.organisation):
        roles.add("invitee")
    if is_city_officer(actor, invitation):
        roles.add("officer")
    return roles


def action_roles(actor, action: CollectiveAction) -> set[str]:
    if actor is None:
        return {"system", "officer"}
    return {"officer"} if is_city_officer(actor, action) else set()


def _answered(invitation: Invitation, transition, context) -> list[str]:
    invitation.responded_at = timezone.now()
    return ["responded_at"]


LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Invitation,
        name="invitation",
        source="cities4csr/matching/states.py",
        transitions=TRANSITIONS,
        roles=invitation_roles,
        apply=_answered,
    )
)

ACTION_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=CollectiveAction,
        name="collective",
        source="cities4csr/matching/states.py",
        transitions=ACTION_TRANSITIONS,
        roles=action_roles,
    )
)
