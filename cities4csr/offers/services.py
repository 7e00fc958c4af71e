"""Writes for a company's CSR profile and its offers."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.needs import sdg
from cities4csr.needs.services import resource_valuation

from .models import CsrProfile, Offer

PROFILE_FIELDS = ("near_our_sites", "headcount", "volunteering_days_per_year", "notify_new_needs")


def profile_update(*, actor, organisation, themes=None, sdgs=None, preferred_areas=None, **fields) -> CsrProfile:
    require(actor, "offers.change_profile", organisation)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {', '.join(sorted(unknown))}")
    profile, _ = CsrProfile.objects.get_or_create(city=organisation.city, organisation=organisation)
    for key, value in fields.items():
        setattr(profile, key, value)
    if sdgs is not None:
        try:
            profile.sdgs = sdg.validate_codes(list(sdgs))
        except ValueError as exc:
            raise ValidationError({"sdgs": str(exc)}) from None
    profile.full_clean()
    with transaction.atomic():
        profile.save()
        if themes is not None:
            profile.themes.set(themes)
        if preferred_areas is not None:
            profile.preferred_areas.set(preferred_areas)
        audit_log(
            actor=actor, city=organisation.city, verb="profile.update", obj=profile, payload={"fields": sorted(fields)}
        )
    return profile


def offer_create(
    *,
    actor,
    organisation,
    kind: str,
    label: str,
    quantity: int,
    value_cents: int | None = None,
    unit: str = "",
    **fields,
) -> Offer:
    require(actor, "offers.change_profile", organisation)
    value_cents, unit = resource_valuation(kind=kind, quantity=quantity, value_cents=value_cents, unit=unit)
    offer = Offer(
        city=organisation.city,
        organisation=organisation,
        kind=kind,
        label=label,
        quantity=quantity,
        value_cents=value_cents,
        unit=unit,
        **fields,
    )
    offer.full_clean()
    with transaction.atomic():
        offer.save()
        audit_log(
            actor=actor,
            city=organisation.city,
            verb="offer.create",
            obj=offer,
            payload={"kind": kind, "quantity": quantity, "value_cents": value_cents},
        )
    return offer


def offer_withdraw(*, actor, offer: Offer) -> Offer:
    require(actor, "offers.change_profile", offer.organisation)
    with transaction.atomic():
        offer.is_active = False
        offer.save(update_fields=["is_active", "updated_at"])
        audit_log(actor=actor, city=offer.city, verb="offer.withdraw", obj=offer)
    return offer
