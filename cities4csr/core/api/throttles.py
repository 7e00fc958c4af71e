"""The API's rate limits (DRF throttles), counted on the shared cache (settings.CACHES).

The rates are read from ``settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` at each request,
not once at import as DRF does, so that an environment, or a test, changes them where they are
set. Past its rate a client gets 429 with ``Retry-After`` and a JSON ``detail``."""

from django.conf import settings
from rest_framework import throttling


class _LiveRate:
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


class AnonThrottle(_LiveRate, throttling.AnonRateThrottle):
    """Anonymous clients, per address."""


class UserThrottle(_LiveRate, throttling.UserRateThrottle):
    """Signed-in clients, per user."""


class AdvisorThrottle(_LiveRate, throttling.UserRateThrottle):
    """The instrument advisor: a tighter rate per user, or per address for anonymous clients."""

    scope = "advisor"
