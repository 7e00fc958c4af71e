"""A need whose title is HTML shows as text everywhere, and no script of it runs (stored XSS).

The needs are written straight into the server's database (a representative's published need,
one under review, a verified public pledge and a proposed one), then an anonymous visitor, the
officer and the representative walk every page that shows needs: the home map, the catalogue's
list and map (tooltip and popup of the need's dot), the need page, the company page, the pledge
page and both workspaces. On each: the literal title is there as text, ``window.__xss`` is
undefined and no dialog opened; axe-core checks every page as everywhere.
"""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT, Visitor

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"

# Runs in the server's database through `manage.py shell`. Each title gets its own empty NIL,
# so that the catalogue filtered on it draws one dot only. Prints the ids as JSON.
SETUP = """
import json
from django.utils import timezone
from django_scopes import scope
from shapely.geometry import shape
from cities4csr.accounts.models import User
from cities4csr.cities.models import Area, City
from cities4csr.needs.models import Need
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import pledge_propose

city = City.objects.get(slug="milano")
titles = json.loads(%r)
out = {}
with scope(city=city.pk):
    officer = User.objects.get(email="officer@milano.example")
    rep = User.objects.get(email="representative@milano.example")
    company = rep.memberships.get().organisation
    used = set(Need.objects.exclude(area=None).values_list("area__code", flat=True))
    empty = [a for a in Area.objects.filter(kind="nil").order_by("code") if a.code not in used]
    for title, area in zip(titles, empty):
        point = shape(area.geometry).representative_point()
        need = need_create(actor=rep, city=city, owner=company, title=title, description=title,
                           lat=round(point.y, 6), lon=round(point.x, 6))
        line_add(actor=rep, need=need, kind="money", label=title, quantity=1_000_000)
        need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
        line = need.lines.get()
        verified = pledge_propose(actor=rep, need=need, organisation=company, items=[(line, 1000)], message=title)
        Pledge.objects.filter(pk=verified.pk).update(state=Pledge.State.VERIFIED, verified_at=timezone.now())
        proposed = pledge_propose(actor=rep, need=need, organisation=company, items=[(line, 1000)], message=title)
        review = need_create(actor=rep, city=city, owner=company, title=title, description=title)
        line_add(actor=rep, need=review, kind="money", label=title, quantity=1_000)
        need_transition(actor=rep, need=review, to=Need.State.UNDER_REVIEW)
        out[title] = {"need": need.pk, "nil": area.code, "company": company.pk, "pledge": proposed.pk}
print("IDS=" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def hostile(server, server_env):
    """{title: ids} of the hostile needs, written in the running server's database."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP % json.dumps([IMG, SCRIPT])],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("IDS="))
    return json.loads(line.removeprefix("IDS="))


class Watched(Visitor):
    """A visitor that records every dialog (alert, confirm…) a page opens, and checks after each
    page that no script of the content ran."""

    def __init__(self, visitor):
        super().__init__(visitor.page, visitor.base)
        self.dialogs = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def no_script_ran(self):
        assert self.page.evaluate("() => typeof window.__xss") == "undefined", self.page.url
        assert self.dialogs == [], self.page.url

    def shows_text(self, title, *, at_least=1):
        """The literal title is on the page as text (not parsed into an element)."""
        found = self.page.get_by_text(title, exact=True)
        assert found.count() >= at_least, f"{self.page.url}: {title!r} not shown as text"
        assert self.page.locator("main img[src=x]").count() == 0
        self.no_script_ran()


def _dot(page):
    """The need's dot on the catalogue map (the areas are drawn in another colour)."""
    page.wait_for_selector("#area-map[data-needs='1']")
    return page.locator("#area-map path.leaflet-interactive[fill='#b71918']")


@pytest.mark.e2e
@pytest.mark.parametrize("title", [IMG, SCRIPT], ids=["img-onerror", "script"])
def test_a_hostile_title_is_text_on_every_page(people, hostile, title):
    ids = hostile[title]
    anonymous = Watched(people(lang="it"))
    page = anonymous.page

    anonymous.goto("/it/milano/")
    page.wait_for_selector("#area-map[data-features]")
    page.locator("#area-map path.leaflet-interactive").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    anonymous.no_script_ran()

    anonymous.goto(f"/it/milano/needs/?nil={ids['nil']}")
    anonymous.shows_text(title)  # the list
    dot = _dot(page)
    assert dot.count() == 1
    dot.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    anonymous.no_script_ran()
    assert tooltip.inner_text() == title
    assert tooltip.locator("img, script").count() == 0  # nothing parsed from the title
    dot.click(force=True)
    popup = page.locator(".leaflet-popup-content a")
    popup.wait_for()
    assert popup.inner_text() == title
    assert popup.get_attribute("href").endswith(f"/milano/needs/{ids['need']}/")
    anonymous.no_script_ran()

    anonymous.goto(f"/it/milano/needs/{ids['need']}/")
    anonymous.shows_text(title)
    anonymous.goto(f"/it/milano/organisations/{ids['company']}/")
    anonymous.shows_text(title)

    officer = Watched(people("officer@milano.example"))
    officer.goto("/it/milano/workspace/officer/")
    officer.shows_text(title)  # needs to review
    assert officer.page.get_by_text(f"→ {title}").count() >= 1  # pledges to accept
    officer.no_script_ran()
    officer.goto(f"/it/milano/pledges/{ids['pledge']}/")
    officer.no_script_ran()
    assert title in officer.page.locator("main").inner_text()

    company = Watched(people("representative@milano.example"))
    company.goto("/it/milano/workspace/company/")
    assert title in company.page.locator("main").inner_text()
    company.no_script_ran()
