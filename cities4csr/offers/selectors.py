from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cities4csr.organisations.selectors import visible_to

from .models import CsrProfile, Offer


def offer_is_live(*, on=None) -> Q:
    """An offer matching and pooling may use: not withdrawn, and not past its last day
    (``available_until``, the offer's expiry) on ``on`` (today in the city's time zone by default)."""
    on = on or timezone.localdate()
    return Q(is_active=True) & (Q(available_until__isnull=True) | Q(available_until__gte=on))


def offers_live(*, city, on=None) -> QuerySet[Offer]:
    """The city's offers that still count (``offer_is_live``)."""
    return Offer.objects.filter(offer_is_live(on=on), city=city)


def offer_get(*, actor, city, pk) -> Offer:
    """An offer of an organisation ``actor`` may see (404 otherwise), withdrawn or not."""
    return get_object_or_404(
        Offer.objects.filter(visible_to(actor, city, via="organisation__"), city=city).select_related("organisation"),
        pk=pk,
    )


def profile_of(*, organisation) -> CsrProfile | None:
    return (
        CsrProfile.objects.filter(city=organisation.city, organisation=organisation).prefetch_related("themes").first()
    )


def offers_of(*, city, organisations) -> QuerySet[Offer]:
    """An organisation's offers that are not withdrawn, expired ones included (its workspace
    shows them as expired, to renew or withdraw)."""
    return (
        Offer.objects.filter(city=city, organisation__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "kind", "id")
    )


def offers_visible(*, actor, city) -> QuerySet[Offer]:
    """The city's live offers (not withdrawn, not expired) whose organisation ``actor`` may see (private ones: its members and officers)."""
    return (
        Offer.objects.filter(visible_to(actor, city, via="organisation__"), offer_is_live(), city=city)
        .select_related("organisation")
        .order_by("id")
    )
