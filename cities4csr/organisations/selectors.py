"""Reads for organisations. Every function takes the acting user and the city."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cities4csr.accounts.models import Consent
from cities4csr.accounts.selectors import consenting_users, public_name

from .models import CityInvitation, CityRole, Membership, Organisation, Site
from .rules import is_city_officer


def visible_to(actor, city, *, via: str = "") -> Q:
    """The one rule of who sees which organisation, as a filter: public organisations to
    everyone; all of them to the city's officers; to a member, their own too.

    ``via`` is the path from the queried model to its organisation, e.g. ``"organisation__"``
    for offers. Every list, detail, map, export and choice of organisations, offers or partners
    filters with it (the permission ``organisations.view_organisation`` says the same for one row).
    """
    if is_city_officer(actor, city):
        return Q()
    public = Q(**{f"{via}is_public": True})
    if actor is None or not actor.is_authenticated:
        return public
    own = Membership.objects.filter(city=city, user=actor).values("organisation_id")
    return public | Q(**{f"{via}pk__in": own})


def organisations_visible(*, actor, city, kind: str = "", query: str = "") -> QuerySet[Organisation]:
    """The directory: the organisations ``actor`` may see (see ``visible_to``)."""
    qs = Organisation.objects.filter(visible_to(actor, city), city=city)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name__icontains=query)
    return qs.order_by("name")


def organisation_get(*, actor, city, pk: int) -> Organisation:
    """One organisation the actor may see, with its sites and their areas; 404 otherwise."""
    sites = Prefetch("sites", queryset=Site.objects.filter(city=city).prefetch_related("areas").order_by("label"))
    try:
        return Organisation.objects.prefetch_related(sites).get(visible_to(actor, city), city=city, pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404("No such organisation") from None


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(city=organisation.city, organisation=organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )


def organisation_public_contacts(*, organisation: Organisation) -> list[str]:
    """The names shown as the organisation's contacts on its public page: its representatives
    who gave the city their consent to it (accounts.Consent, "public_name") and a name. Without
    consent no name appears; an e-mail address never does."""
    representatives = [
        m.user for m in organisation_members(organisation=organisation).filter(role=Membership.Role.REPRESENTATIVE)
    ]
    agreed = consenting_users(city=organisation.city, purpose=Consent.Purpose.PUBLIC_NAME, users=representatives)
    names = [public_name(user=user) for user in representatives if user.pk in agreed]
    return sorted(name for name in names if name)


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


def partners_choosable(*, actor, city) -> QuerySet[Organisation]:
    """Who ``actor`` may name as a partner of a collective pledge: the organisations they may see."""
    return organisations_visible(actor=actor, city=city)


def organisations_in_city(*, city) -> QuerySet[Organisation]:
    """Every organisation of the city, private ones included: for officers' choices only."""
    return Organisation.objects.filter(city=city).order_by("name")


def city_people(*, actor, city) -> QuerySet[CityRole]:
    """The city's roles and who holds them, for its administrators (active ones first)."""
    return CityRole.objects.filter(city=city).select_related("user").order_by("-is_active", "user__email", "role")


def city_role_get(*, actor, city, pk) -> CityRole:
    role = CityRole.objects.filter(city=city, pk=pk).select_related("user", "city").first()
    if role is None:
        raise Http404
    return role


def city_invitations_open(*, actor, city, now) -> QuerySet[CityInvitation]:
    """Invitations sent and not yet accepted, withdrawn or expired."""
    return (
        CityInvitation.objects.filter(city=city, accepted_at=None, revoked_at=None, expires_at__gt=now)
        .select_related("invited_by")
        .order_by("-created_at")
    )
