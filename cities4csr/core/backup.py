"""Back up and restore the platform: the database as Django's serialised data and the media
files, in one folder with a manifest of checksums (docs/deployment.md, "Backup and restore").

    <folder>/manifest.json   what is inside: rows per model, files with their SHA-256
    <folder>/data.xml        every row of every model (``dumpdata``), primary keys kept
    <folder>/media/...       every file of the default storage, at its own path

A restore checks every checksum before it touches anything, and refuses a database that holds
data (other than the content types and permissions ``migrate`` creates) unless told to replace
it. Content types and permissions are deleted and loaded back from the backup, so that every
row, primary keys included, is the one backed up. The database and the code must be at the same
migrations. For PostgreSQL, ``pg_dump``/``pg_restore`` is the documented alternative for the
database, with ``--no-database`` here for the media.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

FORMAT = "cities4csr-backup"
VERSION = 1
MANIFEST = "manifest.json"
#: XML: Django's JSON serialiser keeps milliseconds of a time, XML all of its microseconds
DATA = "data.xml"
MEDIA = "media"
#: created by ``migrate`` in any new database; replaced by the backup's own rows on restore
CREATED_BY_MIGRATE = (ContentType, Permission)
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why and what to do."""


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return _sha256(stream)


def storage_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file's name in ``storage``, sorted (none when its folder does not exist yet)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += storage_files(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _row_counts(using: str) -> dict[str, int]:
    with scopes_disabled():
        counts = {model._meta.label: model._base_manager.using(using).count() for model in apps.get_models()}
    return {label: count for label, count in sorted(counts.items()) if count}


def _applied_migrations(using: str) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup_create(*, target: Path, database: bool = True, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup into ``target`` (a new or empty folder); returns its manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(_("The folder %(path)s is not empty: back up into a new folder.") % {"path": target})
    target.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": None,
        "media": {},
    }
    if database:
        data = target / DATA
        with scopes_disabled():
            call_command("dumpdata", format="xml", output=str(data), use_base_manager=True, database=using, verbosity=0)
        manifest["database"] = {
            "vendor": connections[using].vendor,
            "file": DATA,
            "sha256": _file_sha256(data),
            "bytes": data.stat().st_size,
            "rows": _row_counts(using),
            "migrations": _applied_migrations(using),
        }
    for name in storage_files():
        destination = target / MEDIA / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
        manifest["media"][name] = {"sha256": _file_sha256(destination), "bytes": destination.stat().st_size}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("No readable backup in %(path)s: %(error)s") % {"path": source, "error": exc}) from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(_("%(path)s holds no backup this version can restore.") % {"path": source})
    return manifest


def _verify(source: Path, manifest: dict) -> None:
    """Every file present with its checksum, before anything is touched."""
    expected = {}
    if manifest["database"]:
        expected[source / manifest["database"]["file"]] = manifest["database"]["sha256"]
    for name, entry in manifest["media"].items():
        path = (source / MEDIA / name).resolve()
        if not path.is_relative_to((source / MEDIA).resolve()):
            raise BackupError(_("The backup names a file outside its folder: %(name)s") % {"name": name})
        expected[path] = entry["sha256"]
    for path, sha256 in expected.items():
        if not path.is_file() or _file_sha256(path) != sha256:
            raise BackupError(
                _("The backup is damaged: %(path)s is missing or differs from its checksum. Nothing was restored.")
                % {"path": path}
            )


def database_data(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The rows a restore would mix with: every model's but those ``migrate`` creates."""
    skip = {model._meta.label for model in CREATED_BY_MIGRATE}
    return {label: count for label, count in _row_counts(using).items() if label not in skip}


def backup_restore(*, source: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore the backup in ``source``; returns its manifest. Without ``force``, the database
    must hold no data and the storage no file the backup would replace."""
    source = Path(source)
    manifest = _read_manifest(source)
    _verify(source, manifest)
    if manifest["database"]:
        applied = _applied_migrations(using)
        if applied != manifest["database"]["migrations"]:
            raise BackupError(
                _(
                    "The backup was made at other migrations than this database's: restore it with the "
                    "version of the code that made it (run migrate on an empty database first). Nothing was restored."
                )
            )
        held = database_data(using)
        if held and not force:
            rows = ", ".join(f"{label}: {count}" for label, count in list(held.items())[:5])
            raise BackupError(
                _(
                    "The database is not empty (%(rows)s…): a restore would mix the backup with it. Restore "
                    "into an empty database, or pass --force to delete everything in it first. Nothing was restored."
                )
                % {"rows": rows}
            )
    clashes = [name for name in manifest["media"] if default_storage.exists(name)]
    if clashes and not force:
        raise BackupError(
            _(
                "The media storage already holds %(count)d of the backup's files (%(name)s…): pass --force "
                "to replace them. Nothing was restored."
            )
            % {"count": len(clashes), "name": clashes[0]}
        )
    if manifest["database"]:
        with transaction.atomic(using=using), scopes_disabled():
            if force:
                # PostgreSQL refuses to TRUNCATE tables with deferred checks pending in the
                # transaction (none in a command of its own; when called inside a larger one)
                connections[using].check_constraints()
                call_command("flush", interactive=False, inhibit_post_migrate=True, database=using, verbosity=0)
            for model in reversed(CREATED_BY_MIGRATE):
                model._base_manager.using(using).all().delete()
            call_command("loaddata", str(source / manifest["database"]["file"]), database=using, verbosity=0)
        ContentType.objects.clear_cache()
    for name in manifest["media"]:
        if default_storage.exists(name):
            default_storage.delete(name)
        with (source / MEDIA / name).open("rb") as stream:
            saved = default_storage.save(name, File(stream, name=name))
        if saved != name:
            raise BackupError(_("The storage saved %(name)s as %(saved)s.") % {"name": name, "saved": saved})
    return manifest
