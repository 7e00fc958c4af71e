from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "cities4csr.funds"
    label = "funds"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycles, the floor and the effects
