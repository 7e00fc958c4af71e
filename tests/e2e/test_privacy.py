"""Privacy in the browser: the notices from the footer, a person's data page, the export, a
consent, and an erasure confirmed with the password. axe-core checks every page; screenshots at
1280 and 390 px go to $SHOTS_DIR when it is set (never into the repository)."""

import json
import os
from pathlib import Path

import pytest

from cities4csr.demo.seed import DEMO_PASSWORD

SHOTS = os.environ.get("SHOTS_DIR", "")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_privacy_and_cookie_notices_from_the_footer(visitor, lang):
    visitor.goto(f"/{lang}/milano/")
    visitor.click(visitor.page.locator("footer a[href$='/privacy/']"))
    page = visitor.page
    assert page.url.endswith(f"/{lang}/milano/privacy/")
    assert page.locator("a[href='mailto:dpo@milano.example']").count() == 1
    assert "Comune di Milano" in page.locator("main").inner_text()
    assert page.locator("a[href='https://www.garanteprivacy.it/']").count() == 1
    shoot(page, f"privacy-notice-milano-{lang}")
    visitor.click(visitor.page.locator("footer a[href$='/cookies/']"))
    assert page.locator("main section h3 code").count() == 3
    shoot(page, f"cookie-notice-milano-{lang}")
    visitor.goto(f"/{lang}/nantes/privacy/")
    assert page.locator("a[href='https://www.cnil.fr/']").count() == 1
    shoot(page, f"privacy-notice-nantes-{lang}")


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_a_representative_sees_exports_and_consents(people, lang):
    rep = people("representative@milano.example", lang=lang)
    rep.goto(f"/{lang}/accounts/data/")
    page = rep.page
    with page.expect_download() as download:
        page.locator("main a[href$='/accounts/data/export.json']").first.click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"]["email"] == "representative@milano.example"
    shoot(page, f"account-data-{lang}")
    rep.click(page.locator("main form button[type=submit]").first)
    assert page.locator("[role=status] .alert-success").count() == 1
    shoot(page, f"account-data-consent-{lang}")


def test_a_person_erases_their_account(people, server_env):
    """A resident signs up, tries a wrong password (nothing happens), then erases the account."""
    person = people(lang="it")
    page = person.page
    person.goto("/it/accounts/signup/")
    page.locator("input[name=email]").fill("da.cancellare@example.org")
    page.locator("input[name=password1]").fill("Una-password-lunga-42")
    page.locator("input[name=password2]").fill("Una-password-lunga-42")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    person.goto("/it/accounts/data/erase/")
    shoot(page, "account-erase-it")
    page.locator("input[name=password]").fill("sbagliata")
    page.locator("input[name=confirm]").check()
    person.submit("Cancella il mio account")
    assert "Questa non è la tua password" in page.locator("main").inner_text()
    shoot(page, "account-erase-wrong-password-it")
    page.locator("input[name=password]").fill("Una-password-lunga-42")
    page.locator("input[name=confirm]").check()
    person.submit("Cancella il mio account")
    assert page.url.endswith("/it/accounts/data/erased/")
    shoot(page, "account-erased-it")
    person.login("da.cancellare@example.org", password="Una-password-lunga-42", lang="it")
    assert "/accounts/login/" in page.url  # the login is refused


def test_a_blocked_erasure_says_what_to_do(people):
    admin = people("admin@milano.example", lang="en")
    admin.goto("/en/accounts/data/erase/")
    assert "cannot be erased yet" in admin.page.locator("main").inner_text()
    assert admin.page.locator("input[name=password]").count() == 0
    shoot(admin.page, "account-erase-blocked-en")


def test_demo_password_is_the_seeds():
    assert DEMO_PASSWORD  # the logins above use it
