"""A need translated on its form: the officer types its English title beside the Italian original;
an English reader gets the translation, a French reader the original marked "(original en
italien)" in lang="it". Units and dates in the reader's words. In it, en and fr, on a desktop and
a 390-px phone; axe-core checks every page. Screenshots go to /tmp/shots/words/."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, check_a11y

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "words"))

SETUP = """
import json
from django_scopes import scope
from cities4csr.cities.models import City
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition

city = City.objects.get(slug="milano")
tag = %r
with scope(city=city.pk):
    owner = Need.objects.filter(state="published").order_by("pk").first().owner
    need = need_create(
        actor=None, city=city, owner=owner, title=f"Cortile della scuola {tag}",
        description="Rinnovare il cortile e aprire un doposcuola.",
    )
    line_add(actor=None, need=need, kind="volunteer_time", label="Volontari", quantity=30, value_cents=75_000)
    line_add(actor=None, need=need, kind="space", label="Aula", quantity=1, value_cents=10_000)
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
print("IDS=" + json.dumps({"need": need.pk}))
"""

UNITS = {"it": ["30 ore", "1 giorno"], "en": ["30 hours", "1 day"], "fr": ["30 heures", "1 jour"]}


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


@pytest.mark.parametrize("width", [1280, 390])
def test_a_need_translated_on_its_form_reads_in_each_language_or_says_it_is_the_original(people, server_env, width):
    tag = f"w{width}"
    need = prepare(server_env, tag)["need"]
    officer = people("officer@milano.example", lang="it")
    page = officer.page
    page.set_viewport_size({"width": width, "height": 900})

    officer.goto(f"/it/milano/needs/{need}/edit/")
    assert page.locator("#id_title_en").get_attribute("lang") == "en"
    page.locator("#id_title_en").fill(f"The school yard {tag}")
    page.locator("#id_description_en").fill("Renew the yard and open an after-school club.")
    check_a11y(page)
    shot(page, f"need-edit-it-{width}")
    officer.click(page.locator("main form button[type=submit]").first)
    assert f"/needs/{need}/" in page.url and "/edit/" not in page.url

    for lang in ("it", "en", "fr"):
        officer.goto(f"/{lang}/milano/needs/{need}/")
        heading = page.locator("main h1")
        main = page.locator("main").inner_text()
        if lang == "en":
            assert heading.inner_text() == f"The school yard {tag}"
            assert "original in" not in main
        elif lang == "fr":
            assert heading.locator("span[lang=it]").inner_text() == f"Cortile della scuola {tag}"
            assert "(original en italien)" in heading.inner_text()
        else:
            assert heading.inner_text() == f"Cortile della scuola {tag}"
        for words in UNITS[lang]:
            assert words in main, (lang, words)
        check_a11y(page)
        shot(page, f"need-detail-{lang}-{width}")
