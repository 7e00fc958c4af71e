from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cities4csr.core"
    label = "core"
