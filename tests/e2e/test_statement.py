"""Issue 12 in the browser: a company's representative opens the sustainability statement, picks
a period, reads it, and downloads it as PDF and XLSX, whose figures are the page's; in Italian the
representative also records a management cost typed as Italian writes it. In it, en and fr (two
of them at phone width); axe-core checks every page. Screenshots (and the PDF's first page as a
PNG) go to /tmp/shots/statement/ (never into the repository)."""

import io
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "statement"))
REPRESENTATIVE = "representative@milano.example"  # Bovisa Costruzioni, the demo's most active giver
WORDS = {
    "it": {"title": "Rendiconto di sostenibilità", "show": "Mostra il rendiconto", "record": "Registra il costo"},
    "en": {"title": "Sustainability statement", "show": "Show the statement", "record": "Record the cost"},
    "fr": {"title": "Relevé de durabilité", "show": "Afficher le relevé", "record": "Enregistrer le coût"},
}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _download(page, testid: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    return Path(info.value.path()).read_bytes()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_a_company_downloads_its_statement(people, lang, width):
    words = WORDS[lang]
    rep = people(REPRESENTATIVE, lang=lang)
    page = rep.page
    page.set_viewport_size({"width": width, "height": 900})
    rep.goto(f"/{lang}/milano/workspace/company/statement/")
    assert page.get_by_role("heading", level=1).inner_text() == words["title"]
    if lang == "it":  # a management cost, typed as Italian writes it
        page.locator("input[name=amount]").fill("1.234,50")
        page.locator("input[name=memo]").fill("Valutazione del programma")
        rep.submit(words["record"])
        assert "Valutazione del programma" in page.locator("main").inner_text()
        assert "1.234,50" in page.locator("main").inner_text()
    page.locator("input[name=start]").fill("01/01/2020")
    rep.submit(words["show"])
    total = _flat(page.get_by_test_id("statement-total").inner_text())
    assert re.search(r"\d", total)
    _shot(page, f"statement-{lang}-{width}")
    # no sideways scroll at phone width: the tables scroll inside their own box
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"

    pdf = _download(page, "download-pdf")
    text = _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert total in text and words["title"] in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"statement-{lang}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(SHOTS / f"statement-{lang}.pdf"),
            str(SHOTS / f"statement-pdf-{lang}"),
        ],
        check=False,
    )

    book = load_workbook(io.BytesIO(_download(page, "download-xlsx")), read_only=True)
    summary = [row for row in book.worksheets[0].values if len(row) > 1]
    shown = re.sub(r"[^\d]", "", total)  # the page's total, digits only: the cents
    assert f"{summary[-1][1]:.2f}".replace(".", "") == shown
