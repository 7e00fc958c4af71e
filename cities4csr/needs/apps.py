from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "cities4csr.needs"
    label = "needs"
