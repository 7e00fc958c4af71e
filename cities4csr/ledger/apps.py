from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "cities4csr.ledger"
    label = "ledger"
