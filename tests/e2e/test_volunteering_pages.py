"""The volunteering pages on a 390-px phone, in Italian: the list, the map, an activity's page,
"my volunteering", a team's link, the host's activities and check-in console, the hours to
approve and the company's dashboard. axe-core checks every page (and the CSP); nothing overflows
the screen sideways. Screenshots go to /tmp/shots/volunteering/ (never into the repository).

The write flows (sign-up, teams, check-in, approval) are in the browser test of the sign-up and
hours services."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "volunteering"))
PHONE = {"width": 390, "height": 844}

# In the server's database: a company day hosted by the demo's partner (Wau! Milano), a slot to
# come with the representative and a team, a past slot with hours approved and to approve.
SETUP = """
import datetime, json
from django.utils import timezone
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.cities.models import Area
from cities4csr.organisations.models import Organisation
from cities4csr.volunteering.models import Activity, HoursEntry, Registration, Slot, Team

city = City.objects.get(slug="milano")
with scope(city=city.pk):
    host = Organisation.objects.get(city=city, name="Wau! Milano")
    representative = User.objects.get(email="representative@milano.example")
    company = Organisation.objects.filter(city=city, memberships__user=representative).order_by("pk").first()
    activity = Activity.objects.filter(city=city, slug="ridipingiamo-la-scuola-e2e").first()
    if activity is None:
        activity = Activity.objects.create(
            city=city, slug="ridipingiamo-la-scuola-e2e", title="Ridipingiamo la scuola di via Polesine",
            description="Una giornata per ridipingere le aule della scuola: pennelli e guanti li portiamo noi.",
            host=host, company=company, state="open", minimum_age=16, family_friendly=True, skills="Pittura",
            place="Via Polesine 12, Milano", lat=45.4403, lon=9.2235, published_at=timezone.now(),
            area=Area.objects.get(city=city, kind="nil", code="35"),
        )
        start = (timezone.now() + datetime.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        slot = Slot.objects.create(city=city, activity=activity, starts_at=start,
                                   ends_at=start + datetime.timedelta(hours=4), capacity=10, taken=1)
        Slot.objects.create(city=city, activity=activity, starts_at=start + datetime.timedelta(days=7),
                            ends_at=start + datetime.timedelta(days=7, hours=4), capacity=12)
        Registration.objects.create(city=city, slot=slot, user=representative, company=company, state="registered")
        Team.objects.create(city=city, slot=slot, company=company, name="Squadra blu", captain=representative)
        past = Slot.objects.create(city=city, activity=activity, starts_at=start - datetime.timedelta(days=21),
                                   ends_at=start - datetime.timedelta(days=21, hours=-4), capacity=10, taken=1)
        done = Registration.objects.create(city=city, slot=past, user=representative, company=company,
                                           state="attended")
        HoursEntry.objects.create(city=city, registration=done, minutes=240, state="approved")
        HoursEntry.objects.create(city=city, registration=done, minutes=30, state="proposed")
    slot = activity.slots.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    team = Team.objects.get(slot=slot)
print("IDS=" + json.dumps({"slug": activity.slug, "slot": slot.pk, "code": team.invite_code}))
"""


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


def look(visitor, path, name):
    """Open ``path`` (axe-core checks it), check nothing is wider than the phone, keep a picture."""
    response = visitor.goto(path)
    assert response.status == 200, (path, response.status)
    overflow = visitor.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["it"])
def test_the_volunteering_pages_on_a_phone(people, server_env, lang):
    ids = prepare(server_env)
    city = f"/{lang}/milano"
    anonymous = people()
    anonymous.page.set_viewport_size(PHONE)
    look(anonymous, f"{city}/volunteering/", "list")
    look(anonymous, f"{city}/volunteering/map/", "map")
    anonymous.page.wait_for_selector("#area-map[data-needs]")  # the activities' dots are drawn
    look(anonymous, f"{city}/volunteering/{ids['slug']}/", "activity-public")
    look(anonymous, f"{city}/volunteering/teams/{ids['code']}/", "team-public")

    representative = people("representative@milano.example", lang=lang)
    representative.page.set_viewport_size(PHONE)
    look(representative, f"{city}/volunteering/{ids['slug']}/", "activity-company")
    look(representative, f"{city}/volunteering/me/", "me")
    look(representative, f"{city}/workspace/volunteering/company/", "company")
    look(representative, f"{city}/workspace/volunteering/hours/", "hours-company")

    host = people("partner@milano.example", lang=lang)
    host.page.set_viewport_size(PHONE)
    look(host, f"{city}/workspace/volunteering/", "manage")
    look(host, f"{city}/workspace/volunteering/slots/{ids['slot']}/", "console")
    look(host, f"{city}/workspace/volunteering/{ids['slug']}/", "edit")
    look(host, f"{city}/workspace/volunteering/new/", "create")
