"""A visitor browses the cities in three languages; axe-core checks every page."""

import pytest

NIL_COUNT = 88


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_milan_map_draws_the_88_nil_in_every_language(visitor, lang):
    visitor.goto(f"/{lang}/milano/")
    page = visitor.page
    page.wait_for_selector(f"#area-map[data-features='{NIL_COUNT}']")
    assert page.locator("#area-map path.leaflet-interactive").count() == NIL_COUNT
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("cell", name="LODI - CORVETTO").count() == 1
    assert page.locator(".map-legend").count() == 1


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_public_pages_pass_axe(visitor, lang):
    for path in [
        "/",
        "/milano/organisations/",
        "/milano/data/",
        "/milano/areas/nil/35/",
        "/nantes/",
        "/milano/?kind=municipio&indicator=",
        "/accounts/login/",
        "/milano/accessibility/",
        "/nantes/accessibility/",
    ]:
        response = visitor.goto(f"/{lang}{path}")
        assert response.status == 200, path


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_accessibility_statement_from_the_footer(visitor, lang):
    """The footer leads to the city's statement: AgID's sections, the city's contact, AgID's form."""
    visitor.goto(f"/{lang}/milano/")
    visitor.click(visitor.page.locator("footer a[href$='/accessibility/']"))
    page = visitor.page
    assert page.url.endswith(f"/{lang}/milano/accessibility/")
    assert page.locator("main h2").count() == 5
    assert page.locator("main a[href='mailto:accessibility@milano.example']").count() == 1  # and in the footer
    assert page.locator("a[href='https://form.agid.gov.it/']").count() == 1


def test_language_switcher_keeps_the_page(visitor):
    visitor.goto("/it/milano/data/")
    visitor.page.get_by_role("link", name="Français").click()
    visitor.page.wait_for_url("**/fr/milano/data/")
    assert "Sources des données" in visitor.page.content()


def test_organisation_page_from_the_directory(visitor):
    visitor.goto("/en/milano/organisations/?q=Fondazione")
    visitor.page.get_by_role("link", name="Fondazione Cariplo").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.get_by_role("heading", level=1).inner_text() == "Fondazione Cariplo"


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_need_and_company_pages_pass_axe(visitor, lang):
    visitor.goto(f"/{lang}/milano/needs/?sort=title")
    visitor.click(visitor.page.locator("main ul[aria-labelledby=needs-heading] h3 a").first)
    assert visitor.page.locator(".progress").count() >= 1
    visitor.goto(f"/{lang}/milano/organisations/")
    visitor.click(visitor.page.locator("main table a").first)


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_workspaces_pass_axe(people, lang):
    officer = people("officer@milano.example", lang=lang)
    officer.goto(f"/{lang}/milano/workspace/officer/")
    officer.goto(f"/{lang}/milano/needs/new/")
    company = people("representative@milano.example", lang=lang)
    company.goto(f"/{lang}/milano/workspace/company/")


def test_bootstrap_italia_fonts_load_from_the_site(visitor):
    """Milan's theme is Bootstrap Italia: its Titillium Web font comes from the site's static files."""
    fonts = []
    visitor.page.on(
        "response", lambda r: fonts.append((r.url, r.status)) if "/bootstrap-italia/fonts/" in r.url else None
    )
    visitor.goto("/it/milano/")
    loaded = visitor.page.evaluate(
        "async () => { await document.fonts.ready; return [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family); }"
    )
    assert any("Titillium Web" in family for family in loaded), loaded
    assert fonts and all(url.startswith(visitor.base + "/static/") and status == 200 for url, status in fonts), fonts
