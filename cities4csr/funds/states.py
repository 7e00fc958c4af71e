"""The lifecycles of a fund, a contribution and an award.

Roles: "officer" (of the fund's city), "donor" (the person who gave, or a representative of the
giving organisation). The system (actor None: a bank statement, a payment webhook, a command)
plays every role.

A contribution is received once the money is seen (a bank line, a pagoPA report, a card
payment, an officer's record); a refund, whole or in part, reverses its ledger movement. An award
is approved only within the fund's available balance (``services``); it is paid out when its
disbursements reach its amount."""

from django.utils import timezone

from cities4csr.core.lifecycle import Lifecycle, lifecycle_register
from cities4csr.core.states import REASON, table
from cities4csr.organisations.rules import is_city_officer

from .models import Award, Contribution, Fund
from .rules import is_donor

F = Fund.State

FUND_TRANSITIONS = table(
    ((F.OPEN,), F.CLOSED, {"officer"}, "close"),
    ((F.CLOSED,), F.OPEN, {"officer"}, "reopen"),
)

C = Contribution.State

CONTRIBUTION_TRANSITIONS = table(
    ((C.PENDING,), C.RECEIVED, {"officer"}, "receive"),
    ((C.PENDING,), C.CANCELLED, {"officer", "donor"}, "cancel"),
    ((C.RECEIVED,), C.PARTLY_REFUNDED, {"officer"}, "refund_part", REASON),
    ((C.RECEIVED, C.PARTLY_REFUNDED), C.REFUNDED, {"officer"}, "refund", REASON),
)

A = Award.State

AWARD_TRANSITIONS = table(
    ((A.PROPOSED,), A.APPROVED, {"officer"}, "approve"),
    ((A.PROPOSED, A.APPROVED), A.CANCELLED, {"officer"}, "cancel", REASON),
    ((A.APPROVED,), A.PAID, {"officer"}, "pay_out"),
)


def officer_roles(actor, obj) -> set[str]:
    if actor is None:
        return {"officer", "donor"}
    return {"officer"} if is_city_officer(actor, obj) else set()


def contribution_roles(actor, contribution: Contribution) -> set[str]:
    roles = officer_roles(actor, contribution)
    if actor is not None and is_donor(actor, contribution):
        roles.add("donor")
    return roles


def _award_apply(award: Award, transition, context) -> list[str]:
    if context["reason"]:
        award.reason = context["reason"]
    if transition.target == A.APPROVED:
        award.approved_at = timezone.now()
    return ["reason", "approved_at"]


FUND_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Fund, name="fund", source="cities4csr/funds/states.py", transitions=FUND_TRANSITIONS, roles=officer_roles
    )
)

CONTRIBUTION_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Contribution,
        name="contribution",
        source="cities4csr/funds/states.py",
        transitions=CONTRIBUTION_TRANSITIONS,
        roles=contribution_roles,
    )
)

AWARD_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Award,
        name="award",
        source="cities4csr/funds/states.py",
        transitions=AWARD_TRANSITIONS,
        roles=officer_roles,
        apply=_award_apply,
    )
)
