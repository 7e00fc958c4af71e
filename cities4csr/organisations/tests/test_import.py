"""Import of organisations from CSV/XLSX: validated with the model, all or nothing."""

import csv
import io
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scopes_disabled
from openpyxl import Workbook

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, ResourceLine
from cities4csr.organisations.importing import COLUMNS, organisations_import
from cities4csr.organisations.models import Organisation

GOOD = [
    {
        "name": "Import Uno S.r.l.",
        "kind": "company",
        "vat_number": "IT 1234 5670 157",
        "nace_section": "j",
        "size_band": "Small",
        "website": "www.import-uno.example",
    },
    {"name": "Associazione Import Due", "kind": "association", "siren": "732829320"},
    {"name": "Fondazione Import Tre", "kind": "FOUNDATION", "tax_code": "00743110157"},
]


def table_rows(rows, columns):
    return [list(columns)] + [[row.get(c, "") for c in columns] for row in rows]


def csv_upload(rows, columns=COLUMNS):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table_rows(rows, columns))
    return SimpleUploadedFile("organisations.csv", buffer.getvalue().encode("utf-8"))


def xlsx_upload(rows, columns=COLUMNS):
    workbook = Workbook()
    for values in table_rows(rows, columns):
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("organisations.xlsx", buffer.getvalue())


def counts():
    with scopes_disabled():
        return (
            Need.objects.count(),
            ResourceLine.objects.count(),
            Organisation.objects.count(),
            AuditEvent.objects.count(),
        )


def with_changes(index, **changes):
    rows = [dict(row) for row in GOOD]
    rows[index].update(changes)
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_good_file_creates_organisations_but_not_on_a_dry_run(in_milano, users, upload):
    officer = users["milano", "officer"]
    before = counts()
    report = organisations_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=True)
    assert report.ok and not report.written, report.as_dict()
    assert report.counts == {"organisations": 3, "create": 3, "update": 0, "unchanged": 0}
    assert counts() == before
    report = organisations_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=False)
    assert report.ok and report.written, report.as_dict()
    assert counts()[2] == before[2] + 3
    uno = Organisation.objects.get(name="Import Uno S.r.l.")
    assert (uno.vat_number, uno.nace_section, uno.size_band) == ("IT12345670157", "J", "small")
    assert uno.website == "https://www.import-uno.example"
    assert Organisation.objects.get(name="Fondazione Import Tre").kind == "foundation"
    with scopes_disabled():
        assert AuditEvent.objects.filter(verb="organisation.create", object_repr="Import Uno S.r.l.").exists()
        assert AuditEvent.objects.filter(verb="organisations.import").latest("id").payload["organisations"] == 3


BAD_CASES = {
    "name of a city body of another kind": (with_changes(1, name="Comune di Milano"), 3, "a file cannot change"),
    "name twice in the file": (with_changes(2, name="import uno s.r.l."), 4, "already on row 2"),
    "vat twice in the file": (with_changes(2, vat_number="IT12345670157"), 4, "already on row 2"),
    "unknown kind": (with_changes(0, kind="multinational"), 2, "kind"),
    "bad vat check digit": (with_changes(0, vat_number="IT12345670158"), 2, "vat_number"),
    "bad siren": (with_changes(1, siren="123456789"), 3, "siren"),
    "bad nace": (with_changes(1, nace_section="Z"), 3, "nace_section"),
    "no name": (with_changes(1, name=""), 3, "name"),
    "bad website": (with_changes(2, website="http://"), 4, "website"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_rows_are_reported_and_nothing_is_written(in_milano, users, case, upload):
    rows, bad_row, reason = BAD_CASES[case]
    before = counts()
    report = organisations_import(actor=users["milano", "officer"], city=in_milano, file=upload(rows), dry_run=False)
    assert not report.ok and not report.written
    bad = {r.number: r.errors for r in report.bad_rows}
    assert list(bad) == [bad_row], bad
    assert any(reason in error for error in bad[bad_row]), bad
    assert counts() == before


@pytest.mark.django_db
def test_wrong_columns_are_refused_naming_them(in_milano, users):
    before = counts()
    upload = csv_upload(GOOD, columns=["name", "type", "vat_number"])
    report = organisations_import(actor=users["milano", "officer"], city=in_milano, file=upload, dry_run=False)
    assert not report.ok and len(report.file_errors) == 1
    assert "Missing columns: kind." in report.file_errors[0] and "Unknown columns: type." in report.file_errors[0]
    assert counts() == before


@pytest.mark.django_db
def test_10_mb_of_junk_is_refused(in_milano, users):
    before = counts()
    junk = SimpleUploadedFile("organisations.xlsx", os.urandom(10 * 1024 * 1024))
    report = organisations_import(actor=users["milano", "officer"], city=in_milano, file=junk, dry_run=False)
    assert not report.ok and "too large" in report.file_errors[0]
    assert counts() == before


@pytest.mark.django_db
def test_only_officers_may_import(in_milano, users):
    before = counts()
    for role in ("representative", "volunteer", "public"):
        with pytest.raises(PermissionDenied):
            organisations_import(actor=users["milano", role], city=in_milano, file=csv_upload(GOOD), dry_run=False)
        client = Client()
        client.force_login(users["milano", role])
        assert client.get("/it/milano/organisations/import/").status_code == 403
        assert client.post("/it/milano/organisations/import/", {"file": csv_upload(GOOD)}).status_code == 403
    assert Client().get("/it/milano/organisations/import/").status_code == 403
    assert counts() == before


@pytest.mark.django_db
def test_import_page_previews_reports_and_imports(users):
    client = Client()
    client.force_login(users["milano", "officer"])
    assert client.get("/en/milano/organisations/import/").status_code == 200
    before = counts()
    preview = client.post("/en/milano/organisations/import/", {"file": csv_upload(GOOD), "dry_run": "on"})
    assert preview.status_code == 200
    assert "The file is valid: it will create 3, update 0, leave 0 unchanged." in preview.content.decode()
    refused = client.post(
        "/en/milano/organisations/import/", {"file": xlsx_upload(with_changes(1, name="Comune di Milano"))}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Nothing was written" in body and 'href="#import-row-3">Row 3</a>' in body
    assert counts() == before
    done = client.post("/en/milano/organisations/import/", {"file": xlsx_upload(GOOD)})
    assert done.status_code == 200 and "Imported: 3 created, 0 updated, 0 unchanged." in done.content.decode()
    assert counts()[2] == before[2] + 3
    with scopes_disabled():
        uno = Organisation.objects.get(name="Import Uno S.r.l.")
    assert f'<a href="/en/milano/organisations/{uno.pk}/">Import Uno S.r.l.</a>' in done.content.decode()
    imported = counts()
    again = client.post("/en/milano/organisations/import/", {"file": xlsx_upload(GOOD)})
    assert "Imported: nothing changed (0 created, 0 updated, 3 unchanged)." in again.content.decode()
    assert counts() == imported


@pytest.mark.django_db
def test_reimporting_changes_nothing_and_a_known_organisation_is_updated(in_milano, users):
    officer = users["milano", "officer"]
    organisations_import(actor=officer, city=in_milano, file=csv_upload(GOOD), dry_run=False)
    with scopes_disabled():
        stamps = dict(Organisation.objects.filter(city=in_milano).values_list("pk", "updated_at"))
    before = counts()
    again = organisations_import(actor=officer, city=in_milano, file=csv_upload(GOOD), dry_run=False)
    assert again.written and again.counts == {"organisations": 3, "create": 0, "update": 0, "unchanged": 3}
    assert counts() == before  # not even an audit row
    with scopes_disabled():
        assert dict(Organisation.objects.filter(city=in_milano).values_list("pk", "updated_at")) == stamps

    # found by its VAT number though renamed; a blank cell keeps what the organisation has
    renamed = with_changes(0, name="Import Uno S.p.A.", website="", size_band="medium")
    preview = organisations_import(actor=officer, city=in_milano, file=csv_upload(renamed), dry_run=True)
    assert [row.outcome for row in preview.rows] == ["update", "unchanged", "unchanged"]
    done = organisations_import(actor=officer, city=in_milano, file=csv_upload(renamed), dry_run=False)
    assert done.counts["update"] == 1 and counts()[2] == before[2]
    uno = Organisation.objects.get(vat_number="IT12345670157")
    assert (uno.name, uno.size_band, uno.website) == ("Import Uno S.p.A.", "medium", "https://www.import-uno.example")
    assert done.updated[0].url.endswith(f"/milano/organisations/{uno.pk}/")
    with scopes_disabled():
        change = AuditEvent.objects.filter(verb="organisation.update").latest("id")
    assert set(change.payload["changed"]) == {"name", "size_band"}


@pytest.mark.django_db
def test_a_row_naming_two_organisations_is_refused(in_milano, users):
    officer = users["milano", "officer"]
    organisations_import(actor=officer, city=in_milano, file=csv_upload(GOOD), dry_run=False)
    before = counts()
    mixed = with_changes(2, name="Import Uno S.r.l.", kind="company")  # Uno's name, Tre's tax code
    report = organisations_import(actor=officer, city=in_milano, file=csv_upload(mixed[2:]), dry_run=False)
    assert not report.ok and "different organisations" in report.rows[0].errors[0]
    assert counts() == before
