from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cities4csr.accounts"
    label = "accounts"
