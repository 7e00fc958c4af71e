"""An officer logs in by e-mail, registers a company, adds its site and reads the audit trail."""

import pytest


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_officer_registers_a_company_and_its_site(visitor, lang):
    page = visitor.page
    visitor.login("officer@milano.example", lang=lang)
    visitor.goto(f"/{lang}/milano/organisations/new/")
    page.locator("#id_kind").select_option("company")
    name = f"Browser Test {lang} S.r.l."
    page.locator("#id_name").fill(name)
    page.locator("#id_vat_number").fill("IT12345678901")  # wrong check digit
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    check_errors = page.locator(".invalid-feedback")
    assert check_errors.count() >= 1  # the form says why
    page.locator("#id_vat_number").fill("")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    page.locator("#id_label").fill("Corvetto")
    page.locator(".picker-fallback summary").click()  # the coordinates, typed (the map picker is tested in test_places)
    page.locator("#id_lat").fill("45.4403")
    page.locator("#id_lon").fill("9.2235")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.get_by_role("link", name="LODI - CORVETTO").count() >= 1
    visitor.goto(f"/{lang}/milano/audit/")
    assert page.locator("main").get_by_text("Corvetto").count() >= 1  # "… added the site “Corvetto”"
    assert page.get_by_text("site.add").count() == 0  # a sentence, never the raw verb


def test_anonymous_is_refused_the_audit_trail(visitor):
    response = visitor.goto("/en/milano/audit/")
    assert response.status == 403 or "/accounts/login/" in visitor.page.url  # refused, or asked to log in
    assert visitor.page.get_by_text("published the need").count() == 0
