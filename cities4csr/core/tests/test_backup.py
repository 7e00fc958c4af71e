"""manage.py backup and restore: a round trip gives back every row and every file, identical;
a restore refuses a database that holds data, and a damaged backup."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django_scopes import scopes_disabled

from cities4csr.core.backup import database_data, storage_files
from cities4csr.documents.tests.factories import drafts_for
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _dump() -> str:
    """Every row; in XML, which keeps times to the microsecond (JSON to the millisecond)."""
    out = io.StringIO()
    with scopes_disabled():
        call_command("dumpdata", format="xml", indent=1, use_base_manager=True, stdout=out)
    return out.getvalue()


def _files() -> dict[str, str]:
    hashes = {}
    for name in storage_files():
        with default_storage.open(name, "rb") as stream:
            hashes[name] = hashlib.sha256(stream.read()).hexdigest()
    return hashes


def _flush():
    """An empty database, as after migrate (the test's writes checked first: PostgreSQL does not
    truncate tables with deferred checks pending)."""
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)


def _empty_media(root: Path):
    for path in sorted(root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def data(world, media):
    """The world, a published need with a photo, a pledge on it, and an agreement's drafts."""
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    need.photo.save("corvetto.png", ContentFile(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
    drafts_for(pledge=PledgeFactory(need=need, organisation=world.company, accepted=True))
    assert len(_files()) >= 2
    return world


def test_backup_then_restore_into_an_empty_database_gives_identical_rows_and_files(
    data, media, tmp_path, django_capture_on_commit_callbacks
):
    rows, files = _dump(), _files()
    folder = tmp_path / "backup"
    call_command("backup", "--to", str(folder), stdout=io.StringIO())

    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["media"]) == set(files)
    assert {name: entry["sha256"] for name, entry in manifest["media"].items()} == files
    assert manifest["database"]["rows"]["needs.Need"] >= 1

    _flush()
    _empty_media(media)
    assert database_data() == {} and _files() == {}

    out = io.StringIO()
    with django_capture_on_commit_callbacks() as on_commit:
        call_command("restore", "--from", str(folder), stdout=out)
    assert "Restored" in out.getvalue()
    assert on_commit == []  # the history written back enqueues nothing (no recomputation, no e-mail)
    assert _dump() == rows
    assert _files() == files


def test_restore_refuses_a_database_that_holds_data(data, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--to", str(folder), stdout=io.StringIO())
    before = _dump()
    with pytest.raises(CommandError, match="The database is not empty .*--force"):
        call_command("restore", "--from", str(folder))
    assert _dump() == before


def test_restore_with_force_replaces_what_the_database_held(data, media, tmp_path):
    rows, files = _dump(), _files()
    folder = tmp_path / "backup"
    call_command("backup", "--to", str(folder), stdout=io.StringIO())
    NeedFactory(city=data.city, owner=data.city_hall, title="Written after the backup")

    call_command("restore", "--from", str(folder), "--force", stdout=io.StringIO())
    assert _dump() == rows
    assert _files() == files


def test_a_damaged_backup_is_refused_before_anything_is_touched(data, media, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--to", str(folder), stdout=io.StringIO())
    a_file = next(path for path in (folder / "media").rglob("*") if path.is_file())
    a_file.write_bytes(b"tampered")
    _flush()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", "--from", str(folder))
    assert database_data() == {}


def test_a_backup_goes_into_a_new_folder(data, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--to", str(tmp_path / "used"))


def test_the_media_alone_beside_pg_dump(data, media, tmp_path):
    files, rows = _files(), _dump()
    folder = tmp_path / "media-only"
    call_command("backup", "--to", str(folder), "--no-database", stdout=io.StringIO())
    assert json.loads((folder / "manifest.json").read_text())["database"] is None
    _empty_media(media)
    call_command("restore", "--from", str(folder), stdout=io.StringIO())  # the rows are left alone
    assert _files() == files and _dump() == rows
