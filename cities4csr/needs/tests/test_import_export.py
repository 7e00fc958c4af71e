"""Import of needs from CSV/XLSX (all or nothing, row-by-row reasons) and export of the catalogue."""

import csv
import io
import json
import os
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scopes_disabled
from openpyxl import Workbook, load_workbook

from cities4csr.core.models import AuditEvent
from cities4csr.core.tabular import read_table
from cities4csr.needs.exporting import COLUMNS as EXPORT_COLUMNS
from cities4csr.needs.importing import COLUMNS, needs_import
from cities4csr.needs.models import Need, ResourceLine
from cities4csr.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("demo")  # these tests read the demo cities

GOOD = [
    {
        "title": "Orto condiviso di Corvetto",
        "description": "Un orto per le famiglie del quartiere.",
        "owner": "Comune di Milano",
        "action": "2",
        "nil": "35",
        "themes": "greening; social_inclusion",
        "sdgs": "11.7;2",
        "beneficiary_group": "Famiglie",
        "beneficiaries_expected": "120",
        "starts_on": "2026-04-01",
        "ends_on": "2026-09-30",
        "kind": "money",
        "label": "Attrezzi e sementi",
        "amount_eur": "2500.50",
    },
    {  # a second line of the same need: its need columns may stay empty
        "title": "Orto condiviso di Corvetto",
        "owner": "Comune di Milano",
        "kind": "volunteer_time",
        "label": "Volontari per la semina",
        "quantity": "40",
        "amount_eur": "1000",
        "skills": "giardinaggio",
    },
    {
        "title": "Libri per la biblioteca di classe",
        "description": "Libri per i bambini della scuola.",
        "owner": "Wau! Milano",
        "lat": "45.4403",
        "lon": "9.2235",
        "themes": "education",
        "sdgs": "4",
        "kind": "goods",
        "label": "Libri per ragazzi",
        "quantity": "200",
        "amount_eur": "3000",
    },
]


def table_rows(rows, columns=COLUMNS):
    return [list(columns)] + [[row.get(c, "") for c in columns] for row in rows]


def csv_upload(rows, columns=COLUMNS, name="needs.csv", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table_rows(rows, columns))
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(rows, columns=COLUMNS, name="needs.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for values in table_rows(rows, columns):
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


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
def test_good_file_creates_draft_needs_but_not_on_a_dry_run(in_milano, users, upload):
    officer = users["milano", "officer"]
    before = counts()
    report = needs_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=True)
    assert report.ok and not report.written, report.as_dict()
    assert report.counts == {"needs": 2, "lines": 3, "create": 2, "update": 0, "unchanged": 0}
    assert [row.outcome for row in report.rows] == ["create"] * 3
    assert counts() == before

    report = needs_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=False)
    assert report.ok and report.written
    after = counts()
    assert after[0] == before[0] + 2 and after[1] == before[1] + 3 and after[2] == before[2]
    garden = Need.objects.get(title="Orto condiviso di Corvetto")
    assert garden.state == Need.State.DRAFT
    assert (garden.area.code, garden.district.name, garden.action.number) == ("35", "Municipio 4", 2)
    assert sorted(t.key for t in garden.themes.all()) == ["greening", "social_inclusion"]
    assert garden.sdgs == ["2", "11.7"] and garden.beneficiaries_expected == 120
    assert str(garden.starts_on) == "2026-04-01"
    assert garden.value_requested_cents == 250_050 + 100_000
    lines = {line.kind: line for line in garden.lines.all()}
    assert lines["money"].quantity == 250_050 and lines["volunteer_time"].quantity == 40
    assert lines["volunteer_time"].skills == "giardinaggio"
    books = Need.objects.get(title="Libri per la biblioteca di classe")
    assert books.area.code == "35" and books.owner.name == "Wau! Milano"
    with scopes_disabled():
        event = AuditEvent.objects.filter(verb="needs.import").latest("id")
    assert event.payload["needs"] == 2 and event.payload["lines"] == 3


@pytest.mark.django_db
def test_semicolon_csv_with_other_header_case_is_read(in_milano, users):
    content = csv_upload(GOOD, delimiter=";").read().decode("utf-8-sig")
    header, rest = content.split("\r\n", 1)
    upload = SimpleUploadedFile("needs.csv", (header.upper().replace("TITLE", "Title") + "\r\n" + rest).encode())
    report = needs_import(actor=users["milano", "officer"], city=in_milano, file=upload, dry_run=True)
    assert report.ok, report.as_dict()


BAD_CASES = {
    "unknown area": (with_changes(0, nil="999"), 2, "999"),
    "unknown owner": (with_changes(2, owner="Nessuno S.p.A."), 4, "Nessuno S.p.A."),
    "unknown action": (with_changes(0, action="99"), 2, "action"),
    "negative amount": (with_changes(2, amount_eur="-300"), 4, "amount_eur"),
    "non-numeric amount": (with_changes(2, amount_eur="tanti"), 4, "amount_eur"),
    "zero amount": (with_changes(2, amount_eur="0"), 4, "amount_eur"),
    "negative quantity": (with_changes(1, quantity="-4"), 3, "quantity"),
    "non-numeric quantity": (with_changes(1, quantity="quaranta"), 3, "quantity"),
    "missing quantity": (with_changes(2, quantity=""), 4, "quantity"),
    "malformed date": (with_changes(0, starts_on="01/04/2026"), 2, "starts_on"),
    "impossible date": (with_changes(0, ends_on="2026-02-30"), 2, "ends_on"),
    "end before start": (with_changes(0, ends_on="2026-03-01"), 2, "ends before it starts"),
    "unknown SDG": (with_changes(2, sdgs="4;18"), 4, "18"),
    "unknown theme": (with_changes(2, themes="education;astrology"), 4, "astrology"),
    "unknown kind": (with_changes(2, kind="cash"), 4, "cash"),
    "point outside the city": (with_changes(2, lat="45.7", lon="9.7"), 4, "outside"),
    "no place": (with_changes(2, lat="", lon=""), 4, "nil"),
    "duplicate rows": ([*GOOD, GOOD[2]], 5, "Duplicate of row 4"),
    "need columns differ": (with_changes(1, description="Un'altra descrizione"), 3, "differs from row 2"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_rows_are_reported_and_nothing_is_written(in_milano, users, case, upload):
    rows, bad_row, reason = BAD_CASES[case]
    before = counts()
    report = needs_import(actor=users["milano", "officer"], city=in_milano, file=upload(rows), dry_run=False)
    assert not report.ok and not report.written
    bad = {r.number: r.errors for r in report.bad_rows}
    assert list(bad) == [bad_row], bad
    assert any(reason in error for error in bad[bad_row]), bad
    assert counts() == before  # no need, line or audit event: all or nothing


@pytest.mark.django_db
def test_wrong_columns_are_one_file_error_naming_them(in_milano, users):
    columns = [c for c in COLUMNS if c != "description"] + ["notes"]
    before = counts()
    report = needs_import(
        actor=users["milano", "officer"], city=in_milano, file=csv_upload(GOOD, columns=columns), dry_run=False
    )
    assert not report.ok and report.rows == []
    assert len(report.file_errors) == 1
    assert "Missing columns: description." in report.file_errors[0]
    assert "Unknown columns: notes." in report.file_errors[0]
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("junk.csv", os.urandom(10 * 1024 * 1024), "too large", id="10MB-junk-csv"),
        pytest.param("junk.xlsx", os.urandom(10 * 1024 * 1024), "too large", id="10MB-junk-xlsx"),
        pytest.param("junk.csv", b"\xff\xfe\xfa" + os.urandom(100_000), "UTF-8", id="junk-csv"),
        pytest.param("junk.xlsx", os.urandom(100_000), "not a valid XLSX", id="junk-xlsx"),
        pytest.param("junk.bin", b"PK\x03\x04" + os.urandom(100_000), "not a valid XLSX", id="junk-zip"),
        pytest.param("old.xls", b"\xd0\xcf\x11\xe0" + os.urandom(1000), ".xls", id="old-xls"),
        pytest.param("empty.csv", b"", "empty", id="empty"),
        pytest.param("header-only.csv", ",".join(COLUMNS).encode(), "no data rows", id="header-only"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(in_milano, users, name, content, message):
    before = counts()
    report = needs_import(
        actor=users["milano", "officer"], city=in_milano, file=SimpleUploadedFile(name, content), dry_run=False
    )
    assert not report.ok and not report.written
    assert len(report.file_errors) == 1 and message in report.file_errors[0], report.file_errors
    assert counts() == before


def test_reader_gives_spreadsheet_row_numbers_and_skips_blank_rows():
    data = b"Name;KIND\n\nAcme;company\n;;\nBeta;association\n"
    table = read_table(io.BytesIO(data), columns=["name", "kind", "website"], required=["name"])
    assert table.columns == ["name", "kind"]
    assert [(r.number, r.values["name"]) for r in table.rows] == [(3, "Acme"), (5, "Beta")]


@pytest.mark.django_db
def test_only_officers_may_import(in_milano, users):
    for role in ("representative", "volunteer", "public"):
        with pytest.raises(PermissionDenied):
            needs_import(actor=users["milano", role], city=in_milano, file=csv_upload(GOOD), dry_run=True)


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_import_page_previews_then_imports(users):
    officer = client_for(users["milano", "officer"])
    page = officer.get("/it/milano/needs/import/")
    assert page.status_code == 200
    body = page.content.decode()
    assert re.search(r'<input type="checkbox" name="dry_run"[^>]*class="form-check-input"[^>]*checked', body)
    assert 'enctype="multipart/form-data"' in body
    before = counts()
    preview = officer.post("/en/milano/needs/import/", {"file": csv_upload(GOOD), "dry_run": "on"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Orto condiviso di Corvetto" in body and "<caption" in body and '<th scope="col">title</th>' in body
    assert "Nothing has been saved yet" in body
    assert counts() == before
    done = officer.post("/en/milano/needs/import/", {"file": csv_upload(GOOD)})  # box unchecked
    assert done.status_code == 200
    body = done.content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in body
    assert counts()[0] == before[0] + 2
    with scopes_disabled():
        created = list(Need.objects.filter(title__in=[r["title"] for r in GOOD]).order_by("pk"))
    for need in created:  # each links to its page
        assert f'<a href="/en/milano/needs/{need.pk}/">{need.title}</a>' in body


@pytest.mark.django_db
def test_import_page_lists_every_bad_row_and_writes_nothing(users):
    officer = client_for(users["milano", "officer"])
    rows = with_changes(0, nil="999")
    rows[2]["starts_on"] = "domani"
    before = counts()
    response = officer.post("/en/milano/needs/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was written" in body
    assert 'href="#import-row-2">Row 2</a>' in body and 'href="#import-row-4">Row 4</a>' in body
    assert "999" in body and "starts_on" in body
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["representative", "volunteer", "public", None])
def test_import_page_and_api_are_refused_to_non_officers(users, role):
    client = client_for(users["milano", role] if role else None)
    before = counts()
    assert client.get("/it/milano/needs/import/").status_code == 403
    assert client.post("/it/milano/needs/import/", {"file": csv_upload(GOOD)}).status_code == 403
    response = client.post("/api/v1/cities/milano/needs/import/", {"file": csv_upload(GOOD), "dry_run": "false"})
    assert response.status_code in (401, 403)
    assert counts() == before


@pytest.mark.django_db
def test_nantes_officer_cannot_import_into_milan(users):
    client = client_for(users["nantes", "officer"])
    assert client.get("/it/milano/needs/import/").status_code == 403
    assert client.post("/api/v1/cities/milano/needs/import/", {"file": csv_upload(GOOD)}).status_code == 403


@pytest.mark.django_db
def test_api_import_dry_run_then_import(users):
    api = client_for(users["milano", "officer"])
    url = "/api/v1/cities/milano/needs/import/"
    before = counts()
    preview = api.post(url, {"file": csv_upload(GOOD)})  # dry run unless told otherwise
    assert preview.status_code == 200, preview.json()
    assert preview.json()["ok"] and not preview.json()["written"] and preview.json()["counts"]["lines"] == 3
    assert len(preview.json()["rows"]) == 3
    assert counts() == before
    done = api.post(url, {"file": xlsx_upload(GOOD), "dry_run": "false"})
    assert done.status_code == 201, done.json()
    assert done.json()["written"]
    assert counts()[0] == before[0] + 2


@pytest.mark.django_db
def test_api_import_errors_are_400_with_the_rows(users):
    before = counts()
    response = client_for(users["milano", "officer"]).post(
        "/api/v1/cities/milano/needs/import/",
        {"file": csv_upload(with_changes(2, amount_eur="-5")), "dry_run": "false"},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["row"] for e in errors] == [4] and "amount_eur" in errors[0]["errors"][0]
    junk = client_for(users["milano", "officer"]).post(
        "/api/v1/cities/milano/needs/import/",
        {"file": SimpleUploadedFile("junk.csv", os.urandom(10 * 1024 * 1024)), "dry_run": "false"},
    )
    assert junk.status_code == 400 and "too large" in junk.json()["file_errors"][0]
    assert counts() == before


# --- export -------------------------------------------------------------------------------------------------


def public_lines(**filters):
    with scopes_disabled():
        return ResourceLine.objects.filter(
            city__slug="milano", need__state__in=["published", "in_progress", "fulfilled", "delivered", "verified"]
        ).filter(**filters)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/it/milano/needs/", "/api/v1/cities/milano/needs/"])
def test_csv_export_has_one_row_per_line_and_respects_filters(prefix):
    response = Client().get(prefix + "export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    with scopes_disabled():
        expected = public_lines()
        titles = set(expected.values_list("need__title", flat=True))
    assert len(rows) == expected.count() > 0
    assert {r["title"] for r in rows} == titles
    filtered = csv_rows(Client().get(prefix + "export.csv?nil=35"))
    assert 0 < len(filtered) < len(rows)
    assert {r["area_code"] for r in filtered} == {"35"}
    with scopes_disabled():
        assert len(filtered) == public_lines(need__area__code="35").count()


@pytest.mark.django_db
def test_drafts_are_not_exported(in_milano, users):
    needs_import(actor=users["milano", "officer"], city=in_milano, file=csv_upload(GOOD), dry_run=False)
    rows = csv_rows(Client().get("/it/milano/needs/export.csv"))
    assert "Orto condiviso di Corvetto" not in {r["title"] for r in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/en/milano/needs/", "/api/v1/cities/milano/needs/"])
def test_xlsx_export_opens_with_openpyxl(prefix):
    response = Client().get(prefix + "export.xlsx?nil=35")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    area = EXPORT_COLUMNS.index("area_code")
    with scopes_disabled():
        assert len(rows) - 1 == public_lines(need__area__code="35").count() > 0
    assert {row[area] for row in rows[1:]} == {"35"}


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/fr/milano/needs/", "/api/v1/cities/milano/needs/"])
def test_geojson_export_is_a_feature_collection_of_needs(prefix):
    response = Client().get(prefix + "export.geojson")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    with scopes_disabled():
        located = set(
            public_lines(need__lat__isnull=False).values_list("need_id", flat=True).distinct().order_by("need_id")
        )
    assert {f["id"] for f in data["features"]} == located
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point" and len(feature["geometry"]["coordinates"]) == 2
    assert feature["properties"]["title"] and feature["properties"]["lines"]
    filtered = json.loads(Client().get(prefix + "export.geojson?nil=35").content)
    assert 0 < len(filtered["features"]) < len(data["features"])
    assert {f["properties"]["area_code"] for f in filtered["features"]} == {"35"}


@pytest.mark.django_db
def test_api_export_accepts_its_media_type():
    response = Client().get("/api/v1/cities/milano/needs/export.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


@pytest.mark.django_db
def test_catalogue_links_to_the_exports_with_its_filters():
    body = Client().get("/en/milano/needs/?nil=35").content.decode()
    for fmt in ("csv", "xlsx", "geojson"):
        assert f'href="/en/milano/needs/export.{fmt}?nil=35"' in body


def test_api_export_documents_every_catalogue_filter():
    from cities4csr.needs.api.views import FILTER_PARAMETERS
    from cities4csr.needs.filters import NeedFilter

    assert {p.name for p in FILTER_PARAMETERS} == set(NeedFilter.base_filters)


def snapshot(titles):
    """Every need of ``titles`` and its lines, with their updated_at: what a re-import must not touch."""
    with scopes_disabled():
        needs = Need.objects.filter(title__in=titles).order_by("pk")
        return [
            (need.pk, need.updated_at, [(line.pk, line.updated_at) for line in need.lines.order_by("pk")])
            for need in needs
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_reimporting_the_same_file_changes_nothing(in_milano, users, upload):
    officer = users["milano", "officer"]
    titles = {row["title"] for row in GOOD}
    first = needs_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=False)
    assert first.written and first.counts["create"] == 2
    before, rows = counts(), snapshot(titles)

    preview = needs_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=True)
    assert preview.ok and preview.counts == {"needs": 2, "lines": 3, "create": 0, "update": 0, "unchanged": 2}
    assert [row.outcome for row in preview.rows] == ["unchanged"] * 3
    again = needs_import(actor=officer, city=in_milano, file=upload(GOOD), dry_run=False)
    assert again.ok and again.counts["unchanged"] == 2 and again.counts["create"] == again.counts["update"] == 0
    assert counts() == before  # no need, no line, no audit row more
    assert snapshot(titles) == rows  # nothing saved again
    assert [o.url.split("/", 2)[2] for o in again.unchanged] == [f"milano/needs/{pk}/" for pk, _at, _l in rows]


@pytest.mark.django_db
def test_a_row_with_a_known_reference_updates_its_draft(in_milano, users):
    officer = users["milano", "officer"]
    rows = [dict(row, ref=ref) for row, ref in zip(GOOD, ["ORTO-1", "ORTO-1", "LIB-7"], strict=True)]
    needs_import(actor=officer, city=in_milano, file=csv_upload(rows), dry_run=False)
    garden = Need.objects.get(external_ref="ORTO-1")
    books = Need.objects.get(external_ref="LIB-7")
    books_rows = snapshot([books.title])
    events = counts()[3]

    # the garden is renamed, its money line raised, its volunteer line dropped; the books untouched
    changed = [dict(rows[0], title="Orto condiviso in via Mompiani", amount_eur="3000"), rows[2]]
    preview = needs_import(actor=officer, city=in_milano, file=csv_upload(changed), dry_run=True)
    assert preview.ok, preview.as_dict()
    assert (preview.counts["create"], preview.counts["update"], preview.counts["unchanged"]) == (0, 1, 1)
    assert [row.outcome for row in preview.rows] == ["update", "unchanged"]
    done = needs_import(actor=officer, city=in_milano, file=csv_upload(changed), dry_run=False)
    assert done.written
    garden.refresh_from_db()
    assert garden.title == "Orto condiviso in via Mompiani" and garden.state == Need.State.DRAFT
    assert [(line.kind, line.quantity) for line in garden.lines.all()] == [("money", 300_000)]
    assert garden.value_requested_cents == 300_000
    assert Need.objects.filter(external_ref="ORTO-1").count() == 1
    assert snapshot([books.title]) == books_rows
    with scopes_disabled():
        verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True)[events:])
        update = AuditEvent.objects.get(verb="need.import_update")
    assert verbs == ["need.import_update", "needs.import"]
    assert update.payload["fields"] == ["title"] and update.payload["lines_removed"] == 1
    assert update.payload["lines_changed"] == 1
    assert [o.url.split("/", 2)[2] for o in done.updated] == [f"milano/needs/{garden.pk}/"]


@pytest.mark.django_db
def test_a_published_need_is_not_changed_by_a_file(in_milano, users):
    from cities4csr.needs.services import need_transition

    officer = users["milano", "officer"]
    rows = [dict(GOOD[2], ref="LIB-9")]
    needs_import(actor=officer, city=in_milano, file=csv_upload(rows), dry_run=False)
    books = Need.objects.get(external_ref="LIB-9")
    need_transition(actor=officer, need=books, to=Need.State.PUBLISHED)
    same = needs_import(actor=officer, city=in_milano, file=csv_upload(rows), dry_run=True)
    assert same.ok and same.counts["unchanged"] == 1  # the same rows are fine
    before = counts()
    refused = needs_import(
        actor=officer, city=in_milano, file=csv_upload([dict(rows[0], quantity="300")]), dry_run=False
    )
    assert not refused.ok and not refused.written
    assert "already “Published”" in refused.rows[0].errors[0]
    assert counts() == before
    books.refresh_from_db()
    assert books.lines.get().quantity == 200
