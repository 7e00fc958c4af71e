"""Writes for a company's CSR profile and its offers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.needs import sdg
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.services import resource_valuation, sdg_problem

from .models import CsrProfile, Offer

PROFILE_FIELDS = (
    "near_our_sites",
    "headcount",
    "volunteering_days_per_year",
    "volunteer_hour_cost_cents",
    "notify_new_needs",
)


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
            raise ValidationError({"sdgs": sdg_problem(exc)}) from None
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


OFFER_FIELDS = (
    "label",
    "available_from",
    "available_until",
    "wants_visibility",
    "wants_employee_involvement",
    "conditions",
)


def offer_update(
    *, actor, offer: Offer, kind: str | None = None, quantity: int | None = None, value_cents=None, **fields
) -> Offer:
    """Correct an active offer (what, how much, until when). A withdrawn offer stays withdrawn:
    the company adds a new one. Matching reads the change at its next recomputation."""
    require(actor, "offers.change_profile", offer.organisation)
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"not offer fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
        if not locked.is_active:
            raise ValidationError(_("This offer was withdrawn: add a new one instead."), code="withdrawn")
        kind = kind or locked.kind
        quantity = locked.quantity if quantity is None else quantity
        if value_cents is None and kind != ResourceKind.MONEY and kind == locked.kind:
            value_cents = round(locked.value_cents * quantity / locked.quantity)
        value_cents, unit = resource_valuation(
            kind=kind, quantity=quantity, value_cents=value_cents, unit=locked.unit if kind == locked.kind else ""
        )
        start = fields.get("available_from", locked.available_from)
        end = fields.get("available_until", locked.available_until)
        if start and end and end < start:
            raise ValidationError(
                {"available_until": ValidationError(_("The end is before the start."), code="dates_order")}
            )
        changed = sorted(
            [name for name, value in fields.items() if getattr(locked, name) != value]
            + [
                name
                for name, value in (("kind", kind), ("quantity", quantity), ("value_cents", value_cents))
                if getattr(locked, name) != value
            ]
        )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.kind, locked.quantity, locked.value_cents, locked.unit = kind, quantity, value_cents, unit
        locked.full_clean()
        locked.save()
        audit_log(actor=actor, city=locked.city, verb="offer.update", obj=locked, payload={"fields": changed})
    return locked


def offer_withdraw(*, actor, offer: Offer) -> Offer:
    """The company takes an offer back: it leaves matching and pooling proposals at once and for
    good (kept for the record, never deleted: collective actions may name it)."""
    require(actor, "offers.change_profile", offer.organisation)
    with transaction.atomic():
        locked = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
        if not locked.is_active:
            raise ValidationError(_("This offer was already withdrawn: nothing was changed."), code="already")
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        audit_log(actor=actor, city=locked.city, verb="offer.withdraw", obj=locked)
    offer.is_active = False
    return locked
