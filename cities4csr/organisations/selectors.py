"""Reads for organisations. Every function takes the acting user and the city."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Membership, Organisation, Site
from .rules import is_city_officer


def organisations_visible(*, actor, city, kind: str = "", query: str = "") -> QuerySet[Organisation]:
    """The directory: public organisations, plus, for officers, all, and for members, their own."""
    qs = Organisation.objects.filter(city=city)
    if not is_city_officer(actor, city):
        own = Q(memberships__user=actor) if actor.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(is_public=True) | own).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name__icontains=query)
    return qs.order_by("name")


def organisation_get(*, actor, city, pk: int) -> Organisation:
    """One organisation the actor may see, with its sites and their areas; 404 otherwise."""
    sites = Prefetch("sites", queryset=Site.objects.filter(city=city).prefetch_related("areas").order_by("label"))
    try:
        organisation = Organisation.objects.prefetch_related(sites).get(city=city, pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404("No such organisation") from None
    if not actor.has_perm("organisations.view_organisation", organisation):
        raise Http404("No such organisation")
    return organisation


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(city=organisation.city, organisation=organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )


def organisations_of_user(*, actor, city) -> QuerySet[Organisation]:
    if not actor.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(city=city, memberships__user=actor).order_by("name")


def organisations_represented(*, actor, city) -> QuerySet[Organisation]:
    """The organisations ``actor`` may act for (pledge, propose a need)."""
    if not actor.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        city=city, memberships__user=actor, memberships__role=Membership.Role.REPRESENTATIVE
    ).order_by("name")


def organisations_for_needs(*, actor, city) -> QuerySet[Organisation]:
    """Who a need can belong to, for this actor: any organisation for officers, else their own."""
    if is_city_officer(actor, city):
        return organisations_in_city(city=city)
    return organisations_represented(actor=actor, city=city)


def organisations_in_city(*, city) -> QuerySet[Organisation]:
    return Organisation.objects.filter(city=city).order_by("name")
