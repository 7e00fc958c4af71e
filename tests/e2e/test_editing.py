"""An officer finds a draft need in the officer's list, then raises and lowers a need's line
after a company pledged to it: below what is pledged the page says so beside the amount, in the
page's language; the pledge is kept. In it, en and fr, on a desktop and a 390-px phone; axe-core
checks every page. Screenshots of the pages go to /tmp/shots/edit/ (never into the repository)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, check_a11y

# screenshots for a person to look at, outside the repository (SHOTS_DIR to choose where)
SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "edit"))

# Runs in the server's database through `manage.py shell`: a draft (as an import leaves it) and
# a published need of €1,000 to which the demo company pledged €600. Prints the ids as JSON.
SETUP = """
import json
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.pledges.services import pledge_propose

city = City.objects.get(slug="milano")
tag = %r
with scope(city=city.pk):
    officer = User.objects.get(email="officer@milano.example")
    rep = User.objects.get(email="representative@milano.example")
    company = rep.memberships.get().organisation
    owner = Need.objects.filter(state="published").order_by("pk").first().owner
    draft = need_create(actor=None, city=city, owner=owner, title=f"Orto didattico {tag}", description="Bozza")
    line_add(actor=None, need=draft, kind="money", label="Semi e attrezzi", quantity=50_000)
    need = need_create(actor=None, city=city, owner=owner, title=f"Aule all'aperto {tag}", description="Cortile")
    line = line_add(actor=None, need=need, kind="money", label="Arredi del cortile", quantity=100_000)
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    pledge = pledge_propose(actor=rep, need=need, organisation=company, items=[(line, 60_000)])
print("IDS=" + json.dumps({"draft": draft.pk, "need": need.pk, "line": line.pk, "pledge": pledge.pk}))
"""

# what the page must say, per language: the error below the pledged amount, the amounts typed
WORDS = {
    "it": {"below": "già promessi", "too_low": "599,99", "raise": "1.500", "shown": "1.500"},
    "en": {"below": "already pledged", "too_low": "599.99", "raise": "1,500", "shown": "1,500"},
    "fr": {"below": "déjà engagés", "too_low": "599,99", "raise": "1 500", "shown": "1\u202f500"},
}


def prepare(server_env, tag):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP % tag],
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


@pytest.mark.parametrize(("lang", "width"), [("it", 1280), ("en", 390), ("fr", 390), ("fr", 1280)])
def test_officer_finds_a_draft_and_edits_a_pledged_line_the_pledge_is_kept(people, server_env, lang, width):
    tag = f"{lang}-{width}"
    ids = prepare(server_env, tag)
    officer = people("officer@milano.example", lang=lang)
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})

    # the draft is in the officer's list: searched (htmx swaps the results), then by its state
    officer.goto(f"/{lang}/milano/workspace/officer/needs/")
    page.locator("#officer-q").fill(f"orto didattico {tag}")
    page.locator("#officer-q").press("Enter")
    row = page.locator("#officer-results tbody tr")
    expect(row).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert f"Orto didattico {tag}" in row.inner_text()
    assert "q=" in page.url  # the search is in the address, to share or go back to
    check_a11y(page)
    officer.goto(f"/{lang}/milano/workspace/officer/needs/?state=draft&q=orto+{tag}")
    assert page.locator("#officer-results tbody tr").count() == 1
    shot(page, f"officer-needs-{lang}-{width}")

    # the line: below what is pledged is refused beside the amount, in the page's language
    officer.goto(f"/{lang}/milano/needs/{ids['need']}/")
    officer.click(page.locator(f"a[href$='/lines/{ids['line']}/']"))
    words = WORDS[lang]
    page.locator("#id_amount_eur").fill(words["too_low"])
    officer.click(page.locator("main form button[type=submit]").first)
    error = page.locator("#id_amount_eur ~ .invalid-feedback")
    assert words["below"] in error.inner_text()
    assert "cents" not in page.content()
    shot(page, f"line-edit-error-{lang}-{width}")
    page.locator("#id_amount_eur").fill(words["raise"])
    officer.click(page.locator("main form button[type=submit]").first)
    assert f"/needs/{ids['need']}/" in page.url
    assert words["shown"] in page.locator("main").inner_text()

    # the pledge is kept: still proposed, still €600, in the officer's list of pledges
    officer.goto(f"/{lang}/milano/workspace/officer/pledges/?q={tag}")
    rows = page.locator("#officer-results tbody tr")
    assert rows.count() == 1 and "600" in rows.inner_text()
    shot(page, f"officer-pledges-{lang}-{width}")
    officer.goto(f"/{lang}/milano/pledges/{ids['pledge']}/")
    assert "600" in page.locator("main").inner_text()


IDS = """
import json
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.needs.models import Need
from cities4csr.offers.services import offer_create

city = City.objects.get(slug="milano")
with scope(city=city.pk):
    rep = User.objects.get(email="representative@milano.example")
    company = rep.memberships.get().organisation
    offer = company.offers.filter(is_active=True).order_by("pk").first() or offer_create(
        actor=None, organisation=company, kind="money", label="Contributo", quantity=500_000
    )
    need = Need.objects.filter(state="published").order_by("pk").first()
    print("IDS=" + json.dumps({
        "company": company.pk, "site": company.sites.order_by("pk").first().pk, "offer": offer.pk,
        "need": need.pk, "line": need.lines.order_by("pk").first().pk,
    }))
"""


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_lists_and_edit_forms_pass_axe_in_every_language(people, server_env, lang, width):
    """Every list and edit form of this work, for the officer and the company; axe on each."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", IDS],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = json.loads(next(x for x in result.stdout.splitlines() if x.startswith("IDS=")).removeprefix("IDS="))
    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size({"width": width, "height": 900})
    for key in ("needs", "pledges", "collective", "agreements", "steps"):
        officer.goto(f"/{lang}/milano/workspace/officer/{key}/")
        assert officer.page.locator("h1").count() == 1
        shot(officer.page, f"list-{key}-{lang}-{width}")
    officer.goto(f"/{lang}/milano/needs/{ids['need']}/edit/")
    shot(officer.page, f"need-edit-{lang}-{width}")
    officer.goto(f"/{lang}/milano/needs/{ids['need']}/lines/{ids['line']}/")
    shot(officer.page, f"line-edit-{lang}-{width}")
    company = people("representative@milano.example", lang=lang)
    company.page.set_viewport_size({"width": width, "height": 900})
    company.goto(f"/{lang}/milano/workspace/company/offers/{ids['offer']}/")
    shot(company.page, f"offer-edit-{lang}-{width}")
    company.goto(f"/{lang}/milano/organisations/{ids['company']}/sites/{ids['site']}/")
    shot(company.page, f"site-edit-{lang}-{width}")
