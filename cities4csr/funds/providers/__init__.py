"""Card payments through a provider (ADR 0029, issue 15): a registry of providers by name, the
one configured in the settings (``CARD_PROVIDER``), and whether a city's donors are offered
card payment at all. A provider whose keys are not set does not exist for the site: no card
option in the give form, 404 on the checkout and webhook addresses."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import CardProvider, Checkout, CheckoutComplete, EventKind, PaymentEvent, ProviderError, SignatureError

__all__ = [
    "CardProvider",
    "Checkout",
    "CheckoutComplete",
    "EventKind",
    "PaymentEvent",
    "ProviderError",
    "SignatureError",
    "card_payments_available",
    "card_provider",
    "provider_register",
]

#: name -> dotted path of the provider's class, imported only when it is configured (the
#: provider's own library is then loaded, never on a site that does not use it)
PROVIDERS: dict[str, str] = {"stripe": "cities4csr.funds.providers.stripe.StripeProvider"}

#: currencies with two decimal places: the platform keeps cents (ADR 0009), a provider minor units
TWO_DECIMAL_CURRENCIES = {"EUR", "CHF", "GBP", "USD", "DKK", "SEK", "NOK", "PLN", "CZK", "RON", "BGN"}


def provider_register(name: str, path: str) -> None:
    PROVIDERS[name] = path


def card_provider(name: str | None = None) -> CardProvider | None:
    """The configured card provider (``settings.CARD_PROVIDER``), or the one named if it is the
    configured one; None when there is none or its keys are missing."""
    configured = getattr(settings, "CARD_PROVIDER", "") or ""
    if not configured or (name is not None and name != configured) or configured not in PROVIDERS:
        return None
    provider = import_string(PROVIDERS[configured])()
    return provider if provider.is_configured() else None


def card_payments_available(city) -> bool:
    """Whether the give form of ``city`` offers card payment: a provider is configured and the
    city's currency is one whose minor unit is the cent. (The give form's hook: a channel is
    shown only when this says so.)"""
    return card_provider() is not None and (city.currency or "").upper() in TWO_DECIMAL_CURRENCIES
