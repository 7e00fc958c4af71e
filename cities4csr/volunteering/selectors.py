"""Reads of volunteering: scoped by the acting person and the city, prefetched for their pages."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from cities4csr.organisations.models import Membership

from .models import HoursEntry, Registration


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
