from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "cities4csr.impact"
    label = "impact"

    def ready(self):
        from . import services, states  # noqa: F401 - registers the lifecycle and its guards
