"""The lifecycles of a pledge and of a partner's place in it.

Pledge roles: "officer" (of the city), "pledger" (representative of the lead organisation).
Returning a delivery sends it back to "in delivery" with a reason. "agree" is guarded by the
instrument advisor's agreement (cities4csr.instruments): it is reached when the agreement is
concluded, once a blocking step (the 30-day public notice of a sponsorship above €40,000) has
run (ADR 0007).

Partner roles: "partner" (representative of the named organisation), "pledger" (of the lead),
"officer". A partner named by the lead joins only by accepting."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import Lifecycle, guard, lifecycle_register
from cities4csr.core.notifications import notify
from cities4csr.core.states import REASON, table
from cities4csr.organisations.models import CityRole, Membership
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .models import Pledge, PledgePartner

S = Pledge.State

TRANSITIONS = table(
    ((S.PROPOSED,), S.ACCEPTED, {"officer"}, "accept"),
    ((S.PROPOSED,), S.DECLINED, {"officer"}, "decline", REASON),
    ((S.ACCEPTED,), S.AGREED, {"officer"}, "agree"),
    ((S.ACCEPTED, S.AGREED), S.IN_DELIVERY, {"pledger", "officer"}, "start_delivery"),
    ((S.ACCEPTED, S.AGREED, S.IN_DELIVERY), S.DELIVERED, {"pledger"}, "mark_delivered"),
    ((S.DELIVERED,), S.VERIFIED, {"officer"}, "verify"),
    ((S.DELIVERED,), S.IN_DELIVERY, {"officer"}, "return", REASON),
    ((S.PROPOSED, S.ACCEPTED), S.WITHDRAWN, {"pledger"}, "withdraw"),
)

P = PledgePartner.State

PARTNER_TRANSITIONS = table(
    ((P.INVITED,), P.ACCEPTED, {"partner"}, "accept"),
    ((P.INVITED,), P.DECLINED, {"partner"}, "decline"),
    ((P.INVITED, P.ACCEPTED), P.WITHDRAWN, {"pledger", "officer"}, "withdraw"),
)


def pledge_roles(actor, pledge: Pledge) -> set[str]:
    if actor is None:  # the system (demo loader, commands) plays every role
        return {"officer", "pledger"}
    roles = set()
    if is_city_officer(actor, pledge):
        roles.add("officer")
    if is_org_representative(actor, pledge.organisation):
        roles.add("pledger")
    return roles


def partner_roles(actor, partnership: PledgePartner) -> set[str]:
    if actor is None:
        return {"partner", "pledger", "officer"}
    roles = pledge_roles(actor, partnership.pledge)
    if is_org_representative(actor, partnership.organisation):
        roles.add("partner")
    return roles


def _apply(pledge: Pledge, transition, context) -> list[str]:
    if context["reason"]:
        pledge.reason = context["reason"]
    if transition.target == S.VERIFIED:
        pledge.verified_at = timezone.now()
    return ["reason", "verified_at"]


def _people(city, organisations) -> list:
    return [m.user for m in Membership.objects.filter(city=city, organisation__in=organisations).select_related("user")]


def pledge_notify(pledge: Pledge, transition, context) -> None:
    """The pledging organisation's people always; the city's officers when they have something to do."""
    people = _people(pledge.city, [pledge.organisation_id])
    if transition is None or transition.target == S.DELIVERED:  # proposed, or delivered: the city acts next
        people += [
            r.user
            for r in CityRole.objects.filter(
                city=pledge.city, role__in=["admin", "officer"], is_active=True
            ).select_related("user")
        ]
    notify(
        users=people,
        city=pledge.city,
        template="pledge_transition",
        context={
            "model": "pledges.pledge",
            "state": pledge.state,
            "title": pledge.need.title,
            "organisation": pledge.organisation.name,
            "reason": context.get("reason", ""),
            "url": reverse("pledge_detail", kwargs={"city_slug": pledge.city.slug, "pk": pledge.pk}),
        },
    )


def partner_notify(partnership: PledgePartner, transition, context) -> None:
    """Invited: the partner's people; answered: the lead's."""
    invited = transition is None
    pledge = partnership.pledge
    notify(
        users=_people(pledge.city, [partnership.organisation_id if invited else pledge.organisation_id]),
        city=pledge.city,
        template="pledge_partner",
        context={
            "model": "pledges.pledgepartner",
            "state": partnership.state,
            "invited": invited,
            "title": pledge.need.title,
            "lead": pledge.organisation.name,
            "partner": partnership.organisation.name,
            "url": reverse("pledge_detail", kwargs={"city_slug": pledge.city.slug, "pk": pledge.pk}),
        },
    )


def _partner_apply(partnership: PledgePartner, transition, context) -> list[str]:
    actor = context.get("actor")
    partnership.responded_by = actor if actor is not None and actor.is_authenticated else None
    return ["responded_by"]


LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=Pledge,
        name="pledge",
        source="cities4csr/pledges/states.py",
        transitions=TRANSITIONS,
        roles=pledge_roles,
        apply=_apply,
        notify=pledge_notify,
    )
)

PARTNER_LIFECYCLE = lifecycle_register(
    Lifecycle(
        model=PledgePartner,
        name="pledge_partner",
        source="cities4csr/pledges/states.py",
        transitions=PARTNER_TRANSITIONS,
        roles=partner_roles,
        apply=_partner_apply,
        notify=partner_notify,
    )
)


@guard("pledges.pledge", to=S.DELIVERED)
def _has_evidence(pledge: Pledge, transition, context) -> None:
    if not pledge.evidence.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _("Add evidence of delivery (a photo, a receipt, an attendance list) first."), code="no_evidence"
        )
