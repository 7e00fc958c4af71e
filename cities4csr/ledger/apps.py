from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LedgerConfig(AppConfig):
    name = "cities4csr.ledger"
    label = "ledger"

    def ready(self):
        from . import rules  # noqa: F401 - who reads the ledger
        from .triggers import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="ledger_sqlite_functions")
