"""Issue 15 in the browser. A citizen gives €20 to Milano Aiuta by bank transfer and sees the RF
reference and the EPC QR code; the officer imports the bank's camt.053 statement; the public
ledger shows "a citizen" and the new balance. Then a campaign whose crowd reached the city's
threshold is closed by the officer, and the city's top-up appears on its page. In it, en and
fr (two of them at phone width); axe-core checks every page. Screenshots go to /tmp/shots/funds/
(never into the repository)."""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from babel.numbers import format_currency
from playwright.sync_api import expect

from cities4csr.funds.banking.synthetic import Transfer, write_camt053

from .conftest import ROOT

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "funds"))
IBAN = "IT60X0542811101000000123456"  # the demo fund's account

WORDS = {
    "it": {"citizen": "un cittadino", "locale": "it_IT"},
    "en": {"citizen": "a citizen", "locale": "en_GB"},
    "fr": {"citizen": "un citoyen", "locale": "fr_FR"},
}

# Runs in the server's database: a campaign of €1,000 for a published need whose crowd already
# gave €600 (the city tops up the rest at the deadline once 50% is given), open, per language.
CAMPAIGN = """
import datetime
from django.utils import timezone
from django_scopes import scope
from cities4csr.accounts.models import User
from cities4csr.campaigns.services import campaign_create, campaign_gift_create, campaign_open, matcher_save
from cities4csr.cities.models import City
from cities4csr.funds.services import contribution_receive
from cities4csr.needs.models import Need

city = City.objects.get(slug="milano")
slug = %r
with scope(city=city.pk):
    officer = User.objects.get(email="officer@milano.example")
    need = Need.objects.filter(state="published").order_by("pk").first()
    campaign = campaign_create(
        actor=officer, city=city, slug=slug, title="Cortile " + slug, description="Un cortile per la scuola",
        need=need, target_cents=100_000, deadline=timezone.now() + datetime.timedelta(days=5),
    )
    matcher_save(actor=officer, campaign=campaign, order=1, organisation=None, pool_cents=50_000,
                 threshold_percent=50, threshold_cap_cents=50_000)
    campaign = campaign_open(actor=officer, campaign=campaign)
    for n, cents in enumerate((35_000, 25_000)):
        gift = campaign_gift_create(actor=None, campaign=campaign, amount_cents=cents, donor_kind="citizen",
                                    donor_name="Donatrice %%d" %% n)
        contribution_receive(actor=None, contribution=gift)
print("OK")
"""


def _shell(server_env, code: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _fund(server) -> dict:
    with urllib.request.urlopen(f"{server}/api/v1/cities/milano/funds/milano-aiuta/") as response:  # noqa: S310
        return json.load(response)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_a_citizen_gives_by_transfer_the_statement_reconciles_it_and_the_ledger_shows_it(
    people, server, server_env, lang, width, tmp_path
):
    words = WORDS[lang]
    before = _fund(server)["figures"]["balance_cents"]

    citizen = people(lang=lang)
    citizen.page.set_viewport_size({"width": width, "height": 900})
    citizen.goto(f"/{lang}/milano/funds/milano-aiuta/")
    _shot(citizen.page, f"fund-{lang}-{width}")
    citizen.goto(f"/{lang}/milano/funds/milano-aiuta/give/")
    page = citizen.page
    page.locator("input[name=donor_kind][value=citizen]").check()
    page.locator("input[name=donor_name]").fill(f"Cittadina Prova {lang}")
    page.locator("input[name=amount]").fill("20")
    page.locator("input[name=channel][value=bank_transfer]").check()
    _shot(page, f"give-{lang}-{width}")
    citizen.click(page.locator("main form button[type=submit]").last)
    expect(page).to_have_url(re.compile(r"/funds/contributions/[^/]+/$"))
    # the payment instruction: the IBAN, the reference in groups of four, the QR code banking apps scan
    instruction = page.locator("section[aria-labelledby^=bank-transfer]")
    expect(instruction).to_contain_text("IT60")
    reference = re.search(r"RF\d\d(?: ?[0-9A-Z]{1,4})+", instruction.inner_text()).group(0).replace(" ", "")
    expect(instruction.locator('img[src^="data:image/svg+xml"]')).to_have_count(1)
    _shot(page, f"contribution-{lang}-{width}")

    # the bank's statement of the next morning holds the transfer, quoting the reference
    statement = tmp_path / f"camt053-{lang}.xml"
    with statement.open("wb") as out:
        write_camt053(
            out,
            [Transfer(amount_cents=2_000, debtor_name=f"Cittadina Prova {lang}", reference=reference)],
            iban=IBAN,
            statement_id=f"E2E-{lang}",
        )
    fund_pk = _fund(server)["id"]
    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size({"width": width, "height": 900})
    officer.goto(f"/{lang}/milano/workspace/officer/funds/{fund_pk}/statements/")
    officer.page.locator("input[name=file]").set_input_files(str(statement))
    officer.click(officer.page.locator("main form button[type=submit]").last)
    # the import runs in the background; its page follows it until it is done
    expect(officer.page.locator("main")).to_contain_text(reference, timeout=60_000)
    _shot(officer.page, f"statement-{lang}-{width}")
    assert _fund(server)["figures"]["balance_cents"] == before + 2_000

    # the public ledger: the newest movement is "a citizen" giving €20, and the balance after it
    citizen.goto(f"/{lang}/milano/funds/milano-aiuta/ledger/")
    newest = page.get_by_test_id("ledger-movements").locator("tbody tr").first
    expect(newest).to_contain_text(words["citizen"], ignore_case=True)
    expect(newest).not_to_contain_text("Cittadina Prova")
    balance = format_currency((before + 2_000) / 100, "EUR", locale=words["locale"])
    expect(page.locator("main")).to_contain_text(balance)
    _shot(page, f"ledger-{lang}-{width}")


@pytest.mark.parametrize(("lang", "width"), [("it", 390), ("en", 1280), ("fr", 390)])
def test_a_campaign_past_its_threshold_is_closed_and_the_citys_top_up_appears(people, server, server_env, lang, width):
    slug = f"cortile-e2e-{lang}"
    assert "OK" in _shell(server_env, CAMPAIGN % slug)

    visitor = people(lang=lang)
    visitor.page.set_viewport_size({"width": width, "height": 900})
    visitor.goto(f"/{lang}/milano/campaigns/{slug}/")
    expect(visitor.page.get_by_test_id("campaign-threshold")).to_be_visible()
    _shot(visitor.page, f"campaign-open-{lang}-{width}")

    officer = people("officer@milano.example", lang=lang)
    officer.page.set_viewport_size({"width": width, "height": 900})
    officer.goto(f"/{lang}/milano/workspace/officer/campaigns/{slug}/")
    officer.click(officer.page.locator("form:has(input[name=to][value=close_now]) button[type=submit]"))

    visitor.goto(f"/{lang}/milano/campaigns/{slug}/")
    top_up = visitor.page.get_by_test_id("campaign-top-up")
    expect(top_up).to_be_visible()
    # the crowd gave €600 of €1,000: the city adds the other €400
    expect(top_up).to_contain_text(format_currency(400, "EUR", locale=WORDS[lang]["locale"]))
    _shot(visitor.page, f"campaign-closed-{lang}-{width}")
