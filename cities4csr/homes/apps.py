from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "cities4csr.homes"
    label = "homes"
