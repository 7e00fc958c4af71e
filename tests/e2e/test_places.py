"""The location picker: an officer places a new need by clicking the map and, separately, by
finding a school by name; the page announces the neighbourhood at once, and once saved the need
shows the neighbourhood the server found for the point (the same one). In it, en and fr, on a
390-px phone and a desktop; axe-core checks every page and the picker with its results open.
A company's representative places a new site by finding a cascina. Screenshots go to
/tmp/shots/places/ (never into the repository)."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, check_a11y

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "places"))
PREFIX = {"it": "Quartiere:", "en": "Neighbourhood:", "fr": "Quartier :"}
# every language, the phone in two of them and the wide screen in the third (the suite stays within CI's time)
CASES = [("it", 390), ("en", 1280), ("fr", 390)]

COMPANY = """
import json
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City

city = City.objects.get(slug="milano")
with scope(city=city.pk):
    rep = User.objects.get(email="representative@milano.example")
    print("IDS=" + json.dumps({"company": rep.memberships.get().organisation.pk}))
"""


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def new_need(officer, lang, title):
    page = officer.page
    page.set_default_navigation_timeout(90_000)  # the demo's worker may hold SQLite's lock a while
    officer.goto(f"/{lang}/milano/needs/new/")
    page.locator("#id_owner").select_option(index=1)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill("Cortile, orto, aule all'aperto")
    expect(page.locator("[data-location-picker]")).to_have_attribute("data-ready", "true")
    # without JavaScript the coordinates would be typed here; with it they are filled by the map
    expect(page.locator("#id_lat")).not_to_be_visible()
    return page


def announced(page, lang) -> str:
    """The neighbourhood the picker's live region announces, once the server has answered."""
    expect(page.locator("[data-location-picker]")).to_have_attribute("data-area", re.compile(r"\d+"))
    text = page.locator("#picker-area").inner_text()
    assert text.startswith(PREFIX[lang]), text
    return text.removeprefix(PREFIX[lang]).strip()


def save_and_read_area(officer) -> str:
    page = officer.page
    officer.click(page.locator("main form button.btn-primary[type=submit]").first)
    assert "/needs/" in page.url and not page.url.endswith("/new/")
    return page.locator("main .lead a").first.inner_text()


def located(visitor, lat, lon) -> str:
    """The neighbourhood the API finds for the point the form posted (what the server resolves)."""
    url = f"{visitor.base}/api/v1/cities/milano/areas/locate/?lat={lat}&lon={lon}"
    areas = visitor.page.request.get(url).json()
    return next(a["name"] for a in areas if a["kind"] == "nil")


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_an_officer_places_a_need_by_clicking_the_map(people, lang, width):
    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size({"width": width, "height": 900})
    page = new_need(officer, lang, f"Cortile verde {lang}-{width}")
    expect(page.locator("[data-location-picker]")).to_have_attribute("data-drawn", "true")
    map_box = page.locator("#picker-map")
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    name = announced(page, lang)
    lat, lon = page.locator("#id_lat").input_value(), page.locator("#id_lon").input_value()
    assert lat and lon
    assert located(officer, lat, lon) == name
    check_a11y(page)
    shot(page, f"need-click-{lang}-{width}")
    assert save_and_read_area(officer) == name
    shot(page, f"need-click-saved-{lang}-{width}")


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_an_officer_places_a_need_by_finding_a_school(people, lang, width):
    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size({"width": width, "height": 900})
    page = new_need(officer, lang, f"Aule all'aperto {lang}-{width}")
    search = page.get_by_label(
        {"it": "Cerca un luogo noto", "en": "Find a known place", "fr": "Chercher un lieu connu"}[lang]
    )
    search.fill("liceo parini")
    choice = page.locator("#picker-place-results button", has_text="Liceo Classico Parini")
    expect(choice).to_be_visible()
    expect(page.locator("#picker-found")).not_to_be_empty()
    assert "Comune di Milano (CC BY 4.0)" in page.locator("#picker-place-sources").inner_text()
    check_a11y(page)  # with the results open
    shot(page, f"need-search-{lang}-{width}")
    # by keyboard: down to the result, Enter chooses it
    search.press("ArrowDown")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")
    assert announced(page, lang) == "BRERA"
    expect(page.locator("#picker-place-results button")).to_have_count(0)
    assert page.locator("#id_lat").input_value().startswith("45.47")
    shot(page, f"need-search-chosen-{lang}-{width}")
    assert save_and_read_area(officer) == "BRERA"


def test_a_representative_places_a_new_site_by_finding_a_cascina(people, server_env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", COMPANY],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("IDS=")).removeprefix("IDS="))
    rep = people("representative@milano.example", lang="it")
    page = rep.page
    page.set_viewport_size({"width": 390, "height": 900})
    page.set_default_navigation_timeout(90_000)
    rep.goto(f"/it/milano/organisations/{ids['company']}/")
    page.locator("#id_label").fill("Magazzino della cascina")
    page.get_by_label("Cerca un luogo noto").fill("san gregorio")
    page.locator("#picker-place-results button", has_text="Cascina San Gregorio Vecchio").click()
    assert announced(page, "it") == "CIMIANO - ROTTOLE - Q.RE FELTRE"
    shot(page, "site-search-it-390")
    rep.click(page.get_by_role("button", name="Aggiungi sede"))
    sites = page.locator("main li", has_text="Magazzino della cascina")
    expect(sites).to_contain_text("CIMIANO - ROTTOLE - Q.RE FELTRE")
