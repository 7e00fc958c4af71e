"""A visitor reads the open-data page in three languages: datasets with licence and
attribution, the catalogue's files; axe-core and the CSP checked on each, no sideways scroll at
390 px. Screenshots go to the folder SHOTS names, when it is set."""

import json
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["SHOTS"]) if os.environ.get("SHOTS") else None  # e.g. /tmp/shots/opendata
TITLES = {"it": "Dati aperti", "en": "Open data", "fr": "Données ouvertes"}
GRANTS = {
    "it": "Sovvenzioni e contributi (360Giving)",
    "en": "Grants and contributions (360Giving)",
    "fr": "Subventions et contributions (360Giving)",
}


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_the_open_data_page_in_three_languages(visitor, lang, width):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})

    visitor.goto(f"/{lang}/milano/open-data/")

    assert page.locator("h1").inner_text() == TITLES[lang]
    assert page.get_by_role("heading", name=GRANTS[lang]).count() == 1
    assert page.locator("main a[href$='/open-data/360giving.json']").count() == 1
    assert page.locator("main a[rel=license][href='https://creativecommons.org/licenses/by/4.0/']").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"opendata-{lang}-{width}.png"), full_page=True)
    # the catalogue and the 360Giving package answer from the running site
    catalogue = page.request.get(page.url + "catalog.jsonld")
    assert catalogue.status == 200 and "dcat" in catalogue.text()
    package = json.loads(page.request.get(page.url + "360giving.json").text())
    assert package["grants"]
