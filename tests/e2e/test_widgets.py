"""Forms people expect (issue 14, item 4; ADR 0020), in it, en and fr, on a desktop and a 390-px
phone, axe-core on every page and after each widget changes: an officer edits a need, finds an SDG
target by typing words of its name and ticks it from the keyboard, types its dates as the page's
language writes them (dd/mm/yyyy; en-GB on English pages), saves, and the need's page names the
target and shows the dates; a company's representative picks two neighbourhoods by typing, sees
them listed as chosen, removes one and picks another, saves, and they stay ticked. Screenshots go
to /tmp/shots/widgets/ (never into the repository)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cities4csr.demo.seed import DEMO_PASSWORD

from .conftest import ROOT, check_a11y

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "widgets"))

SETUP = """
import json
from django_scopes import scope
from cities4csr.cities.models import City
from cities4csr.needs.models import Need
from cities4csr.needs.services import need_create

city = City.objects.get(slug="milano")
with scope(city=city.pk):
    owner = Need.objects.filter(state="published").order_by("pk").first().owner
    need = need_create(actor=None, city=city, owner=owner, title=%r, description="Cortile della scuola")
print("IDS=" + json.dumps({"need": need.pk}))
"""

# words of target 4.a's name as each language writes it, and what the page then shows
WORDS = {
    "it": {"find": "strutture educative", "target": "4.a — Costruire e migliorare le strutture educative"},
    "en": {"find": "education facilities", "target": "4.a — Build and upgrade education facilities"},
    "fr": {"find": "etablissements scolaires", "target": "4.a — Construire des établissements scolaires"},
}


def prepare(server_env, title):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP % title],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("IDS="))
    return json.loads(line.removeprefix("IDS="))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pick_by_typing(page, field, words):
    """Type words into the field's filter box, go to the first match with Enter, tick it with Space."""
    box = page.locator(f"#id_{field}_filter")
    box.fill(words)
    box.press("Enter")
    focused = page.locator(f"#id_{field}_list input:focus")
    expect(focused).to_have_count(1)
    page.keyboard.press("Space")
    return focused.get_attribute("value")


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_an_officer_picks_an_sdg_by_name_and_types_dates_in_the_page_language(people, server_env, lang, width):
    title = f"Aule verdi {lang}-{width}"
    ids = prepare(server_env, title)
    officer = people("officer@milano.example", lang=lang)
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})
    officer.goto(f"/{lang}/milano/needs/{ids['need']}/edit/")
    assert page.locator("input[type=date]").count() == 0  # the page's language, not the browser's
    hint = {"it": "gg/mm/aaaa", "en": "dd/mm/yyyy", "fr": "jj/mm/aaaa"}[lang]
    assert hint in page.locator("#id_starts_on_helptext").inner_text()
    assert page.locator("#id_starts_on").get_attribute("aria-describedby") == "id_starts_on_helptext"

    # the SDG target, found by words of its name and ticked from the keyboard
    picked = pick_by_typing(page, "sdgs", WORDS[lang]["find"])
    assert picked == "4.a"
    expect(page.locator("#id_sdgs_status")).not_to_be_empty()
    chips = page.locator("#id_sdgs .c4-choices-chosen button")
    expect(chips).to_have_count(1)
    assert chips.first.inner_text().startswith("4.a")
    check_a11y(page)
    shot(page, f"need-edit-sdg-{lang}-{width}")

    page.locator("#id_starts_on").fill("01/12/2026")
    page.locator("#id_ends_on").fill("31/12/2026")
    officer.click(page.locator("main form button[type=submit]").first)
    assert f"/needs/{ids['need']}/" in page.url and "/edit/" not in page.url
    main = page.locator("main").inner_text()
    assert WORDS[lang]["target"] in page.locator("[data-testid=need-sdgs]").inner_text()
    assert "01/12/2026" in main and "31/12/2026" in main
    shot(page, f"need-page-{lang}-{width}")

    # a date the language cannot read is said beside the field, in its language, and summarised on top
    officer.goto(f"/{lang}/milano/needs/{ids['need']}/edit/")
    assert page.locator("#id_starts_on").input_value() == "01/12/2026"
    page.locator("#id_starts_on").fill("12/31/2026")
    officer.click(page.locator("main form button[type=submit]").first)
    assert page.locator("#id_starts_on").get_attribute("aria-invalid") == "true"
    said = {"it": "Inserisci una data valida", "en": "Enter a valid date", "fr": "Saisissez une date valide"}[lang]
    assert said in page.locator("#id_starts_on_error").inner_text()
    expect(page.locator("main [role=alert] a[href='#id_starts_on']")).to_have_count(1)
    shot(page, f"need-edit-error-{lang}-{width}")


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_a_company_picks_two_neighbourhoods_by_typing(people, lang, width):
    rep = people("representative@milano.example", lang=lang)
    page = rep.page
    page.set_viewport_size({"width": width, "height": 900})
    rep.goto(f"/{lang}/milano/workspace/company/")
    labels = page.locator("#id_preferred_areas_list label")
    assert [labels.nth(i).inner_text() for i in range(3)] == ["1 DUOMO", "2 BRERA", "3 GIARDINI P.TA VENEZIA"]
    assert "10 STAZIONE CENTRALE" in labels.nth(9).inner_text()
    ticked = [box.get_attribute("id") for box in page.locator("#id_preferred_areas_list input:checked").all()]
    for box_id in ticked:  # a previous run's choices (the same company in every run)
        page.locator(f"label[for='{box_id}']").click()

    picked = [pick_by_typing(page, "preferred_areas", "brera"), pick_by_typing(page, "preferred_areas", "giardini")]
    chips = page.locator("#id_preferred_areas .c4-choices-chosen button")
    expect(chips).to_have_count(2)
    # removing one from the chosen list unticks it; another is picked in its place
    chips.nth(1).click()
    expect(chips).to_have_count(1)
    picked[1] = pick_by_typing(page, "preferred_areas", "isola")
    expect(chips).to_have_count(2)
    assert "ISOLA" in chips.nth(1).inner_text()
    check_a11y(page)
    shot(page, f"profile-neighbourhoods-{lang}-{width}")

    page.locator("#id_preferred_areas_filter").fill("")
    rep.click(
        page.get_by_role(
            "button", name={"it": "Salva profilo", "en": "Save profile", "fr": "Enregistrer le profil"}[lang]
        )
    )
    checked = page.locator("#id_preferred_areas_list input:checked")
    assert sorted(box.get_attribute("value") for box in checked.all()) == sorted(picked)
    chosen = page.locator("#id_preferred_areas .c4-choices-chosen").inner_text()
    assert "2 BRERA" in chosen and "11 ISOLA" in chosen


def test_without_javascript_the_lists_are_plain_tick_boxes(browser, server):
    """axe-core needs JavaScript: this page is checked with it in the tests above."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}/it/accounts/login/")
        page.locator("input[name=login]").fill("representative@milano.example")
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        page.goto(f"{server}/it/milano/workspace/company/")
        assert not page.locator("#id_preferred_areas_filter").is_visible()  # no filter box that cannot work
        assert page.locator("#id_preferred_areas_list input[type=checkbox]").count() == 88
        assert page.locator("#id_sdgs_list input[type=checkbox]").count() == 17 + 169
        target = page.locator("#id_sdgs_list input[value='11.7']")
        wanted = not target.is_checked()
        page.locator("label[for='" + target.get_attribute("id") + "']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Salva profilo").click()
        assert page.locator("#id_sdgs_list input[value='11.7']").is_checked() == wanted
    finally:
        context.close()
