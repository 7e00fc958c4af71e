"""Done when: the demo's most active company's statement reconciles to the cent with the ledger by
how, why, what and where; its PDF and XLSX parse back with the same figures.

The check reads the ledger's postings itself (not through ``flows``): an independent sum of the
company's giver postings, movement by movement, against the statement's tables."""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cities4csr.core.money import money_format
from cities4csr.ledger.models import Account, Posting, Source
from cities4csr.ledger.resources import ResourceKind
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.reporting.exporting import hours, statement_pdf, statement_xlsx, tables
from cities4csr.reporting.statement import split_evenly, statement_build, theme_keys

SINCE = datetime.date(2000, 1, 1)


@pytest.fixture
def most_active(in_milano):
    """The organisation with the most ledger movements as giver, and its postings."""
    counts = (
        Posting.objects.filter(city=in_milano, account__kind=Account.Kind.GIVER)
        .values("account__ref_id")
        .annotate(n=Count("group", distinct=True))
        .order_by("-n", "account__ref_id")
    )
    top = counts.first()
    assert top is not None and top["n"] >= 3, "the demo has a company that gave several times"
    return Organisation.objects.get(pk=top["account__ref_id"])


def independent_sums(city, organisation, until):
    how, why, what, where, resource = Counter(), Counter(), Counter(), Counter(), Counter()
    postings = Posting.objects.filter(
        city=city,
        account__kind=Account.Kind.GIVER,
        account__ref_id=organisation.pk,
        group__effective_on__gte=SINCE,
        group__effective_on__lte=until,
    ).select_related("group")
    by_themes = defaultdict(int)
    total = 0
    for p in postings:
        g, cents = p.group, -p.amount_cents
        total += cents
        kind = g.resource_kind
        b4si = (
            "management_costs"
            if g.source == Source.MANAGEMENT_COST
            else "cash"
            if kind == ResourceKind.MONEY
            else "time"
            if kind == ResourceKind.VOLUNTEER_TIME
            else "in_kind"
        )
        how[b4si] += cents
        why[g.motivation] += cents
        where[g.area_code] += cents
        resource["management_costs" if b4si == "management_costs" else kind] += cents
        by_themes[g.themes] += cents
    for themes, cents in by_themes.items():
        for key, share in split_evenly(cents, theme_keys(themes)).items():
            what[key] += share
    return total, how, why, what, where, resource


def as_dict(rows):
    return {r.code: r.value_cents for r in rows if r.value_cents}


def test_the_most_active_companys_statement_reconciles_with_the_ledger(in_milano, most_active):
    until = timezone.localdate()
    s = statement_build(city=in_milano, organisation=most_active, since=SINCE, until=until, language="it")
    total, how, why, what, where, resource = independent_sums(in_milano, most_active, until)
    assert total > 0 and s.total_cents == total
    assert as_dict(s.inputs) == {k: v for k, v in how.items() if v}
    assert as_dict(s.by_motivation) == {k: v for k, v in why.items() if v}
    assert as_dict(s.by_theme) == {k: v for k, v in what.items() if v}
    assert as_dict(s.by_area) == {k: v for k, v in where.items() if v}
    assert as_dict(s.by_resource) == {k: v for k, v in resource.items() if v}
    for table in (s.inputs, s.by_motivation, s.by_theme, s.by_area, s.by_resource):
        assert sum(r.value_cents for r in table) == total
    assert s.needs_supported, "its contributions reached needs"


@pytest.mark.parametrize("language", ["it", "en", "fr"])
def test_the_pdf_and_the_xlsx_parse_back_with_the_same_figures(in_milano, most_active, language):
    s = statement_build(
        city=in_milano, organisation=most_active, since=SINCE, until=timezone.localdate(), language=language
    )
    # XLSX: every table's sheet holds the same numbers, the total to the cent
    book = load_workbook(io.BytesIO(statement_xlsx(s)), read_only=True)
    for table in tables(s):
        sheet = list(book.worksheets[[t["key"] for t in tables(s)].index(table["key"]) + 1].values)
        assert len(sheet) == 1 + len(table["rows"]) + (1 if table["total"] else 0)
        for kind_row, cells in zip(table["rows"], sheet[1:], strict=False):
            for kind, value, cell in zip(table["kinds"], kind_row, cells, strict=True):
                if kind == "money":
                    assert round(cell * 100) == value
                elif kind == "hours":
                    assert cell == pytest.approx(float(hours(value)))
        if table["key"] in ("inputs", "motivation", "themes", "areas"):
            last_money = max(i for i, kind in enumerate(table["kinds"]) if kind == "money")
            assert round(sheet[-1][last_money] * 100) == s.total_cents
    summary = [row for row in book.worksheets[0].values if len(row) > 1]
    assert summary[0][1] == s.organisation
    assert round(summary[-1][1] * 100) == s.total_cents  # "Total given"
    # PDF: its text carries the same amounts, as the reader's language writes them
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(statement_pdf(s))).pages)
    flat = " ".join(text.split())
    for row in [*s.inputs, *s.by_motivation, *s.by_area]:
        if row.value_cents:
            amount = " ".join(money_format(row.value_cents, locale=language, currency=s.currency).split())
            assert amount in flat, (row.label, amount)
    assert " ".join(money_format(s.total_cents, locale=language, currency=s.currency).split()) in flat
    assert s.organisation in flat
    # no English word, no ISO or month-first date on an Italian or French statement
    from tests.test_words import problems

    assert problems(text, language, html=False) == []


def test_the_demo_representative_opens_and_downloads_the_statement(in_milano, most_active, users):
    rep = Membership.objects.filter(organisation=most_active, role=Membership.Role.REPRESENTATIVE).first()
    client = Client()
    client.force_login(rep.user if rep else users["milano", "officer"])
    query = f"?organisation={most_active.pk}&start=01/01/2020&end={timezone.localdate():%d/%m/%Y}"
    page = client.get(f"/it/milano/workspace/company/statement/{query}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="statement-total"' in body and "Rendiconto di sostenibilità" in body
    for ext, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml"), ("json", "application/json")):
        download = client.get(f"/it/milano/workspace/company/statement/statement.{ext}{query}")
        assert download.status_code == 200 and kind in download["Content-Type"]
    api = client.get(f"/api/v1/cities/milano/organisations/{most_active.pk}/statement/?from=2020-01-01&lang=fr")
    assert api.status_code == 200
    data = api.json()
    assert data["language"] == "fr" and sum(r["value_cents"] for r in data["b4si"]["inputs"]) == data["total_cents"]
