from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cities4csr.matching"
    label = "matching"

    def ready(self):
        from . import rules, signals  # noqa: F401 - registers permissions and the recompute trigger
