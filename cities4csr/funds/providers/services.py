"""Writes of card payments (ADR 0029): start a provider's hosted checkout for a pending card
contribution, refund one through the provider, and apply the provider's verified notifications.

A notification is applied once: its id is kept (``ProviderEvent``), in the transaction that
applies it and under the contribution's lock, so the same notification sent again (Stripe
re-sends until it gets a 200, and may send two at once) changes nothing, and so does a second
notification of something already done (a refund is also idempotent by its own id, a receipt by
the contribution's state). The money moves through the funds services (receive, cancel,
refund), which write the ledger and audit; the system is their actor."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log
from cities4csr.ledger.models import Account

from ..models import Contribution, ProviderEvent
from ..selectors import channel_availability_register
from ..services import (
    awards_pending_cents,
    contribution_cancel,
    contribution_receive,
    contribution_refund,
    refund_provider_register,
)
from . import CheckoutComplete, EventKind, PaymentEvent, ProviderError, card_payments_available, card_provider

log = logging.getLogger(__name__)

C = Contribution.State
Outcome = ProviderEvent.Outcome


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# --- checkout --------------------------------------------------------------------------------


def card_checkout_start(
    *, actor, contribution: Contribution, success_url: str, cancel_url: str, locale: str = ""
) -> str:
    """The address of the provider's hosted checkout where the donor pays ``contribution`` (a
    pending card contribution); they come back to ``success_url`` or ``cancel_url``. A checkout
    still open is taken up again rather than opening a second one. Anyone holding the
    contribution's page may pay it: its address is its key (the donor needs no account)."""
    provider = card_provider()
    if provider is None or not card_payments_available(contribution.city):
        raise _refused(_("Card payments are not available in this city."), "card_unavailable")
    if contribution.channel != Contribution.Channel.CARD:
        raise _refused(_("This contribution is not paid by card."), "not_card")
    if contribution.state != C.PENDING:
        raise _refused(_("This contribution is not waiting for a payment."), "not_pending")
    try:  # the provider is called outside any transaction: no lock is held while it answers
        checkout = provider.checkout_start(
            contribution,
            success_url=success_url,
            cancel_url=cancel_url,
            previous_ref=contribution.provider_ref,
            locale=locale,
        )
    except CheckoutComplete as error:
        raise _refused(
            _("Your card payment has been made: it appears here as soon as the card payment service confirms it."),
            "already_paid",
        ) from error
    except ProviderError as error:
        log.warning("card checkout not started for contribution %s: %s", contribution.pk, error)
        raise _refused(
            _("The card payment could not be started. Try again in a few minutes."), "provider_unavailable"
        ) from error
    with transaction.atomic():
        locked = Contribution.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=contribution.pk)
        if locked.state != C.PENDING:  # paid or cancelled meanwhile
            raise _refused(_("This contribution is not waiting for a payment."), "not_pending")
        if locked.provider_ref != checkout.provider_ref:
            previous = locked.provider_ref
            Contribution.objects.with_scopes_disabled().filter(pk=locked.pk).update(provider_ref=checkout.provider_ref)
            audit_log(
                actor=actor,
                city=locked.city,
                verb="contribution.card_checkout",
                obj=locked,
                payload={"provider": provider.name, "checkout": checkout.provider_ref, "previous": previous},
            )
    contribution.provider_ref = checkout.provider_ref
    return checkout.url


# --- refunds by an officer --------------------------------------------------------------------


channel_availability_register(Contribution.Channel.CARD, card_payments_available)


@refund_provider_register(Contribution.Channel.CARD)
def card_refund(*, actor, contribution: Contribution, amount_cents: int, reason: str) -> Contribution:
    """An officer gives back (part of) a card contribution: the provider refunds the donor's
    card, then the ledger reverses that part with the provider's id of the refund, so that the
    provider's own notice of it, which follows, adds nothing. What can be refused is checked
    before the provider is asked: what is still held and, for a fund, what its approved awards
    leave available."""
    require(actor, "funds.refund_contribution", contribution)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationError(
            {"amount_cents": ValidationError(_("The amount must be above zero."), code="not_positive")}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": ValidationError(_("Say why."), code="reason_required")})
    provider = card_provider()
    if provider is None:
        raise _refused(_("Card payments are not available in this city."), "card_unavailable")
    if contribution.channel != Contribution.Channel.CARD:
        raise _refused(_("This contribution is not paid by card."), "not_card")
    contribution = Contribution.objects.with_scopes_disabled().select_related("city", "target").get(pk=contribution.pk)
    if contribution.state not in (C.RECEIVED, C.PARTLY_REFUNDED):
        raise _refused(_("Only a received contribution can be refunded."), "not_received")
    if amount_cents > contribution.open_cents:
        raise ValidationError(
            {
                "amount_cents": ValidationError(
                    _("A refund cannot exceed what was received and not yet refunded."), code="too_much"
                )
            }
        )
    target = contribution.target
    if target.kind == Account.Kind.FUND and amount_cents > target.balance_cents - awards_pending_cents(account=target):
        raise ValidationError(
            {
                "amount_cents": ValidationError(
                    _("The fund's approved awards hold this money: it cannot be refunded now."), code="over_available"
                )
            }
        )
    payment_ref = (
        ProviderEvent.objects.with_scopes_disabled()
        .filter(contribution=contribution, provider=provider.name)
        .exclude(payment_ref="")
        .order_by("pk")
        .values_list("payment_ref", flat=True)
        .first()
    )
    if not payment_ref:
        raise _refused(
            _("The card payment of this contribution is not known here: refund it from the card payment service."),
            "no_payment",
        )
    # the same request twice (a form posted twice) is one refund at the provider
    key = f"cities4csr-refund-{contribution.city.slug}-{contribution.pk}-{contribution.refunded_cents}-{amount_cents}"
    try:
        refund_id = provider.refund(contribution, payment_ref=payment_ref, amount_cents=amount_cents, key=key)
    except ProviderError as error:
        log.warning("card refund not made for contribution %s: %s", contribution.pk, error)
        raise _refused(
            _("The card payment service did not make the refund. Try again in a few minutes."), "provider_unavailable"
        ) from error
    return contribution_refund(
        actor=actor,
        contribution=contribution,
        amount_cents=amount_cents,
        reason=reason,
        refund_ref=f"{provider.name}:{refund_id}",
    )


# --- notifications ---------------------------------------------------------------------------


def card_notification_apply(*, provider: str, events: list[PaymentEvent]) -> list[str]:
    """Apply the events of a provider's notification (its signature already verified), one
    result per notification id: ``applied``, ``unchanged``, ``refused`` (recorded, and in the
    city's activity for its officers), ``repeated`` (already applied), ``ignored`` (nothing for
    the platform) or ``unknown`` (no contribution of this site)."""
    grouped: OrderedDict[str, list[PaymentEvent]] = OrderedDict()
    for event in events:
        grouped.setdefault(event.event_id, []).append(event)
    return [_notification_apply(provider, event_id, items) for event_id, items in grouped.items()]


def _notification_apply(provider: str, event_id: str, items: list[PaymentEvent]) -> str:
    relevant = [e for e in items if e.kind != EventKind.IGNORED]
    if not event_id or not relevant:
        return "ignored"
    if any(e.site and e.site != settings.SITE_URL for e in relevant):
        return "ignored"  # started by another site sharing the provider's account
    contribution = _contribution_of(provider, relevant[0])
    if contribution is None:
        log.warning("%s event %s (%s): no card contribution of this site", provider, event_id, relevant[0].type)
        return "unknown"
    events = ProviderEvent.objects.with_scopes_disabled()
    try:
        with scope(city=contribution.city_id), transaction.atomic():
            # one notification of a contribution at a time: a second copy waits here, then
            # finds the first one's id
            locked = (
                Contribution.objects.with_scopes_disabled()
                .select_for_update(of=("self",))
                .select_related("city")
                .get(pk=contribution.pk)
            )
            if events.filter(provider=provider, event_id=event_id).exists():
                return "repeated"
            results = [_event_apply(provider, locked, e) for e in relevant]
            outcomes = {outcome for outcome, _code in results}
            outcome = next(o for o in (Outcome.REFUSED, Outcome.APPLIED, Outcome.UNCHANGED) if o in outcomes)
            detail = ",".join(sorted({code for _outcome, code in results if code}))[:100]
            ProviderEvent.objects.with_scopes_disabled().create(
                city=locked.city,
                provider=provider,
                event_id=event_id,
                type=relevant[0].type[:100],
                contribution=locked,
                payment_ref=next((e.payment_ref for e in relevant if e.payment_ref), ""),
                outcome=outcome,
                detail=detail,
            )
            if outcome == Outcome.REFUSED:
                log.error("%s event %s refused for contribution %s: %s", provider, event_id, locked.pk, detail)
                audit_log(
                    actor=None,
                    city=locked.city,
                    verb="contribution.card_refused",
                    obj=locked,
                    payload={"provider": provider, "event": event_id, "type": relevant[0].type, "codes": detail},
                )
            return str(outcome)
    except IntegrityError:
        if events.filter(provider=provider, event_id=event_id).exists():
            return "repeated"  # a copy sent at the same moment was applied first
        raise


def _contribution_of(provider: str, event: PaymentEvent) -> Contribution | None:
    """The card contribution an event is about: a refund by the payment it names (recorded
    when it was paid), a checkout by the contribution it was started for."""
    contributions = Contribution.objects.with_scopes_disabled().select_related("city")
    found = None
    if event.kind == EventKind.REFUNDED and event.payment_ref:
        paid = (
            ProviderEvent.objects.with_scopes_disabled()
            .filter(provider=provider, payment_ref=event.payment_ref)
            .order_by("pk")
            .values_list("contribution_id", flat=True)
            .first()
        )
        if paid is not None:
            return contributions.get(pk=paid)
    if event.contribution_id:
        found = contributions.filter(pk=event.contribution_id, channel=Contribution.Channel.CARD).first()
    elif event.checkout_ref:
        found = contributions.filter(provider_ref=event.checkout_ref, channel=Contribution.Channel.CARD).first()
    if found is not None and found.city.slug != event.city:
        return None  # the same number in another city, or a payment the platform did not start
    return found


def _event_apply(provider: str, contribution: Contribution, event: PaymentEvent) -> tuple[str, str]:
    """(outcome, refusal code) of one event, in a savepoint: a refused event writes nothing."""
    contribution.refresh_from_db()
    try:
        with transaction.atomic():
            if event.currency and event.currency != contribution.city.currency.upper():
                raise _refused("wrong currency", "wrong_currency")
            return APPLY[event.kind](provider, contribution, event), ""
    except ValidationError as error:
        return Outcome.REFUSED, _codes(error)


def _codes(error: ValidationError) -> str:
    items = (
        [e for errors in error.error_dict.values() for e in errors]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return ",".join(sorted({e.code or "invalid" for e in items})) or "invalid"


def _local_day(event: PaymentEvent, city) -> datetime.date:
    moment = event.occurred_at or timezone.now()
    return timezone.localtime(moment, timezone=zoneinfo.ZoneInfo(city.timezone)).date()


def _paid(provider: str, contribution: Contribution, event: PaymentEvent) -> str:
    if contribution.state == C.PENDING:
        contribution_receive(
            actor=None,
            contribution=contribution,
            received_cents=event.amount_cents if event.amount_cents is not None else contribution.amount_cents,
            received_on=_local_day(event, contribution.city),
            entry_ref=f"{provider} {event.checkout_ref}",
        )
        if event.checkout_ref and contribution.provider_ref != event.checkout_ref:
            # paid through a checkout the donor had opened before the last one
            Contribution.objects.with_scopes_disabled().filter(pk=contribution.pk).update(
                provider_ref=event.checkout_ref
            )
        return Outcome.APPLIED
    if contribution.provider_ref == event.checkout_ref and contribution.state != C.CANCELLED:
        return Outcome.UNCHANGED  # its receipt was written by an earlier event of the same checkout
    # money arrived for a contribution that was cancelled or paid another way: an officer gives it back
    raise _refused("paid twice", "not_pending")


def _closed(provider: str, contribution: Contribution, event: PaymentEvent) -> str:
    """A checkout that expired or whose payment failed: the contribution is cancelled if it
    was waiting for that checkout (not for a newer one the donor opened since)."""
    if contribution.state == C.PENDING and contribution.provider_ref == event.checkout_ref:
        contribution_cancel(actor=None, contribution=contribution)
        return Outcome.APPLIED
    return Outcome.UNCHANGED


def _refunded(provider: str, contribution: Contribution, event: PaymentEvent) -> str:
    refund_ref = f"{provider}:{event.refund_ref}"
    if contribution.group_id and contribution.group.reversals.filter(source_ref=f"funds.refund:{refund_ref}").exists():
        return Outcome.UNCHANGED
    if not event.amount_cents:
        raise _refused("no amount", "invalid")
    with translation.override(contribution.city.default_language or settings.LANGUAGE_CODE):
        reason = _("Card payment refunded")
    before = contribution.refunded_cents
    refunded = contribution_refund(
        actor=None, contribution=contribution, amount_cents=event.amount_cents, reason=reason, refund_ref=refund_ref
    )
    return Outcome.APPLIED if refunded.refunded_cents != before else Outcome.UNCHANGED


APPLY = {
    EventKind.PAID: _paid,
    EventKind.FAILED: _closed,
    EventKind.EXPIRED: _closed,
    EventKind.REFUNDED: _refunded,
}
