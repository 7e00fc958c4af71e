"""manage.py restore --from DIR: a backup of `manage.py backup`, checked, into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cities4csr.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: every checksum is checked first; the database "
        "must be empty (freshly migrated) unless --force, which deletes everything in it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", required=True, dest="source", metavar="DIR", help="the backup's folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete every row of the database, and replace the media files of the same names",
        )
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, source, force, database, **options):
        try:
            manifest = backup_restore(source=Path(source), force=force, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["database"]["rows"].values()) if manifest["database"] else 0
        self.stdout.write(f"Restored {rows} rows and {len(manifest['media'])} files from {source}")
