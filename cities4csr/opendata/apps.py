from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "cities4csr.opendata"
    label = "opendata"
