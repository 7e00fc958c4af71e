"""A company names a partner on the need page; the partner's representative finds the invitation
in its workspace and accepts; only then is the partner shown on the pledge. Each language in
turn, with the officer's "Accept" posted twice, the second changing nothing; axe-core checks
every page."""

import subprocess
import sys

import pytest

from .conftest import ROOT

PARTNER = "Fondazione Cariplo"
NEED_TITLE = "Servizi di quartiere in Via Palizzi Filippo 86"

# a representative for the partner, with a confirmed address (a role needs one)
SETUP = """
from allauth.account.models import EmailAddress
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.services import membership_add
city = City.objects.get(slug="milano")
with scope(city=city.pk):
    partner = Organisation.objects.get(name=%r)
    user, created = User.objects.get_or_create(email="csr@cariplo.example")
    if created:
        user.set_password("demo-cities4csr")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        membership_add(actor=None, organisation=partner, user=user, role="representative")
"""

WORDS = {
    "it": {
        "invited": "Invitato",
        "accepted": "Accettato",
        "accept": "Accetta",
        "again": "Nulla è cambiato",
        "invitations": "Inviti a impegnarsi insieme",
        "amount": "1.000,50",
        "total": "1.000,50\u00a0€",
    },
    "en": {
        "invited": "Invited",
        "accepted": "Accepted",
        "accept": "Accept",
        "again": "nothing was changed",
        "invitations": "Invitations to pledge together",
        "amount": "1,000.50",
        "total": "€1,000.50",
    },
    "fr": {
        "invited": "Invitée",
        "accepted": "Accepté",
        "accept": "Accepter",
        "again": "Rien n’a changé",
        "invitations": "Invitations à s’engager ensemble",
        "amount": "1 000,50",
        "total": "1\u202f000,50\u00a0€",
    },
}


@pytest.fixture(scope="module")
def partner_rep(server, server_env):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP % PARTNER],
        env=server_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return "csr@cariplo.example"


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_a_named_partner_appears_only_once_it_accepts(people, partner_rep, lang):
    words = WORDS[lang]
    company = people("representative@milano.example", lang=lang)
    company.goto(f"/{lang}/milano/needs/?q=Palizzi")
    company.click(company.page.get_by_role("link", name=NEED_TITLE).first)
    page = company.page
    form = page.locator("main form[action$='/pledge/']")
    form.locator("#id_partners_list label", has_text=PARTNER).click()
    money = form.locator("input[name^=line_]").last  # the money line (the space line comes first)
    money.fill(words["amount"])
    company.click(form.locator("button[type=submit]"))
    partners = page.get_by_test_id("partners")
    assert PARTNER in partners.inner_text() and words["invited"] in partners.inner_text()
    pledge_url = page.url.removeprefix(company.base)
    assert words["total"] in page.locator("main table").inner_text()

    officer = people("officer@milano.example", lang=lang)
    officer.goto(pledge_url)
    accept = officer.page.locator("main form:has(input[name=to][value=accepted]) button")
    form = officer.page.locator("main form:has(input[name=to][value=accepted])")
    action = form.get_attribute("action")
    token = form.locator("input[name=csrfmiddlewaretoken]").get_attribute("value")
    officer.click(accept)
    # the same form posted again (a double click, a retried request): nothing changes, and it says so
    officer.page.request.post(
        company.base + action,
        form={"csrfmiddlewaretoken": token, "to": "accepted"},
        headers={"Referer": company.base + pledge_url},
        max_redirects=0,
    )
    officer.goto(pledge_url)
    assert words["again"] in officer.page.locator("main").inner_text()
    anonymous = people()
    anonymous.goto(f"/{lang}/milano/needs/?q=Palizzi")
    anonymous.click(anonymous.page.get_by_role("link", name=NEED_TITLE).first)
    assert PARTNER not in anonymous.page.locator("main").inner_text()

    partner = people(partner_rep, lang=lang)
    partner.goto(f"/{lang}/milano/workspace/company/")
    invitations = partner.page.get_by_test_id("partner-invitations")
    assert words["invitations"] in partner.page.locator("main").inner_text()
    partner.click(invitations.locator("li").last.get_by_role("button", name=words["accept"]))
    partner.goto(pledge_url)
    assert words["accepted"] in partner.page.get_by_test_id("partners").inner_text()
