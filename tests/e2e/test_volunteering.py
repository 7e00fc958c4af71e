"""Issue 11 in the browser: a company's volunteering day, checked in on a phone.

A company's representative opens a team on a two-place slot; two employees join through the
team's link (the second takes the last place); a resident signs up and is put on the waiting
list. The first employee withdraws: the resident is promoted. On the day, the host scans each
participant's QR code (it encodes the address of the host's check-in page), checks them in and,
three hours later, out; the host approves the hours in one go, then the company its employee's.
The need's volunteer-time line, the company's volunteering dashboard and its public page show
the hours. In it and fr on a 390-px phone, en on a desktop; axe-core (and the CSP) checks every
page. Screenshots go to /tmp/shots/ve2e/ (never into the repository).

The data the scenario does not exercise (the need, the activity, its slot) is made through the
services; the people are the demo's: the host cooperative's Lucia (cooperativa@), the company's
representative and employees (dipendente1@, dipendente2@) and a resident (public@)."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import segno
from playwright.sync_api import expect

from .conftest import ROOT

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "ve2e"))

# In the server's database, per language: a published need with a volunteer-time line of 20
# hours, the host cooperative's open volunteering day for the demo's company on it, one slot
# tomorrow with two places (and a waiting list).
SETUP = """
import datetime, json
from django.utils import timezone
from django_scopes import scope
from cities4csr.cities.models import City
from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.volunteering.demo import SLUG
from cities4csr.volunteering.models import Activity
from cities4csr.volunteering.services import activity_create, activity_transition, slots_add

city = City.objects.get(slug="milano")
tag = %r
with scope(city=city.pk):
    pact = Activity.objects.get(city=city, slug=SLUG)  # the demo's: its host and its company
    need = need_create(
        actor=None, city=city, owner=pact.host, title="Orto della scuola di via Polesine (prova " + tag + ")",
        description="Ripulire e seminare l'orto della scuola con le classi.", lat=45.4403, lon=9.2235,
    )
    line = line_add(actor=None, need=need, kind=ResourceKind.VOLUNTEER_TIME, label="Volontari per l'orto",
                    quantity=20, value_cents=20 * 2500)
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    activity = activity_create(
        actor=None, city=city, title="Sistemiamo l'orto della scuola (prova " + tag + ")",
        description="Una mattina per vangare, seminare e sistemare le aiuole dell'orto della scuola.",
        kind=Activity.Kind.SLOTS, need=need, line=line, host=pact.host, company=pact.company,
        place="Scuola primaria di via Polesine, Milano", lat=45.4403, lon=9.2235,
    )
    start = (timezone.now() + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    slot, = slots_add(actor=None, activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=4),
                      capacity=2)
    activity_transition(actor=None, activity=activity, to=Activity.State.OPEN)
print("IDS=" + json.dumps({"slug": activity.slug, "title": activity.title, "need": need.pk, "slot": slot.pk,
                           "company": pact.company.pk, "company_name": pact.company.name}))
"""

# The day comes: the slot started three hours ago and ends in an hour. Prints the check-in
# tokens of the people holding a place (the QR codes' secret), by e-mail.
THE_DAY = """
import datetime, json
from django.utils import timezone
from cities4csr.volunteering.models import Registration, Slot

now = timezone.now()
Slot.objects.with_scopes_disabled().filter(pk=%d).update(
    starts_at=now - datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(hours=1))
held = Registration.objects.with_scopes_disabled().filter(slot_id=%d, state="registered")
print("IDS=" + json.dumps({r.user.email: r.token for r in held}))
"""

# Three hours pass on the test's clock: the people checked in arrived when the slot started.
HOURS_PASS = """
from cities4csr.volunteering.models import Registration, Slot

slot = Slot.objects.with_scopes_disabled().get(pk=%d)
Registration.objects.with_scopes_disabled().filter(slot=slot, state="attended").update(checked_in_at=slot.starts_at)
print("IDS={}")
"""

WORDS = {
    "it": {
        "waitlisted": "lista d'attesa",
        "registered": "Iscritto",
        "attended": "Presente",
        "hours": "3 ore",
        "line": "6 ore / 20 ore",
    },
    "en": {
        "waitlisted": "waiting list",
        "registered": "Registered",
        "attended": "Attended",
        "hours": "3 hours",
        "line": "6 hours / 20 hours",
    },
    "fr": {
        "waitlisted": "liste d'attente",
        "registered": "Inscrit",
        "attended": "Présent",
        "hours": "3 heures",
        "line": "6 heures / 20 heures",
    },
}


def _shell(server_env, code: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(next(x for x in result.stdout.splitlines() if x.startswith("IDS=")).removeprefix("IDS="))


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def _card(page, title):
    """The card of ``title``'s sign-up on "my volunteering"."""
    return page.get_by_test_id("upcoming").locator("li", has_text=title)


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_a_company_team_signs_up_checks_in_by_qr_code_and_its_approved_hours_fill_the_need(
    people, server, server_env, lang, width
):
    words = WORDS[lang]
    ids = _shell(server_env, SETUP % lang)
    city = f"/{lang}/milano"
    activity_url = f"{city}/volunteering/{ids['slug']}/"

    def person(email):
        visitor = people(email, lang=lang)
        visitor.page.set_viewport_size({"width": width, "height": 844})
        return visitor

    # the company's representative opens a team on the slot and reads its link
    representative = person("representative@milano.example")
    representative.goto(activity_url)
    form = representative.page.get_by_test_id("team-open")
    form.locator("select[name=slot]").select_option(str(ids["slot"]))
    form.locator("select[name=company]").select_option(str(ids["company"]))
    form.locator("input[name=name]").fill(f"Squadra orto {lang}")
    representative.click(form.locator("button[type=submit]"))
    expect(representative.page).to_have_url(re.compile(r"/volunteering/teams/[A-Z0-9]+/$"))
    team_url = representative.page.url.removeprefix(server)
    _fits(representative.page)
    _shot(representative.page, f"team-{lang}-{width}")

    # two employees open the link and join: the second takes the last place
    employees = [person(f"dipendente{n}@milano.example") for n in (1, 2)]
    for employee in employees:
        employee.goto(team_url)
        employee.click(employee.page.locator("main form button[type=submit]"))
        expect(employee.page.get_by_test_id("mine")).to_contain_text(words["registered"])
    _shot(employees[1].page, f"team-joined-{lang}-{width}")

    # a resident signs up on their own: the slot is full, they wait
    resident = person("public@milano.example")
    resident.goto(activity_url)
    slot_card = resident.page.locator(f"#slot-{ids['slot']}")
    resident.click(slot_card.locator("form button[type=submit]"))
    expect(resident.page.locator("main")).to_contain_text(words["waitlisted"])
    _shot(resident.page, f"waitlisted-{lang}-{width}")

    # the first employee withdraws from "my volunteering": the resident takes the place
    first = employees[0]
    first.goto(f"{city}/volunteering/me/")
    first.click(_card(first.page, ids["title"]).locator("form button[type=submit]"))
    expect(_card(first.page, ids["title"])).to_have_count(0)
    resident.goto(f"{city}/volunteering/me/")
    expect(_card(resident.page, ids["title"])).to_contain_text(words["registered"])
    _fits(resident.page)
    _shot(resident.page, f"me-promoted-{lang}-{width}")

    # the day comes; each participant shows the QR code of their registration on "my volunteering"
    tokens = _shell(server_env, THE_DAY % (ids["slot"], ids["slot"]))
    assert sorted(tokens) == ["dipendente2@milano.example", "public@milano.example"]
    host = person("cooperativa@milano.example")
    for participant, email, name in (
        (employees[1], "dipendente2@milano.example", "Paolo"),  # the first name only
        (resident, "public@milano.example", "public@milano.example"),  # no name given: the host reads the e-mail
    ):
        participant.goto(f"{city}/volunteering/me/")
        qr = _card(participant.page, ids["title"]).get_by_test_id("registration-qr")
        expect(qr).to_have_attribute("alt", re.compile(r"\S"))
        # the code encodes the address of the host's check-in page for this registration
        # (segno draws the same address the same way: no decoder needed)
        checkin_url = f"{server}{city}/volunteering/checkin/{tokens[email]}/"
        drawn = segno.make_qr(checkin_url, error="m").svg_data_uri(scale=6, border=4, dark="#000", light="#fff")
        assert qr.get_attribute("src") == drawn
        if email == "public@milano.example":
            _shot(participant.page, f"me-qr-{lang}-{width}")
        # the host's phone opens it: "Check in"
        host.goto(checkin_url.removeprefix(server))
        expect(host.page.get_by_test_id("participant")).to_have_text(name)
        _fits(host.page)
        host.click(host.page.get_by_test_id("check-in"))
        expect(host.page.get_by_test_id("state")).to_contain_text(words["attended"])
        _shot(host.page, f"checkin-{lang}-{width}")
    host.goto(f"{city}/workspace/volunteering/slots/{ids['slot']}/")
    expect(host.page.get_by_test_id("console-count")).to_contain_text("2")
    _fits(host.page)
    _shot(host.page, f"console-{lang}-{width}")

    # three hours later the host checks them out: their hours are proposed
    _shell(server_env, HOURS_PASS % ids["slot"])
    for token in tokens.values():
        host.goto(f"{city}/volunteering/checkin/{token}/")
        host.click(host.page.get_by_test_id("check-out"))
        expect(host.page.get_by_test_id("check-out")).to_have_count(0)
    _shot(host.page, f"checkout-{lang}-{width}")

    # the host approves the hours in one go (every line comes ticked)
    host.goto(f"{city}/workspace/volunteering/hours/")
    rows = host.page.get_by_test_id("hours").locator("tbody tr", has_text=ids["title"])
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(words["hours"])
    _fits(host.page)
    _shot(host.page, f"hours-host-{lang}-{width}")
    host.click(host.page.locator("main form button[type=submit]"))
    expect(host.page.locator("main")).not_to_contain_text(ids["title"])

    # the company approves its employee's (the resident's needed the host alone)
    representative.goto(f"{city}/workspace/volunteering/hours/")
    table = representative.page.get_by_test_id("hours")
    for row in table.locator("tbody tr").all():  # only this day's: leave the others ticked off
        if ids["title"] not in row.inner_text():
            row.locator("input[type=checkbox]").uncheck()
    mine = table.locator("tbody tr", has_text=ids["title"])
    expect(mine).to_have_count(1)
    _shot(representative.page, f"hours-company-{lang}-{width}")
    representative.click(representative.page.locator("main form button[type=submit]"))
    expect(representative.page.locator("main")).not_to_contain_text(ids["title"])

    # the need's line: 6 of its 20 hours (3 from the employee, 3 from the resident)
    representative.goto(f"{city}/needs/{ids['need']}/")
    expect(representative.page.locator("main")).to_contain_text(words["line"])
    _shot(representative.page, f"need-{lang}-{width}")

    # the company's volunteering dashboard: the employee's 3 hours on this need
    representative.goto(f"{city}/workspace/volunteering/company/")
    need_row = representative.page.locator("table[aria-labelledby=by-need] tbody tr").filter(
        has=representative.page.locator(f"a[href$='/needs/{ids['need']}/']")
    )
    expect(need_row).to_contain_text(words["hours"])
    _fits(representative.page)
    _shot(representative.page, f"company-{lang}-{width}")

    # the company's public page: its volunteering, by need, from the ledger
    visitor = people(lang=lang)
    visitor.page.set_viewport_size({"width": width, "height": 844})
    visitor.goto(f"{city}/organisations/{ids['company']}/")
    given = visitor.page.get_by_test_id("volunteering-given")
    expect(given.locator("li", has=visitor.page.locator(f"a[href$='/needs/{ids['need']}/']"))).to_contain_text(
        words["hours"]
    )
    _fits(visitor.page)
    _shot(visitor.page, f"organisation-{lang}-{width}")
