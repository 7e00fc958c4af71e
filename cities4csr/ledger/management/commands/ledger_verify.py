"""Check a city's contributions ledger: ``manage.py ledger_verify --city milano``.

Exits with an error naming the first broken link (the movement's number and what is wrong);
prints the number of movements and the chain's head hash when all holds. Without ``--city``,
every city."""

from django.core.management.base import BaseCommand, CommandError

from cities4csr.cities.models import City
from cities4csr.ledger.selectors import ledger_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain, the balance of every movement and the stored balances of a city's ledger."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="The city's slug (default: every city)")

    def handle(self, *args, city=None, **options):
        cities = City.objects.order_by("slug")
        if city:
            cities = cities.filter(slug=city)
            if not cities.exists():
                raise CommandError(f"No city {city!r}.")
        failed = []
        for each in cities:
            report = ledger_chain_verify(city=each)
            if report.ok:
                self.stdout.write(f"{each.slug}: OK, {report.groups} movements, head {report.head_hash}")
            else:
                seq, reason = report.broken
                where = f"movement #{seq}" if seq else "ledger"
                failed.append(f"{each.slug}: broken at {where}: {reason}")
        if failed:
            raise CommandError("\n".join(failed))
