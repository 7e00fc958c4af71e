"""Results in the browser, in Italian on a 390-px phone, in English at 1280 px and in French on a
phone: the partner (partner@, Wau! Milano) reports a value of its need's indicator with the
number written as its language writes it; an officer returns it saying what to correct; the
partner corrects it and sends it again; the officer approves it; the public page of the need's
results shows the approved value, and the results page draws its map. axe-core checks every page
(and the CSP); nothing is wider than the phone. Screenshots go to /tmp/shots/results/."""

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "results"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
INDICATOR = "Ore di tutoraggio digitale svolte"

# the demo's indicator of the partner's need (Wau! Milano, NIL 65)
SETUP = """
import json
from django_scopes import scope
from cities4csr.cities.models import City
from cities4csr.impact.models import ResultIndicator

city = City.objects.get(slug="milano")
with scope(city=city.pk):
    indicator = ResultIndicator.objects.get(city=city, name=NAME)
print("IDS=" + json.dumps({"indicator": indicator.pk, "need": indicator.need_id}))
""".replace("NAME", repr(INDICATOR))

# (language, viewport, first value typed, corrected value typed, the corrected value as the page writes it)
RUNS = [
    ("it", PHONE, "30,5", "1.031,5", "1.031,5"),
    ("en", DESKTOP, "33.5", "1,034.5", "1,034.5"),
    ("fr", PHONE, "36,5", "1 037,5", "1\u202f037,5"),
]


def prepare(server_env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(next(x for x in result.stdout.splitlines() if x.startswith("IDS=")).removeprefix("IDS="))


def shot(visitor, name, viewport):
    if viewport == PHONE:
        overflow = visitor.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{visitor.page.url} is {overflow}px wider than the phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("lang", "viewport", "first", "corrected", "shown"), RUNS, ids=[r[0] for r in RUNS])
def test_an_update_is_submitted_returned_resubmitted_and_approved(
    people, server_env, lang, viewport, first, corrected, shown
):
    ids = prepare(server_env)
    city = f"/{lang}/milano"
    today = datetime.date.today().strftime("%d/%m/%Y")

    partner = people("partner@milano.example", lang=lang)
    partner.page.set_viewport_size(viewport)
    partner.goto(f"{city}/workspace/results/")
    shot(partner, f"{lang}-1-partner-workspace", viewport)
    partner.goto(f"{city}/workspace/results/indicators/{ids['indicator']}/updates/new/")
    partner.page.locator("input[name=value]").fill(first)
    partner.page.locator("input[name=measured_on]").fill(today)
    partner.page.locator("textarea[name=note]").fill("Registro dei tutor")
    shot(partner, f"{lang}-2-partner-update-form", viewport)
    partner.click(partner.page.locator("button[name=submit]"))
    mine = partner.page.locator("[data-testid=my-updates] tr", has_text=first)
    assert mine.locator("[data-testid=update-state]").inner_text().strip() != ""

    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size(viewport)
    officer.goto(f"{city}/workspace/results/review/")
    card = officer.page.locator("[data-testid=review-update]", has_text=f": {first}")
    assert card.count() == 1
    card.locator("textarea[name=reason]").fill("Allegate il registro firmato dai tutor.")
    shot(officer, f"{lang}-3-officer-review", viewport)
    officer.click(card.locator("[data-testid=return]"))
    assert officer.page.locator("[data-testid=review-update]", has_text=f": {first}").count() == 0

    partner.goto(f"{city}/workspace/results/")
    row = partner.page.locator("[data-testid=my-updates] tr", has_text=first)
    assert "Allegate il registro" in row.inner_text()
    shot(partner, f"{lang}-4-partner-returned", viewport)
    partner.click(row.locator("[data-testid=correct-update]"))
    assert "Allegate il registro" in partner.page.locator("[data-testid=return-reason]").inner_text()
    partner.page.locator("input[name=value]").fill("abc")
    with partner.page.expect_navigation():
        partner.page.locator("button[name=submit]").click()
    assert partner.page.locator(".invalid-feedback, .alert-danger, [id$=_error], .errorlist").count() >= 1
    partner.page.locator("input[name=value]").fill(corrected)
    partner.click(partner.page.locator("button[name=submit]"))

    officer.goto(f"{city}/workspace/results/review/")
    card = officer.page.locator("[data-testid=review-update]", has_text=f": {shown}")
    assert card.count() == 1
    officer.click(card.locator("[data-testid=approve]"))
    assert officer.page.locator("[data-testid=review-update]", has_text=f": {shown}").count() == 0

    public = people(lang=lang)
    public.page.set_viewport_size(viewport)
    public.goto(f"{city}/results/needs/{ids['need']}/")
    latest = public.page.locator("[data-testid=indicator]", has_text=INDICATOR).locator(
        "[data-testid=indicator-latest]"
    )
    assert latest.inner_text().startswith(shown)
    assert public.page.locator("[data-testid=timeline] li").count() >= 2
    shot(public, f"{lang}-5-public-need-results", viewport)
    public.goto(f"{city}/results/")
    public.page.wait_for_selector("#area-map[data-needs]")
    assert public.page.locator("[data-testid=results-table] tbody tr").count() >= 3
    shot(public, f"{lang}-6-public-results", viewport)
