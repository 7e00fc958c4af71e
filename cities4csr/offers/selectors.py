from django.db.models import QuerySet

from cities4csr.organisations.selectors import visible_to

from .models import CsrProfile, Offer


def profile_of(*, organisation) -> CsrProfile | None:
    return (
        CsrProfile.objects.filter(city=organisation.city, organisation=organisation).prefetch_related("themes").first()
    )


def offers_of(*, city, organisations) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(city=city, organisation__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "kind", "id")
    )


def offers_visible(*, actor, city) -> QuerySet[Offer]:
    """The city's active offers whose organisation ``actor`` may see (private ones: its members and officers)."""
    return (
        Offer.objects.filter(visible_to(actor, city, via="organisation__"), city=city, is_active=True)
        .select_related("organisation")
        .order_by("id")
    )
