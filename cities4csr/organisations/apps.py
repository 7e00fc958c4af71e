from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "cities4csr.organisations"
    label = "organisations"
