"""Card payments through Stripe (ADR 0029): a hosted Checkout Session per contribution, and the
signed webhooks that say it was paid, expired or refunded.

Only the official ``stripe`` library speaks to Stripe. Nothing here touches the database: the
events read here are applied by ``funds.providers.services``. Tests give the class a fake HTTP
client (``StripeProvider.http_client``): no test reaches the network.

The events read (the webhook endpoint in Stripe's dashboard subscribes to these, with the API
version of the pinned library):

- ``checkout.session.completed`` (paid unless a delayed method is still pending),
  ``checkout.session.async_payment_succeeded``: paid;
- ``checkout.session.async_payment_failed``: failed; ``checkout.session.expired``: expired;
- ``refund.created``, ``refund.updated``, ``charge.refund.updated`` (a refund that has
  succeeded) and ``charge.refunded`` (when it lists its refunds): refunded, one event per refund;
- anything else: ignored.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import stripe as stripe_lib
from django.conf import settings

from .base import Checkout, CheckoutComplete, EventKind, PaymentEvent, ProviderError, SignatureError

#: Checkout's own languages among the platform's
CHECKOUT_LOCALES = {"it", "en", "fr", "de", "es", "nl", "pt"}

REFUND_EVENTS = {"refund.created", "refund.updated", "charge.refund.updated"}


def _id(value) -> str:
    """An object's id whether Stripe sent the id or the expanded object."""
    if isinstance(value, Mapping):
        return str(value.get("id") or "")
    return str(value or "")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class StripeProvider:
    name = "stripe"
    #: a ``stripe.HTTPClient`` to use instead of the library's own (tests set a fake one)
    http_client: stripe_lib.HTTPClient | None = None

    def __init__(
        self, *, secret_key: str | None = None, webhook_secret: str | None = None, tolerance: int | None = None
    ):
        self.secret_key = settings.STRIPE_SECRET_KEY if secret_key is None else secret_key
        self.webhook_secret = settings.STRIPE_WEBHOOK_SECRET if webhook_secret is None else webhook_secret
        self.tolerance = settings.STRIPE_WEBHOOK_TOLERANCE if tolerance is None else tolerance

    def is_configured(self) -> bool:
        return bool(self.secret_key and self.webhook_secret)

    def _client(self) -> stripe_lib.StripeClient:
        return stripe_lib.StripeClient(self.secret_key, http_client=self.http_client, max_network_retries=2)

    # -- checkout ------------------------------------------------------------------------------

    def checkout_params(self, contribution, *, success_url: str, cancel_url: str, locale: str = "") -> dict:
        """What a Checkout Session of ``contribution`` is created with: its amount in cents and
        its city's currency, the contribution and its city as reference and metadata (the
        webhook finds the contribution by them), the donor's page to come back to."""
        city = contribution.city
        metadata = {
            "contribution": str(contribution.pk),
            "city": city.slug,
            "reference": contribution.reference,
            "site": settings.SITE_URL,
        }
        label = contribution.target.label or contribution.reference
        params = {
            "mode": "payment",
            "submit_type": "donate",
            "client_reference_id": str(contribution.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": f"{contribution.reference} · {label}"[:500]},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": city.currency.lower(),
                        "unit_amount": contribution.amount_cents,
                        "product_data": {"name": label[:250]},
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if contribution.donor_email:
            params["customer_email"] = contribution.donor_email
        if locale in CHECKOUT_LOCALES:
            params["locale"] = locale
        return params

    def checkout_start(
        self, contribution, *, success_url: str, cancel_url: str, previous_ref: str = "", locale: str = ""
    ) -> Checkout:
        client = self._client()
        if previous_ref:  # the donor came back: their checkout, if still open, is taken up again
            try:
                session = client.v1.checkout.sessions.retrieve(previous_ref).to_dict()
            except stripe_lib.StripeError:
                session = None
            if session is not None and session.get("status") == "complete":
                raise CheckoutComplete(previous_ref)
            if (
                session is not None
                and session.get("status") == "open"
                and session.get("amount_total") == contribution.amount_cents
                and session.get("url")
            ):
                return Checkout(provider_ref=session["id"], url=session["url"])
        params = self.checkout_params(contribution, success_url=success_url, cancel_url=cancel_url, locale=locale)
        # a form posted twice at once gets the same session, not two
        key = f"cities4csr-{contribution.city.slug}-{contribution.pk}-after-{previous_ref or 'none'}-{locale}"
        try:
            session = client.v1.checkout.sessions.create(params=params, options={"idempotency_key": key}).to_dict()
        except stripe_lib.StripeError as error:
            raise ProviderError(str(error.user_message or error.code or type(error).__name__)) from error
        if not session.get("id") or not session.get("url"):
            raise ProviderError("no checkout address")
        return Checkout(provider_ref=session["id"], url=session["url"])

    # -- refunds -------------------------------------------------------------------------------

    def refund(self, contribution, *, payment_ref: str, amount_cents: int, key: str) -> str:
        params = {
            "payment_intent": payment_ref,
            "amount": amount_cents,
            "reason": "requested_by_customer",
            "metadata": {
                "contribution": str(contribution.pk),
                "city": contribution.city.slug,
                "site": settings.SITE_URL,
            },
        }
        try:
            refund = self._client().v1.refunds.create(params=params, options={"idempotency_key": key}).to_dict()
        except stripe_lib.StripeError as error:
            raise ProviderError(str(error.user_message or error.code or type(error).__name__)) from error
        if not refund.get("id") or refund.get("status") in ("failed", "canceled"):
            raise ProviderError(f"refund {refund.get('status')}")
        return refund["id"]

    # -- webhooks ------------------------------------------------------------------------------

    def webhook_events(self, payload: bytes, headers: Mapping[str, str]) -> list[PaymentEvent]:
        signature = headers.get("Stripe-Signature") or headers.get("HTTP_STRIPE_SIGNATURE")
        try:
            event = stripe_lib.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=self.tolerance
            )
        except stripe_lib.SignatureVerificationError as error:
            raise SignatureError(str(error)) from error
        except ValueError as error:  # signed but not a Stripe event: read nothing
            raise SignatureError("not an event") from error
        return self.events_of(event.to_dict())

    def events_of(self, event: dict) -> list[PaymentEvent]:
        """The payment events of one (verified) Stripe event."""
        type_ = str(event.get("type") or "")
        obj = (event.get("data") or {}).get("object") or {}
        created = _int(event.get("created"))
        base = {
            "provider": self.name,
            "event_id": str(event.get("id") or ""),
            "type": type_,
            "occurred_at": datetime.datetime.fromtimestamp(created, tz=datetime.UTC) if created else None,
        }
        if type_.startswith("checkout.session.") and obj.get("mode") == "payment":
            kind = {
                "checkout.session.completed": EventKind.PAID
                if obj.get("payment_status") in ("paid", "no_payment_required")
                else EventKind.IGNORED,  # a delayed method: async_payment_succeeded follows
                "checkout.session.async_payment_succeeded": EventKind.PAID,
                "checkout.session.async_payment_failed": EventKind.FAILED,
                "checkout.session.expired": EventKind.EXPIRED,
            }.get(type_, EventKind.IGNORED)
            metadata = obj.get("metadata") or {}
            return [
                PaymentEvent(
                    **base,
                    kind=kind,
                    checkout_ref=_id(obj),
                    contribution_id=_int(obj.get("client_reference_id")) or _int(metadata.get("contribution")),
                    city=str(metadata.get("city") or ""),
                    site=str(metadata.get("site") or ""),
                    payment_ref=_id(obj.get("payment_intent")),
                    amount_cents=_int(obj.get("amount_total")),
                    currency=str(obj.get("currency") or "").upper(),
                )
            ]
        if type_ in REFUND_EVENTS and obj.get("object") == "refund":
            return [self._refund(base, obj, obj.get("metadata") or {})]
        if type_ == "charge.refunded" and obj.get("object") == "charge":
            refunds = (obj.get("refunds") or {}).get("data") or []
            # without the list (API versions since 2022-11-15), the refund.* events carry each refund
            return [self._refund(base, refund, obj.get("metadata") or {}) for refund in refunds] or [
                PaymentEvent(**base, kind=EventKind.IGNORED)
            ]
        return [PaymentEvent(**base, kind=EventKind.IGNORED)]

    def _refund(self, base: dict, refund: dict, metadata: dict) -> PaymentEvent:
        return PaymentEvent(
            **base,
            kind=EventKind.REFUNDED if refund.get("status") == "succeeded" else EventKind.IGNORED,
            contribution_id=_int(metadata.get("contribution")),
            city=str(metadata.get("city") or ""),
            site=str(metadata.get("site") or ""),
            payment_ref=_id(refund.get("payment_intent")),
            refund_ref=_id(refund),
            amount_cents=_int(refund.get("amount")),
            currency=str(refund.get("currency") or "").upper(),
        )
