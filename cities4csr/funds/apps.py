from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "cities4csr.funds"
    label = "funds"

    def ready(self):
        from . import (  # noqa: F401 - registers the lifecycles, the floor and the effects
            pagopa_services,  # noqa: F401 - gives pagoPA contributions their notice (ADR 0028)
            services,
            states,
        )
        from .providers import services as providers  # noqa: F401 - registers the card channel and its refunds
