"""One set of templates, two designs (issue 14, item 8): an Italian city's pages use Bootstrap
Italia's components (slim header with the administration's name, header, navbar, footer, cards,
progress bars), the others Bootstrap 5's; the header's menu opens on a phone, with the keyboard.
axe-core checks every page (conftest's Visitor)."""

import pytest

from .conftest import Visitor

PHONE = {"width": 390, "height": 844}

OWNER = {"it": "Comune di Milano", "en": "Comune di Milano"}
SEARCH = {"it": "Cerca", "en": "Search", "fr": "Rechercher"}


@pytest.mark.parametrize("lang", ["it", "en"])
def test_milan_pages_wear_bootstrap_italia(visitor, lang):
    visitor.page.set_viewport_size({"width": 1280, "height": 900})
    visitor.goto(f"/{lang}/milano/needs/")
    page = visitor.page
    header = page.locator("header.it-header-wrapper[data-design=bootstrap-italia]")
    # the slim header names the administration and leads to the network; the centre header, the city
    assert header.locator(".it-header-slim-wrapper .site-owner").inner_text() == OWNER[lang]
    assert header.locator(f".it-header-slim-wrapper a[href='/{lang}/']").count() == 1
    assert header.locator(".it-header-center-wrapper .it-brand-title").inner_text() == "Milano"
    assert header.locator(".it-header-navbar-wrapper nav.navbar .navbar-nav a.nav-link.active").count() == 1
    # Bootstrap Italia's stylesheet (the subset) is the one loaded, and it styles its header
    assert page.locator("link[href*='css/dist/bootstrap-italia']").count() == 1
    assert page.locator("link[href*='css/dist/bootstrap.min']").count() == 0
    background = header.locator(".it-header-center-wrapper").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(0, 102, 204)"  # Bootstrap Italia's primary blue
    # the catalogue's needs are Bootstrap Italia's cards, their lines its progress bars
    cards = page.locator("#main ul.list-unstyled > li.card-wrapper > .card.card-bg")
    assert cards.count() >= 1
    assert cards.first.locator(".progress-bar-wrapper .progress-bar-label").count() >= 1
    # the footer: the city, its contacts, the statement, privacy and cookie notices, the data's licences
    footer = page.locator("footer.it-footer")
    assert "Piazza della Scala 2" in footer.locator(".it-footer-main").inner_text()
    for href in ("/accessibility/", "/privacy/", "/cookies/", "/data/"):
        assert footer.locator(f".it-footer-small-prints a[href$='{href}']").count() == 1, href


def test_nantes_pages_wear_bootstrap_5(visitor):
    visitor.page.set_viewport_size({"width": 1280, "height": 900})
    visitor.goto("/fr/nantes/needs/")
    page = visitor.page
    assert page.locator(".it-header-wrapper, .it-footer").count() == 0
    header = page.locator("header[data-design=bootstrap]")
    assert header.locator("nav.navbar .navbar-brand").inner_text() == "Nantes Métropole"
    assert header.get_by_role("link", name="Carte").is_visible()
    assert page.locator("link[href*='css/dist/bootstrap.min']").count() == 1
    assert page.locator("footer[data-design=bootstrap] a[href$='/accessibility/']").count() == 1
    assert page.get_by_label(SEARCH["fr"]).is_visible()


@pytest.mark.parametrize(("lang", "city"), [("it", "milano"), ("fr", "nantes")])
def test_on_a_phone_the_menu_opens_and_closes_with_the_keyboard(browser, server, lang, city):
    context = browser.new_context(viewport=PHONE)
    visitor = Visitor(context.new_page(), server)
    visitor.goto(f"/{lang}/{city}/")
    page = visitor.page
    toggle = page.locator("[data-nav-open][aria-controls=main-nav]")
    catalogue = page.locator("#main-nav a[href$='/needs/']")
    assert toggle.is_visible() and catalogue.is_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    catalogue.wait_for(state="visible")
    if city == "milano":  # Bootstrap Italia's side menu covers the page: focus moves into it and stays there
        assert page.evaluate("document.getElementById('main-nav').contains(document.activeElement)")
        for _ in range(12):
            page.keyboard.press("Tab")
            assert page.evaluate("document.getElementById('main-nav').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    catalogue.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "main-nav"
    # and a link of the menu is reached and followed with the keyboard alone
    page.keyboard.press("Enter")
    catalogue.wait_for(state="visible")
    catalogue.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/{lang}/{city}/needs/")
    context.close()


def test_a_need_page_shows_bootstrap_italia_progress_bars(visitor):
    visitor.goto("/it/milano/needs/?sort=title")
    visitor.click(visitor.page.locator("main ul[aria-labelledby=needs-heading] h3 a").first)
    bars = visitor.page.locator(".progress-bar-wrapper .progress[role=progressbar]")
    assert bars.count() >= 1
    assert bars.first.get_attribute("aria-valuenow").isdigit()
