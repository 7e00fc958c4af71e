from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "cities4csr.funds"
    label = "funds"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycles, the floor and the effects
        from .providers import services as providers  # noqa: F401 - registers the card channel and its refunds
        from . import pagopa_services  # noqa: F401 - gives pagoPA contributions their notice (ADR 0028)
