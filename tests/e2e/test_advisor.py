"""The instrument advisor in the browser: the public Vademecum questionnaire in Italian, English
and French to its result page; then an officer accepts a pledge, chooses its instrument with the
advisor pre-filled from the pledge, confirms it and sees the checklist. axe checks every page."""

import re

import pytest

ANSWERS = {
    "contribution_kind": "works",
    "return_expected": "visibility",
    "public_asset": "municipal_asset_used",
    "counterpart": "company",
    "recipient": "city",
}


@pytest.mark.parametrize(
    ("lang", "button", "heading", "name"),
    [
        ("it", "Vedi il consiglio", "La risposta del consulente", "Sponsorizzazione tecnica"),
        ("en", "See the advice", "The advisor's answer", "Technical sponsorship"),
        ("fr", "Voir le conseil", "La réponse du conseiller", "Parrainage technique"),
    ],
)
def test_public_questionnaire_in_three_languages(people, lang, button, heading, name):
    visitor = people(lang=lang)
    visitor.goto(f"/{lang}/milano/advisor/")
    page = visitor.page
    for field, value in ANSWERS.items():
        page.locator(f"#id_{field}").select_option(value)
    page.locator("#id_value_eur").fill("25000")
    page.locator("#id_duration_months").fill("18")
    visitor.submit(button)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    recommended = page.get_by_test_id("advice-recommended")
    assert recommended.get_attribute("data-code") == "technical_sponsorship"
    assert recommended.inner_text().strip() == name
    # the instrument page, in the same language
    visitor.click(recommended.get_by_role("link"))
    assert page.get_by_role("heading", level=1).inner_text() == name


def test_officer_confirms_the_instrument_inside_a_pledge(people):
    officer = people("officer@milano.example", lang="en")
    officer.goto("/en/milano/workspace/officer/")
    page = officer.page
    officer.click(page.locator("main h2:has-text('Pledges to accept') + ul a").first)
    officer.click(page.locator("main form:has(input[name=to][value=accepted]) button"))
    pledge_url = page.url
    officer.click(page.get_by_test_id("choose-instrument"))
    # pre-filled from the pledge: the value and the counterpart are there already
    assert page.locator("#id_value_eur").input_value() != ""
    assert page.locator("#id_counterpart").input_value() == "company"
    assert page.get_by_test_id("advice-recommended").get_attribute("data-code") == "needs_review"
    page.locator("#id_contribution_kind").select_option("money")
    page.locator("#id_return_expected").select_option("visibility")
    page.locator("#id_public_asset").select_option("none")
    page.locator("#id_recipient").select_option("city")
    page.locator("#id_duration_months").fill("12")
    officer.submit("Update the advice")
    assert page.get_by_test_id("advice-recommended").get_attribute("data-code") == "sponsorship"
    officer.submit("Confirm this instrument")
    assert page.url == pledge_url
    checklist = page.get_by_test_id("checklist")
    assert checklist.count() == 1
    assert re.search(r"20\d\d", checklist.inner_text())  # steps carry deadlines
    assert "Sponsorship" in page.get_by_test_id("agreement").inner_text()


@pytest.mark.parametrize(
    ("lang", "button", "approver"),
    [
        ("it", "Vedi il consiglio", "il Comune non approva nulla"),
        ("en", "See the advice", "the city approves nothing"),
        ("fr", "Voir le conseil", "la ville n'approuve rien"),
    ],
)
def test_who_receives_a_gift_to_a_third_sector_body_leaves_the_city_out(people, lang, button, approver):
    visitor = people(lang=lang)
    visitor.goto(f"/{lang}/milano/advisor/")
    page = visitor.page
    page.locator("#id_contribution_kind").select_option("money")
    page.locator("#id_return_expected").select_option("none")
    page.locator("#id_public_asset").select_option("none")
    page.locator("#id_counterpart").select_option("company")
    page.locator("#id_recipient").select_option("third_sector_body")
    page.locator("#id_value_eur").fill("5000")
    page.locator("#id_duration_months").fill("0")
    visitor.submit(button)
    assert page.get_by_test_id("advice-recommended").get_attribute("data-code") == "donation"
    roles = page.get_by_test_id("advice-parties").locator("li").evaluate_all("els => els.map(e => e.dataset.role)")
    assert roles == ["giver", "third_sector_entity", "city_facilitator"]
    assert approver in page.get_by_test_id("advice").inner_text()
