"""On a 390-px phone the first need shows on the first screen; without JavaScript the map says
what to do and its table stays. axe-core checks each page, in three languages."""

import pytest

from .conftest import Visitor

PHONE = {"width": 390, "height": 844}

NO_JS = {
    "it": "La mappa ha bisogno di JavaScript",
    "en": "The map needs JavaScript",
    "fr": "La carte a besoin de JavaScript",
}


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_on_a_phone_the_filters_fold_away_and_the_first_need_is_on_the_first_screen(browser, server, lang):
    context = browser.new_context(viewport=PHONE)
    visitor = Visitor(context.new_page(), server)
    visitor.goto(f"/{lang}/milano/needs/")
    page = visitor.page
    filters = page.locator("details.catalogue-filters")
    assert filters.get_attribute("open") is None
    assert page.locator("#id_theme").is_hidden()
    first = page.locator("#main ul.list-unstyled > li").first.bounding_box()
    assert first["y"] + 40 < PHONE["height"], first  # its title is readable without scrolling
    filters.locator("summary").click()
    assert page.locator("#id_theme").is_visible()
    # a filter set is shown open, with how many are set
    visitor.goto(f"/{lang}/milano/needs/?theme=education")
    assert page.locator("details.catalogue-filters").get_attribute("open") is not None
    assert "1" in page.locator("details.catalogue-filters > summary").inner_text()
    context.close()


def test_on_a_wide_screen_the_filters_are_open(visitor):
    visitor.page.set_viewport_size({"width": 1280, "height": 900})
    visitor.goto("/it/milano/needs/")
    assert visitor.page.locator("#id_theme").is_visible()


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_without_javascript_the_map_says_so_and_the_table_stays(browser, server, lang):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/{lang}/milano/")
    assert page.get_by_text(NO_JS[lang]).is_visible()
    assert page.get_by_role("cell", name="LODI - CORVETTO").count() == 1
    page.goto(f"{server}/{lang}/milano/needs/")
    assert page.get_by_text(NO_JS[lang]).is_visible()
    assert page.locator("#main ul.list-unstyled > li").count() > 0
    context.close()


def test_with_javascript_the_message_gives_way_to_the_map(visitor):
    visitor.goto("/it/milano/")
    visitor.page.wait_for_selector("#area-map[data-drawn]")
    assert visitor.page.get_by_text(NO_JS["it"]).count() == 0
