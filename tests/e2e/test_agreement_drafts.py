"""An officer enters the terms of the demo sponsorship's draft on the pledge page, generates the
drafts and downloads the PDF; the panel passes axe-core in three languages."""

import subprocess
import sys

import pytest

from .conftest import ROOT

FIND = """
from django_scopes import scopes_disabled
from cities4csr.instruments.models import Agreement
with scopes_disabled():
    print("PLEDGE=%d" % Agreement.objects.filter(city__slug="milano", instrument="sponsorship").order_by("id")[0].pledge_id)
"""


@pytest.fixture(scope="module")
def sponsorship_pledge(server, server_env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", FIND],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(next(line for line in result.stdout.splitlines() if line.startswith("PLEDGE=")).removeprefix("PLEDGE="))


@pytest.mark.parametrize(
    ("lang", "summary", "save", "generate"),
    [
        ("it", "Dati per la bozza", "Salva i dati", "Genera le bozze"),
        ("en", "Terms the draft needs", "Save the terms", "Generate the drafts"),
        ("fr", "Données du projet", "Enregistrer les données", "Générer les projets"),
    ],
)
def test_officer_enters_the_terms_and_downloads_the_draft(visitor, sponsorship_pledge, lang, summary, save, generate):
    page = visitor.page
    visitor.login("officer@milano.example", lang=lang)
    visitor.goto(f"/{lang}/milano/pledges/{sponsorship_pledge}/")
    page.get_by_text(summary, exact=False).first.click()
    page.locator("#id_terms-decision_ref").fill("n. 345")
    page.locator("#id_terms-decision_on").fill("20/11/2026")  # as every page language writes it
    page.locator("#id_terms-giver_signatory").fill("Marco Bianchi, amministratore delegato")
    visitor.submit(save)
    assert page.locator(".alert-success").count() >= 1
    visitor.submit(generate)
    pdf = page.locator("[data-testid=agreement] a", has_text="PDF").first
    with page.expect_download() as download:
        pdf.click()
    assert download.value.suggested_filename.endswith(".pdf")
    check = page.request.get(visitor.base + pdf.get_attribute("href"))
    assert check.ok and check.body()[:5] == b"%PDF-"
