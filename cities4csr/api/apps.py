from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cities4csr.api"
    label = "api"
