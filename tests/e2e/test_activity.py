"""An officer reads the city's activity: opens the page from the officer workspace, filters by what
was done (a need published), reads the sentence with the officer's name and the need's title, and
follows the link to the need. In it, en and fr, at 1280 and 390 px; axe-core checks every page.
Screenshots go to /tmp/shots/activity/ (never into the repository)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, check_a11y

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "activity"))

# In the server's database: a need the demo officer publishes, and one that stays a draft.
SETUP = """
import json
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition, need_update

city = City.objects.get(slug="milano")
tag = %r
with scope(city=city.pk):
    officer = User.objects.get(email="officer@milano.example")
    owner = Need.objects.filter(state="published").order_by("pk").first().owner
    need = need_create(actor=officer, city=city, owner=owner, title=f"Aule all'aperto {tag}", description="Cortile")
    line_add(actor=officer, need=need, kind="money", label="Arredi del cortile", quantity=100_000)
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    need_update(actor=officer, need=need, title=f"Aule all'aperto {tag}", description="Cortile della scuola")
print("IDS=" + json.dumps({"need": need.pk, "officer": str(officer)}))
"""

WORDS = {
    "it": {"activity": "Attività", "published": "ha pubblicato il bisogno", "filter": "Filtra"},
    "en": {"activity": "Activity", "published": "published the need", "filter": "Filter"},
    "fr": {"activity": "Activité", "published": "a publié le besoin", "filter": "Filtrer"},
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
    return json.loads(next(x for x in result.stdout.splitlines() if x.startswith("IDS=")).removeprefix("IDS="))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_officer_filters_the_activity_by_verb_and_follows_a_link_to_the_need(people, server_env, lang, width):
    tag = f"{lang}-{width}"
    ids = prepare(server_env, tag)
    words = WORDS[lang]
    officer = people("officer@milano.example", lang=lang)
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})

    officer.goto(f"/{lang}/milano/workspace/officer/")
    officer.click(page.locator("main").get_by_role("link", name=words["activity"], exact=True).first)
    assert page.url.endswith(f"/{lang}/milano/workspace/officer/activity/")
    expect(page.locator("h1")).to_have_text(words["activity"])
    shot(page, f"activity-{lang}-{width}")

    page.locator("#id_verb").select_option("need.publish")
    page.locator("#id_q").fill(tag)
    page.get_by_role("button", name=words["filter"]).click()
    page.wait_for_url("**verb=need.publish**")
    page.wait_for_load_state("networkidle")
    results = page.locator("#officer-results .activity-list > li")
    expect(results).to_have_count(1)
    sentence = results.first.inner_text()
    assert ids["officer"] and ids["officer"] in sentence
    assert words["published"] in sentence and f"Aule all'aperto {tag}" in sentence
    assert "need.publish" not in page.locator("#officer-results").inner_text()
    check_a11y(page)
    shot(page, f"activity-filtered-{lang}-{width}")

    # the unfiltered page shows the edit with its changes; then the link to the need
    officer.goto(f"/{lang}/milano/workspace/officer/activity/?q={tag}")
    assert page.locator("#officer-results .activity-list > li").count() >= 3
    shot(page, f"activity-changes-{lang}-{width}")
    officer.goto(f"/{lang}/milano/workspace/officer/activity/?verb=need.publish&q={tag}")
    officer.click(page.locator("#officer-results").get_by_role("link", name=f"Aule all'aperto {tag}"))
    assert page.url.endswith(f"/{lang}/milano/needs/{ids['need']}/")
    expect(page.locator("h1")).to_contain_text(f"Aule all'aperto {tag}")
