"""Apply every city's retention periods now, or put the job on the task queue."""

from django.core.management.base import BaseCommand

from cities4csr.privacy.retention import retention_purge
from cities4csr.privacy.tasks import purge_personal_data


class Command(BaseCommand):
    help = (
        "Apply the cities' retention periods: e-mail addresses out of old audit events, inactive accounts and "
        "unconfirmed sign-ups erased. --enqueue puts the job on the task queue for the worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue the job for db_worker instead of running it")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = purge_personal_data.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        report = retention_purge().as_dict()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in report.items()))
