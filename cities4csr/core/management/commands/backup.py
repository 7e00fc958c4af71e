"""manage.py backup --to DIR: the database and the media files, with a manifest of checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cities4csr.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (Django's serialised data) and the media files into a new folder, "
        "with a manifest of checksums (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, metavar="DIR", help="a new or empty folder")
        parser.add_argument("--no-database", action="store_true", help="the media files only (the database by pg_dump)")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, to, no_database, database, **options):
        try:
            manifest = backup_create(target=Path(to), database=not no_database, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["database"]["rows"].values()) if manifest["database"] else 0
        self.stdout.write(f"Backed up {rows} rows and {len(manifest['media'])} files into {to}")
