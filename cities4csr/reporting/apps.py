from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cities4csr.reporting"
    label = "reporting"
