"""What a card payment provider does for the platform (ADR 0029), whoever it is: start a hosted
checkout for a contribution, and turn the provider's signed notifications (webhooks) into
payment events the funds app applies. No Django model is written here: the provider only
speaks to its service and reads what it sends; ``providers.services`` writes."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class SignatureError(Exception):
    """A notification whose signature does not hold (forged, altered, too old, or no signature):
    nothing of it may be read."""


class ProviderError(Exception):
    """The provider could not be reached or refused a request (the donor is asked to try again)."""


class CheckoutComplete(Exception):
    """The donor's last checkout was completed: its payment is on its way (its notification has
    not arrived yet), so no second checkout is opened."""


class EventKind(enum.StrEnum):
    PAID = "paid"  # the money of a checkout arrived: receive the contribution
    FAILED = "failed"  # the payment was refused (a delayed method that bounced): cancel it
    EXPIRED = "expired"  # the donor never paid and the checkout closed: cancel it
    REFUNDED = "refunded"  # (part of) the payment was given back: reverse that part
    IGNORED = "ignored"  # anything else the provider sends: answered, never applied


@dataclass(frozen=True)
class Checkout:
    """A hosted checkout started for a contribution: the provider's id of it (kept in
    ``Contribution.provider_ref``) and the page the donor is sent to."""

    provider_ref: str
    url: str


@dataclass(frozen=True)
class PaymentEvent:
    """One notification of the provider, read. ``event_id`` is the provider's own id of it (a
    re-sent notification has the same one); the contribution is named by ``contribution_id``
    and ``city`` (what the checkout was started with), or for a refund by ``payment_ref``, the
    provider's id of the payment that was paid."""

    provider: str
    event_id: str
    type: str  # the provider's name of the event, e.g. checkout.session.completed
    kind: EventKind
    occurred_at: datetime.datetime | None = None
    checkout_ref: str = ""
    contribution_id: int | None = None
    city: str = ""
    site: str = ""  # the address of the site that started the checkout (one account, several sites)
    payment_ref: str = ""
    refund_ref: str = ""
    amount_cents: int | None = None
    currency: str = ""


class CardProvider(Protocol):
    """A card payment provider. ``name`` is its key in the registry, in the webhook's address
    and in ``ProviderEvent.provider``."""

    name: str

    def is_configured(self) -> bool:
        """Whether its keys are set: without them no card option is shown anywhere."""

    def checkout_start(
        self, contribution, *, success_url: str, cancel_url: str, previous_ref: str = "", locale: str = ""
    ) -> Checkout:
        """Start (or, when ``previous_ref`` is still open, take up again) a hosted checkout of
        ``contribution``'s amount in its city's currency. Raises ``CheckoutComplete`` when
        ``previous_ref`` was paid, ``ProviderError`` when the provider fails."""

    def refund(self, contribution, *, payment_ref: str, amount_cents: int, key: str) -> str:
        """Give ``amount_cents`` of the payment ``payment_ref`` back to the donor's card; the
        provider's id of the refund. ``key`` makes a request sent twice one refund. Raises
        ``ProviderError``."""

    def webhook_events(self, payload: bytes, headers: Mapping[str, str]) -> list[PaymentEvent]:
        """The events of a notification whose signature holds; raises ``SignatureError``
        otherwise, before reading anything of it."""
