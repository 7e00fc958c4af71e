from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cities4csr.matching"
    label = "matching"

    def ready(self):
        from . import rules, services, signals, states  # noqa: F401 - permissions, lifecycles, recompute trigger
