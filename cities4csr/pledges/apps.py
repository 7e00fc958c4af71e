from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "cities4csr.pledges"
    label = "pledges"
