"""The lifecycle of a pledge. Roles: "officer" (of the city), "pledger" (representative of the
lead organisation). Returning a delivery sends it back to "in delivery" with a reason.
"agree" is reached only through the instrument advisor's agreement (cities4csr.instruments):
the instrument is recorded, and a blocking step (the 30-day public notice of a sponsorship above
€40,000) must have run (ADR 0007)."""

from cities4csr.core.states import table

from .models import Pledge

S = Pledge.State

TRANSITIONS = table(
    ((S.PROPOSED,), S.ACCEPTED, {"officer"}, "accept"),
    ((S.PROPOSED,), S.DECLINED, {"officer"}, "decline"),
    ((S.ACCEPTED,), S.AGREED, {"officer"}, "agree"),
    ((S.ACCEPTED, S.AGREED), S.IN_DELIVERY, {"pledger", "officer"}, "start_delivery"),
    ((S.ACCEPTED, S.AGREED, S.IN_DELIVERY), S.DELIVERED, {"pledger"}, "mark_delivered"),
    ((S.DELIVERED,), S.VERIFIED, {"officer"}, "verify"),
    ((S.DELIVERED,), S.IN_DELIVERY, {"officer"}, "return"),
    ((S.PROPOSED, S.ACCEPTED), S.WITHDRAWN, {"pledger"}, "withdraw"),
)

#: transitions that must carry a reason
NEEDS_REASON = {(S.PROPOSED, S.DECLINED), (S.DELIVERED, S.IN_DELIVERY)}
