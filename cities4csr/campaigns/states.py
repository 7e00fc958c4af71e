"""The lifecycle of a campaign.

A draft is prepared by the city's officers (its rules and matchers change only then) and opened
to gifts; at the deadline (the background task, or an officer's "close now") the engine decides:
target reached -> "succeeded" (the money goes to the need or the project), missed in an
all-or-nothing campaign -> "missed" (gifts returned or moved to a fund, matches cancelled),
missed in a keep-what-you-raise campaign -> "closed" (what was raised goes to the need). Those
three are made by the system only ("system": actor None), after the engine has decided; an
officer may withdraw a draft ("closed")."""

from django.utils import timezone

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import REASON, table
from cities4csr.organisations.rules import is_city_officer

from .models import Campaign

S = Campaign.State

CAMPAIGN_TRANSITIONS = table(
    ((S.DRAFT,), S.OPEN, {"officer"}, "open"),
    ((S.DRAFT,), S.CLOSED, {"officer"}, "withdraw", REASON),
    ((S.OPEN,), S.SUCCEEDED, {"system"}, "succeed"),
    ((S.OPEN,), S.MISSED, {"system"}, "miss"),
    ((S.OPEN,), S.CLOSED, {"system"}, "close"),
)


def campaign_roles(actor, campaign: Campaign) -> set[str]:
    if actor is None:
        return {"officer", "system"}
    return {"officer"} if is_city_officer(actor, campaign) else set()


def _apply(campaign: Campaign, transition, context) -> list[str]:
    if transition.target == S.OPEN:
        campaign.opened_at = timezone.now()
        return ["opened_at"]
    campaign.closed_at = timezone.now()
    campaign.closed_seq = context.get("closed_seq")
    return ["closed_at", "closed_seq"]


CAMPAIGN_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Campaign,
        name="campaign",
        source="cities4csr/campaigns/states.py",
        transitions=CAMPAIGN_TRANSITIONS,
        roles=campaign_roles,
        apply=_apply,
    )
)
