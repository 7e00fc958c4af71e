"""After logging in, each demo role lands on its own home with its counts: the officer, the company
representative, the third-sector partner, the city admin and the volunteer. Their homes in it, en
and fr, on a desktop and a 390-px phone; the city's home figures and a neighbourhood's page. The
figures on the page are those the API gives. axe-core checks every page. Screenshots go to
/tmp/shots/homes/ (never into the repository)."""

import os
import tempfile
from pathlib import Path

import pytest

from .conftest import check_a11y

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "homes"))

# login -> (the home it lands on, under /it/milano/, and an element of its counts)
ROLES = {
    "officer": ("workspace/officer/", "officer-counts"),
    "representative": ("workspace/company/", "company-figures"),
    "partner": ("workspace/partner/", "partner-figures"),
    "admin": ("manage/", "people"),
    "volunteer": ("workspace/volunteer/", "volunteer-count"),
}
# the home's title, per language
TITLES = {
    "officer": {"it": "Area di lavoro del funzionario", "en": "Officer workspace", "fr": "Espace de travail de l"},
    "admin": {"it": "Amministrazione della città", "en": "City administration", "fr": "Administration de la ville"},
    "volunteer": {"it": "Volontariato", "en": "Volunteering", "fr": "Bénévolat"},
}


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def api_home(page, base):
    response = page.request.get(f"{base}/api/v1/cities/milano/me/home/")
    assert response.ok, response.status
    return response.json()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_lands_on_its_home_with_its_counts(people, server, role, width):
    home, counts = ROLES[role]
    person = people()
    page = person.page
    page.set_viewport_size({"width": width, "height": 900})
    person.login(f"{role}@milano.example", lang="en")
    page.wait_for_load_state("networkidle")
    # the demo's people stored the city's language: Italian, whatever the login page's
    assert page.url == f"{server}/it/milano/{home}", page.url
    check_a11y(page)
    figures = api_home(page, server)
    for lang in ("it", "en", "fr"):
        person.goto(f"/{lang}/milano/{home}")
        assert page.locator(f"[data-testid={counts}]").is_visible()
        if role in TITLES:
            assert TITLES[role][lang] in page.locator("h1").inner_text()
        if role == "officer":
            officer = figures["officer"]
            for key, testid in (("to_review", "count-to-review"), ("to_accept", "count-to-accept")):
                assert page.get_by_test_id(testid).inner_text() == str(officer[key])
            assert page.get_by_test_id("pipeline").locator("li").count() == 4
            # a count leads to the officer's list, filtered
            if lang == "en":
                person.click(page.locator("a[href$='/workspace/officer/pledges/?state=proposed']"))
                assert "state=proposed" in page.url
                person.goto(f"/{lang}/milano/{home}")
        if role == "partner":
            partner = figures["organisations"][0]["partner"]
            assert page.get_by_test_id("partner-needs").inner_text() == str(partner["needs"])
            assert page.get_by_test_id("proposals").locator("li a").count() == partner["needs"]
        if role == "admin":
            assert page.get_by_test_id("people-officer").inner_text() == str(figures["admin"]["people"]["officer"])
        if role == "representative":
            assert page.get_by_test_id("next-step").count() >= 1
        # the figures fit the phone (the company's profile form is the form widgets' business)
        if width == 390:
            box = page.locator(f"[data-testid={counts}]").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            if role != "representative":
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, f"{role}-{lang}-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_city_home_figures_and_a_neighbourhood(visitor, server, width):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    numbers = page.request.get(f"{server}/api/v1/cities/milano/areas/nil/14/").json()
    for lang in ("it", "en", "fr"):
        visitor.goto(f"/{lang}/milano/")
        assert page.get_by_test_id("city-figures").is_visible()
        assert int(page.get_by_test_id("figure-open-needs").inner_text().replace(".", "").replace(",", "")) > 0
        assert page.get_by_test_id("latest-verified").locator("li a").count() >= 2  # giver and need
        shot(page, f"city-{lang}-{width}")
        visitor.goto(f"/{lang}/milano/areas/nil/14/")
        assert page.get_by_test_id("figure-open-needs").inner_text() == str(numbers["figures"]["open_needs"])
        assert page.get_by_test_id("area-needs").locator("li a").count() == len(numbers["needs"])
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, f"area-{lang}-{width}")
