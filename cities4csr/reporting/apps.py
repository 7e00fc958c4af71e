from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cities4csr.reporting"
    label = "reporting"

    def ready(self):
        from . import rules  # noqa: F401 - who reads a statement, who records management costs
