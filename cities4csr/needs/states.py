"""The lifecycle of a need. Roles: "officer" (of the need's city), "owner" (representative of
the owning organisation), "system" (moves that follow from pledges). `python manage.py
states_doc` renders this table into docs/states.md."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import Lifecycle, guard, lifecycle_register
from cities4csr.core.notifications import notify
from cities4csr.core.states import table
from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .models import Need

S = Need.State

TRANSITIONS = table(
    ((S.DRAFT,), S.UNDER_REVIEW, {"owner", "officer"}, "submit"),
    ((S.DRAFT, S.UNDER_REVIEW), S.PUBLISHED, {"officer"}, "publish"),
    ((S.UNDER_REVIEW,), S.DRAFT, {"officer"}, "return"),
    ((S.PUBLISHED,), S.IN_PROGRESS, {"officer", "system"}, "start"),
    ((S.PUBLISHED, S.IN_PROGRESS), S.FULFILLED, {"officer"}, "fulfil"),
    ((S.FULFILLED, S.IN_PROGRESS), S.DELIVERED, {"officer", "system"}, "deliver"),
    ((S.DELIVERED,), S.VERIFIED, {"officer"}, "verify"),
    ((S.VERIFIED,), S.CLOSED, {"officer"}, "close"),
    ((S.DRAFT, S.UNDER_REVIEW, S.PUBLISHED, S.IN_PROGRESS), S.WITHDRAWN, {"owner", "officer"}, "withdraw"),
)


def need_roles(actor, need: Need) -> set[str]:
    if actor is None:  # the system (demo loader, commands, automatic moves) plays every role
        return {"system", "officer", "owner"}
    roles = set()
    if is_city_officer(actor, need):
        roles.add("officer")
    if is_org_representative(actor, need.owner):
        roles.add("owner")
    return roles


def _apply(need: Need, transition, context) -> list[str]:
    if transition.target == S.PUBLISHED and need.published_at is None:
        need.published_at = timezone.now()
    return ["published_at"]


def _notify(need: Need, transition, context) -> None:
    """The owning organisation's people."""
    notify(
        users=[
            m.user for m in Membership.objects.filter(city=need.city, organisation=need.owner).select_related("user")
        ],
        city=need.city,
        template="need_transition",
        context={
            "model": "needs.need",
            "state": need.state,
            "title": need.title,
            "reason": context["reason"],
            "url": reverse("need_detail", kwargs={"city_slug": need.city.slug, "pk": need.pk}),
        },
    )


LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Need,
        name="need",
        source="cities4csr/needs/states.py",
        transitions=TRANSITIONS,
        roles=need_roles,
        apply=_apply,
        notify=_notify,
    )
)


@guard("needs.need", to=S.PUBLISHED)
def _has_lines(need: Need, transition, context) -> None:
    if not need.lines.exists():
        raise ValidationError(_("A need must have at least one resource line before it is published."), code="no_lines")
