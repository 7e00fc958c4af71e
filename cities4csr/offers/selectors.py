from django.db.models import QuerySet

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


def offers_of_city(*, city) -> QuerySet[Offer]:
    return Offer.objects.filter(city=city, is_active=True).select_related("organisation").order_by("id")
