"""The lifecycle of a need. Roles: "officer" (of the need's city), "owner" (representative of
the owning organisation). `python manage.py states_doc` renders this table into docs/states.md."""

from cities4csr.core.states import table

from .models import Need

S = Need.State

TRANSITIONS = table(
    ((S.DRAFT,), S.UNDER_REVIEW, {"owner", "officer"}, "submit"),
    ((S.DRAFT, S.UNDER_REVIEW), S.PUBLISHED, {"officer"}, "publish"),
    ((S.UNDER_REVIEW,), S.DRAFT, {"officer"}, "return"),
    ((S.PUBLISHED,), S.IN_PROGRESS, {"officer", "system"}, "start"),
    ((S.PUBLISHED, S.IN_PROGRESS), S.FULFILLED, {"officer"}, "fulfil"),
    ((S.FULFILLED, S.IN_PROGRESS), S.DELIVERED, {"officer"}, "deliver"),
    ((S.DELIVERED,), S.VERIFIED, {"officer"}, "verify"),
    ((S.VERIFIED,), S.CLOSED, {"officer"}, "close"),
    ((S.DRAFT, S.UNDER_REVIEW, S.PUBLISHED, S.IN_PROGRESS), S.WITHDRAWN, {"owner", "officer"}, "withdraw"),
)
