from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "cities4csr.offers"
    label = "offers"
