"""Queue the reminders of agreement steps due soon or overdue, for every city (or one).

Run it once a day (a systemd timer or cron: docs/deployment.md); running it more often sends
nothing twice. The task queue (``manage.py db_worker``) writes the notifications and e-mails."""

from django.core.management.base import BaseCommand, CommandError

from cities4csr.cities.models import City
from cities4csr.instruments.tasks import checklist_reminders_send


class Command(BaseCommand):
    help = "Queue the reminders of agreement steps due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="slug of one city (default: every city)")

    def handle(self, *args, city=None, **options):
        cities = City.objects.order_by("slug")
        if city:
            cities = cities.filter(slug=city)
            if not cities.exists():
                raise CommandError(f"No city {city!r}.")
        for each in cities:
            checklist_reminders_send.enqueue(city_id=each.pk)
            self.stdout.write(f"{each.slug}: reminders queued")
