"""The lifecycle of an invitation to a collective action. Roles: "invitee" (a representative of
the invited company), "officer" (of the city). Accepting creates the company's pledge."""

from cities4csr.core.states import table

from .models import Invitation

S = Invitation.State

TRANSITIONS = table(
    ((S.INVITED,), S.ACCEPTED, {"invitee"}, "accept"),
    ((S.INVITED,), S.DECLINED, {"invitee"}, "decline"),
    ((S.INVITED,), S.WITHDRAWN, {"officer"}, "withdraw"),
)
