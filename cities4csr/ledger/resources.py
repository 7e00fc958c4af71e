"""The resource vocabulary: what is given (money, goods, time, expertise, space), the unit a
quantity of each is counted in, and how a quantity is valued in cents.

It lives in the ledger, the lowest app that records contributions; ``needs`` (their lines),
``offers`` and ``pledges`` use it from here (``needs.models`` re-exports it for older imports).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ResourceKind(models.TextChoices):
    """B4SI's forms of contribution: cash, in-kind goods, time, pro-bono expertise, space."""

    MONEY = "money", gettext_lazy("Money")
    GOODS = "goods", gettext_lazy("Goods")
    VOLUNTEER_TIME = "volunteer_time", gettext_lazy("Volunteer time")
    EXPERTISE = "expertise", gettext_lazy("Pro-bono expertise")
    SPACE = "space", gettext_lazy("Space")


#: the unit a quantity of each kind is counted in
KIND_UNITS = {
    ResourceKind.MONEY: "cents",
    ResourceKind.VOLUNTEER_TIME: "hours",
    ResourceKind.EXPERTISE: "hours",
    ResourceKind.SPACE: "days",
}


def resource_valuation(*, kind: str, quantity: int, value_cents: int | None, unit: str = "") -> tuple[int, str]:
    """(value in cents, unit) of a quantity of a resource kind, for a need's line, an offer or a
    ledger posting: money is counted in cents and is its own value; other kinds need an
    estimated value."""
    if kind == ResourceKind.MONEY:
        value_cents = quantity
    if value_cents is None:
        raise ValidationError({"value_cents": _("Give an estimated value.")})
    return value_cents, unit or KIND_UNITS.get(kind, "units")


#: the units time is counted in on the ledger's postings, in minutes: a pledge of volunteer time
#: or expertise is in hours (its need line's unit), approved volunteering hours in minutes
TIME_UNITS = {"minutes": 1, "hours": 60}


def as_minutes(quantity: int, unit: str) -> int:
    """A quantity of time in minutes, read from its unit; 0 for a unit that is not time."""
    return quantity * TIME_UNITS.get(unit, 0)
