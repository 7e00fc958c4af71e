"""Reads for pledges: a need's public pledgers, an organisation's contributions, work queues."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cities4csr.organisations.selectors import visible_to

from .models import Evidence, Pledge, PledgeItem, PledgePartner

SHOWN_ON_NEED = [
    Pledge.State.ACCEPTED,
    Pledge.State.AGREED,
    Pledge.State.IN_DELIVERY,
    Pledge.State.DELIVERED,
    Pledge.State.VERIFIED,
]


def _full(queryset, city):
    return queryset.select_related("need", "organisation", "need__area", "agreement").prefetch_related(
        Prefetch("items", queryset=PledgeItem.objects.filter(city=city).select_related("line").order_by("line_id")),
        # the evidence in force; withdrawn files are the corrections' record (evidence_withdrawn)
        Prefetch(
            "evidence",
            queryset=Evidence.objects.filter(city=city, withdrawn_at__isnull=True)
            .select_related("city")
            .order_by("id"),
        ),
        Prefetch(
            "partnerships",
            queryset=PledgePartner.objects.filter(city=city).select_related("organisation").order_by("organisation_id"),
        ),
    )


def pledges_public_for_need(*, actor, city, need) -> QuerySet[Pledge]:
    """Pledgers who agreed to be named, once the city accepted their pledge; a private
    organisation only to those who may see it."""
    qs = Pledge.objects.filter(
        visible_to(actor, city, via="organisation__"), city=city, need=need, is_public=True, state__in=SHOWN_ON_NEED
    )
    return _full(qs, city).order_by("-value_cents", "id")


def contributions_of_organisation(*, city, organisation) -> QuerySet[Pledge]:
    """Verified, public contributions of an organisation (as lead or partner)."""
    partner_of = PledgePartner.objects.filter(
        city=city, organisation=organisation, state=PledgePartner.State.ACCEPTED
    ).values("pledge_id")
    qs = Pledge.objects.filter(city=city, state=Pledge.State.VERIFIED, is_public=True).filter(
        Q(organisation=organisation) | Q(pk__in=partner_of)
    )
    return _full(qs, city).order_by("-verified_at", "-id")


def partners_accepted(pledge: Pledge) -> list:
    """The partners that accepted to appear with the pledge (from the prefetched rows)."""
    return [p.organisation for p in pledge.partnerships.all() if p.state == PledgePartner.State.ACCEPTED]


def partnership_get(*, actor, city, pledge_pk, organisation_pk) -> PledgePartner:
    pledge = pledge_get(actor=actor, city=city, pk=pledge_pk)
    for partnership in pledge.partnerships.all():
        if partnership.organisation_id == organisation_pk:
            partnership.pledge = pledge
            return partnership
    raise Http404("No such partner")


def partnerships_awaiting(*, city, organisations) -> QuerySet[PledgePartner]:
    """Invitations to join another organisation's pledge, waiting for these organisations' answer."""
    return (
        PledgePartner.objects.filter(city=city, organisation__in=organisations, state=PledgePartner.State.INVITED)
        .select_related("pledge__need", "pledge__organisation", "organisation")
        .order_by("created_at", "id")
    )


def pledge_get(*, actor, city, pk) -> Pledge:
    try:
        pledge = _full(Pledge.objects.filter(city=city), city).get(pk=pk)
    except (Pledge.DoesNotExist, ValueError):
        raise Http404("No such pledge") from None
    if not actor.has_perm("pledges.view_pledge", pledge):
        raise Http404("No such pledge")
    return pledge


def pledges_in_state(*, city, states) -> QuerySet[Pledge]:
    return _full(Pledge.objects.filter(city=city, state__in=states), city).order_by("created_at", "id")


def pledges_of_organisations(*, city, organisations) -> QuerySet[Pledge]:
    return _full(Pledge.objects.filter(city=city, organisation__in=organisations), city).order_by("-created_at")


def pledges_visible(*, actor, city) -> QuerySet[Pledge]:
    """Officers: every pledge of the city; others: those of organisations they belong to."""
    from cities4csr.organisations.rules import is_city_officer

    qs = Pledge.objects.filter(city=city)
    if not is_city_officer(actor, city):
        if not actor.is_authenticated:
            return Pledge.objects.none()
        qs = qs.filter(
            Q(organisation__memberships__user=actor)
            | Q(need__owner__memberships__user=actor)
            | Q(partnerships__organisation__memberships__user=actor)
        ).distinct()
    return _full(qs, city).order_by("-created_at", "-id")


def evidence_get(*, actor, city, pk) -> Evidence:
    """A piece of evidence whose file the actor may open: 404 if the city has none with this id,
    403 if it is another organisation's (pledges.view_evidence)."""
    try:
        evidence = Evidence.objects.filter(city=city).select_related("pledge", "pledge__need").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError):
        raise Http404("No such evidence") from None
    if not actor.has_perm("pledges.view_evidence", evidence.pledge):
        raise PermissionDenied
    return evidence


def evidence_withdrawn(*, city, pledge) -> QuerySet[Evidence]:
    """A pledge's withdrawn or replaced evidence: who took it back, when and why."""
    return (
        Evidence.objects.filter(city=city, pledge=pledge, withdrawn_at__isnull=False)
        .select_related("withdrawn_by", "replaced_by")
        .order_by("withdrawn_at", "id")
    )


def pledges_for_officer(*, actor, city, q: str = "") -> QuerySet[Pledge]:
    """Every pledge of the city in every state, newest first, for the officer's list (none for
    anyone else); ``q`` searches the giver's name and the need's title."""
    from cities4csr.organisations.rules import is_city_officer

    if not is_city_officer(actor, city):
        return Pledge.objects.none()
    pledges = (
        Pledge.objects.filter(city=city)
        .select_related("need", "organisation")
        .only("state", "value_cents", "created_at", "need__title", "organisation__name")
        .order_by("-created_at", "-id")
    )
    for word in q.split():
        pledges = pledges.filter(Q(organisation__name__icontains=word) | Q(need__title__icontains=word))
    return pledges
