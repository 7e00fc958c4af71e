from django.apps import AppConfig


class CitiesConfig(AppConfig):
    name = "cities4csr.cities"
    label = "cities"
