"""Issue 12, item 5, in the browser: Milan's dashboard on a phone (390 px) in it, en and fr, and
at 1280 px in Italian: the totals, the charts drawn with their tables beside them, a filter
applied, the CSV and XLSX downloaded; the officer's home links to it. axe-core checks every page;
nothing scrolls sideways. Screenshots go to /tmp/shots/dashboard/ (never into the repository)."""

import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "dashboard"))
WORDS = {
    "it": {"title": "Cruscotto", "show": "Mostra", "theme": "Tema"},
    "en": {"title": "Dashboard", "show": "Show", "theme": "Theme"},
    "fr": {"title": "Tableau de bord", "show": "Afficher", "theme": "Thème"},
}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.e2e
@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 390), ("fr", 390), ("it", 1280)])
def test_the_dashboard_on_a_phone_and_a_desk(people, lang, width, tmp_path):
    words = WORDS[lang]
    visitor = people(lang=lang)
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    visitor.goto(f"/{lang}/milano/")
    visitor.click(page.get_by_test_id("city-dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    # the demo's verified contributions are in the ledger: cash and at least one company engaged
    expect(page.get_by_test_id("total-cash")).not_to_have_text("0,00 €" if lang != "en" else "€0.00")
    assert int(page.get_by_test_id("total-givers").inner_text().replace(".", "").replace(",", "")) >= 1
    # the charts are drawn (their boxes shown by the script) and each has its table
    for chart in ("chart-value", "chart-funnel", "chart-themes"):
        expect(page.locator(f"#{chart}")).to_be_visible()
    expect(page.get_by_test_id("table-over-time").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("table-funnel").locator("tbody tr")).to_have_count(4)
    _no_sideways_scroll(page)
    _shot(page, f"dashboard-{lang}-{width}")

    # the files (all the tables: the whole history)
    with page.expect_download() as download:
        page.get_by_test_id("dashboard-exports").locator("a").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    assert sum(1 for row in rows if row[0] == "table") == 5  # each table's header
    assert {"totals_over_time", "funnel", "funnel_by_theme", "funnel_by_area"} <= {row[0] for row in rows}
    with page.expect_download() as download:
        page.get_by_test_id("dashboard-exports").locator("a").last.click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    assert "totals_over_time" in workbook.sheetnames

    # a theme chosen: the page says so in its address and its funnel narrows (needs of two themes
    # stay in the other theme's row too)
    def published():
        cell = page.get_by_test_id("table-funnel").locator("tbody tr").first.locator("td").first
        return int(cell.inner_text().replace(".", "").replace(",", "").replace("\u202f", "").replace(" ", ""))

    everything = published()
    themes = page.locator("select[name=theme]")
    values = [v for v in themes.locator("option").evaluate_all("(os) => os.map((o) => o.value)") if v]
    chosen = "education" if "education" in values else values[0]
    themes.select_option(chosen)
    visitor.submit(words["show"])
    assert f"theme={chosen}" in page.url
    assert 0 < published() < everything
    _no_sideways_scroll(page)
    _shot(page, f"dashboard-theme-{lang}-{width}")


@pytest.mark.e2e
def test_the_officer_goes_from_the_pipeline_to_the_dashboard(people):
    officer = people("officer@milano.example", lang="it")
    officer.page.set_viewport_size({"width": 390, "height": 900})
    officer.goto("/it/milano/workspace/officer/")
    officer.click(officer.page.get_by_test_id("officer-dashboard"))
    expect(officer.page.get_by_role("heading", level=1)).to_have_text("Cruscotto")
    _no_sideways_scroll(officer.page)
