from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "cities4csr.pledges"
    label = "pledges"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycles, their guards and effects
