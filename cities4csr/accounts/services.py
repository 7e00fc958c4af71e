"""Writes about a person's own account: their consents (given to one city, the controller)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities4csr.core.services import audit_log

from .models import Consent


def consent_wording(*, city, purpose: str) -> str:
    """The sentence a person agrees to, in the active language (stored with the consent)."""
    if purpose == Consent.Purpose.PUBLIC_NAME:
        return _(
            "I agree that %(city)s shows my first and last name on the public page of the organisations I "
            "represent, as their contact. I can withdraw this consent at any time from my account."
        ) % {"city": city.controller}
    raise ValidationError({"purpose": ValidationError(_("Unknown purpose."), code="invalid")})


def _own(actor, user) -> None:
    # a consent is the person's own act: nobody gives or withdraws it for them
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied("accounts.consent")


def consent_give(*, actor, user, city, purpose: str) -> Consent:
    """``user`` agrees to ``purpose`` in ``city``; a standing consent is returned as it is."""
    _own(actor, user)
    wording = consent_wording(city=city, purpose=purpose)
    with transaction.atomic():
        standing = (
            Consent.objects.with_scope(city=city.pk)
            .select_for_update()
            .filter(user=user, purpose=purpose, withdrawn_at__isnull=True)
            .first()
        )
        if standing is not None:
            return standing
        consent = Consent.objects.with_scope(city=city.pk).create(
            city=city, user=user, purpose=purpose, wording=wording, language=translation.get_language() or ""
        )
        audit_log(actor=actor, city=city, verb="consent.give", obj=consent, payload={"purpose": purpose})
    return consent


def consent_withdraw(*, actor, user, city, purpose: str) -> Consent | None:
    """``user`` withdraws ``purpose`` in ``city``; None when no consent was standing."""
    _own(actor, user)
    return consents_withdraw_all(actor=actor, user=user, cities=[city], purposes=[purpose]).get((city.pk, purpose))


def consents_withdraw_all(*, actor, user, cities, purposes=None) -> dict:
    """Withdraw ``user``'s standing consents in ``cities`` (all purposes unless named), each
    audited. Inside the caller's transaction when there is one (the erasure's)."""
    withdrawn = {}
    with transaction.atomic():
        for city in cities:
            rows = (
                Consent.objects.with_scope(city=city.pk)
                .select_for_update()
                .filter(user=user, withdrawn_at__isnull=True)
            )
            if purposes is not None:
                rows = rows.filter(purpose__in=purposes)
            for consent in rows.order_by("pk"):
                consent.withdrawn_at = timezone.now()
                consent.save(update_fields=["withdrawn_at", "updated_at"])
                audit_log(
                    actor=actor, city=city, verb="consent.withdraw", obj=consent, payload={"purpose": consent.purpose}
                )
                withdrawn[(city.pk, consent.purpose)] = consent
    return withdrawn
