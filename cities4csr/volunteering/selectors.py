"""Reads of volunteering: scoped to the city, prefetched, never more than the reader may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import city_roles

from .models import Activity, HoursEntry, Registration, Slot, Team

# -- the sign-up API's reads (vsign) ---------------------------------------------------------------


def _upcoming_slots(now):
    return Prefetch(
        "slots",
        queryset=Slot.objects.filter(state=Slot.State.SCHEDULED, ends_at__gt=now).order_by("starts_at", "pk"),
        to_attr="upcoming",
    )


def activities_listed(*, user, city, now=None) -> QuerySet[Activity]:
    """The activities open for sign-up, with their slots still to come (places left in each); for
    the host's people and the city's officers, also their drafts and closed ones."""
    now = now or timezone.now()
    visible = Q(state=Activity.State.OPEN)
    if user.is_authenticated:
        if {"admin", "officer"} & city_roles(user, city):
            visible = Q()
        else:
            hosts = Membership.objects.with_scope(city=city.pk).filter(user=user).values("organisation_id")
            visible |= Q(host_id__in=hosts)
    return (
        Activity.objects.filter(visible, city=city)
        .select_related("city", "host", "company", "area")
        .prefetch_related("themes", _upcoming_slots(now))
        .order_by("title", "pk")
    )


def activity_visible_get(*, user, city, slug: str, now=None) -> Activity:
    """One activity the reader may see, with its slots to come; 404 otherwise."""
    activity = activities_listed(user=user, city=city, now=now).filter(slug=slug).first()
    if activity is None:
        raise Http404
    return activity


def slot_visible_get(*, user, city, pk: int) -> Slot:
    slot = Slot.objects.filter(city=city, pk=pk).select_related("activity", "activity__host", "city").first()
    if slot is None or not user.has_perm("volunteering.view_activity", slot.activity):
        raise Http404
    return slot


def registration_visible_get(*, user, city, pk: int) -> Registration:
    """A registration its person, its host's people or its company's representatives may see."""
    registration = (
        Registration.objects.filter(city=city, pk=pk)
        .select_related("slot__activity__host", "slot__city", "company", "team")
        .first()
    )
    if registration is None or not user.has_perm("volunteering.view_registration", registration):
        raise Http404
    return registration


def team_by_invite_code(*, city, code: str) -> Team | None:
    return (
        Team.objects.filter(city=city, invite_code=(code or "").strip().upper())
        .select_related("slot__activity", "company")
        .first()
    )


def slot_participants(*, user, slot: Slot) -> QuerySet[Registration]:
    """The registrations on ``slot`` whose person ``user`` may name: all of them for the host's
    people; for a company's representatives, their company's people; for anyone else, their own."""
    rows = Registration.objects.filter(city=slot.city_id, slot=slot).select_related("user", "team", "company")
    if not user.has_perm("volunteering.view_participants", slot.activity):
        represented = (
            Membership.objects.with_scope(city=slot.city_id)
            .filter(user=user, role=Membership.Role.REPRESENTATIVE)
            .values("organisation_id")
        )
        rows = rows.filter(Q(user=user) | Q(company_id__in=represented))
    return rows.order_by("pk")


# Attendance and hours (vtime)
# ---------------------------------------------------------------------------------------------
def hours_visible(*, actor, city, state: str = ""):
    """The hours ``actor`` may see in ``city``: those of the activities their organisations host
    (every participant's), those of their company's employees (for its representatives, not
    other companies' people), and their own."""
    if actor is None or not actor.is_authenticated:
        return HoursEntry.objects.none()
    memberships = Membership.objects.filter(city=city, user=actor)
    hosts = memberships.values("organisation_id")
    companies = memberships.filter(role=Membership.Role.REPRESENTATIVE).values("organisation_id")
    entries = HoursEntry.objects.filter(city=city).filter(
        Q(registration__slot__activity__host__in=hosts)
        | Q(registration__company__in=companies)
        | Q(registration__user=actor)
    )
    if state:
        entries = entries.filter(state=state)
    return entries.select_related(
        "registration__user", "registration__company", "registration__slot__activity"
    ).order_by("registration__slot__starts_at", "pk")


def registration_by_token(*, city, token: str) -> Registration:
    """The registration of ``token`` (its QR code, its calendar file), or 404."""
    return get_object_or_404(
        Registration.objects.select_related("slot__activity__host", "user", "company", "city"), city=city, token=token
    )


def approved_hours_of(*, user, city):
    """A person's approved hours in ``city``, oldest first (their certificate)."""
    return (
        HoursEntry.objects.filter(city=city, registration__user=user, state=HoursEntry.State.APPROVED)
        .select_related("registration__slot__activity__host", "registration__company")
        .order_by("registration__slot__starts_at", "pk")
    )
