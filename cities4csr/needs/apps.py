from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "cities4csr.needs"
    label = "needs"

    def ready(self):
        from . import states  # noqa: F401 - registers the need's lifecycle
