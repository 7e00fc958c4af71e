"""Issue 12 in the browser: the equity page in it and fr on a 390-px phone and en on a desktop.

A visitor opens the page: the choropleth draws Milan's 88 NIL beside the table of every NIL, the
Lorenz curve beside its table; they choose a period in their language's date format and the
figures follow. axe-core (and the CSP) checks every page; no sideways scroll on the phone.
Screenshots go to /tmp/shots/equity/ (never into the repository)."""

import os
import tempfile
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("SHOTS_DIR", Path(tempfile.gettempdir()) / "shots" / "equity"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WORDS = {
    "it": ("Equità: dove arriva il sostegno", "Mostra questo periodo", "01/01/2020", "31/12/2099"),
    "en": ("Equity: where support reaches", "Show this period", "01/01/2020", "31/12/2099"),
    "fr": ("Équité : où va le soutien", "Afficher cette période", "01/01/2020", "31/12/2099"),
}


@pytest.mark.parametrize(("lang", "size"), [("it", PHONE), ("en", DESKTOP), ("fr", PHONE)])
def test_the_equity_page(visitor, lang, size):
    heading, button, since, until = WORDS[lang]
    page = visitor.page
    page.set_viewport_size(size)
    visitor.goto(f"/{lang}/milano/equity/")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    page.wait_for_selector("#area-map[data-features='88']")
    assert page.locator("#equity-table tbody tr").count() == 88
    assert page.locator("#equity-table tbody tr[data-code='35'] th").inner_text() == "35 LODI - CORVETTO"
    if page.locator("#lorenz-table").count():  # something reached a neighbourhood in the demo
        page.wait_for_selector("#chart-lorenz[data-drawn='true']")
        assert page.locator("#lorenz-table tbody tr").count() >= 1
    assert page.locator("#gini").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"equity-{lang}-{size['width']}.png"), full_page=True)
    if size is PHONE:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "the page scrolls sideways on a phone"
    # a period typed as the page's language writes dates
    page.locator("#id_since").fill(since)
    page.locator("#id_until").fill(until)
    visitor.submit(button)
    assert "since=" in page.url
    assert page.locator("#id_since").input_value() == since
    page.wait_for_selector("#area-map[data-features='88']")
    # a period with nothing in it: every NIL received nothing, the high-need ones are listed
    visitor.goto(f"/{lang}/milano/equity/?since=1990-01-01&until=1990-12-31")
    assert page.locator("#high-need-list li").count() >= 1
    assert page.locator("#chart-lorenz").count() == 0
    page.screenshot(path=str(SHOTS / f"equity-{lang}-{size['width']}-empty.png"), full_page=True)
