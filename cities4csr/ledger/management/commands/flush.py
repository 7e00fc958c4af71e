"""Django's ``flush``, letting the ledger's rows go with every other row when the whole database
is emptied (the tests' transactional teardown, ``restore --force``): on SQLite flush deletes row by
row, which the append-only triggers otherwise refuse. PostgreSQL truncates and needs nothing."""

from django.core.management.commands import flush

from cities4csr.ledger.triggers import whole_database_emptied


class Command(flush.Command):
    def handle(self, **options):
        with whole_database_emptied():
            return super().handle(**options)
