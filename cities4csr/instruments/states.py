"""The lifecycle of an agreement. Roles: "officer" (of the city). Confirming the advisor's
instrument creates it with its checklist; concluding it (guarded by the checklist's blocking
steps: the public notice of a large sponsorship) moves the pledge to "agreed"."""

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import table
from cities4csr.organisations.rules import is_city_officer

from .models import Agreement

S = Agreement.State

TRANSITIONS = table(((S.CONFIRMED,), S.CONCLUDED, {"officer"}, "conclude"))


def agreement_roles(actor, agreement: Agreement) -> set[str]:
    if actor is None or is_city_officer(actor, agreement):
        return {"officer"}
    return set()


def _apply(agreement: Agreement, transition, context) -> list[str]:
    agreement.agreed_on = context["on"]
    return ["agreed_on"]


LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Agreement,
        name="agreement",
        source="cities4csr/instruments/states.py",
        transitions=TRANSITIONS,
        roles=agreement_roles,
        apply=_apply,
    )
)
