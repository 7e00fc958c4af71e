from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cities4csr.privacy"
    label = "privacy"
