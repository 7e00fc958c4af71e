"""Reads of volunteering: scoped to the city, prefetched, never more than the reader may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import city_roles

from .models import Activity, Registration, Slot, Team

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
