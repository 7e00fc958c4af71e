"""The whole path of the menu of opportunities, in the browser:
an officer publishes a need in LODI - CORVETTO; a company representative finds it by filter and
on the map and pledges €5,000 and 40 volunteer hours; the officer accepts; the company marks it
delivered with a photo and an attendance list; the officer verifies; the public need page and
the company page show it. axe-core checks every page on the way."""

import re

from cities4csr.pledges.tests.test_pledges import PNG

TITLE = "Giardino della scuola di via Polesine"


def transition(visitor, target):
    visitor.click(visitor.page.locator(f"main form:has(input[name=to][value={target}]) button"))


def test_from_published_need_to_verified_contribution(people):
    officer = people("officer@milano.example")
    # 1. the officer writes the need and publishes it
    officer.goto("/it/milano/needs/new/")
    page = officer.page
    page.locator("#id_owner").select_option(label="Comune di Milano")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Un giardino didattico e un doposcuola per il quartiere.")
    page.locator(".picker-fallback summary").click()  # the coordinates, typed (the map picker: test_places)
    page.locator("#id_lat").fill("45.4403")
    page.locator("#id_lon").fill("9.2235")
    officer.click(page.locator("main form button[type=submit]"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "LODI - CORVETTO" in page.locator("main .lead").inner_text()
    for kind, label, quantity, amount in [
        ("money", "Attrezzi e piante", "", "8000"),
        ("volunteer_time", "Volontari per il giardino", "60", "1500"),
    ]:
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_label").fill(label)
        page.locator("#id_quantity").fill(quantity)
        page.locator("#id_amount_eur").fill(amount)
        officer.click(page.locator("form[action$='/lines/'] button[type=submit]"))
    transition(officer, "published")
    need_url = page.url

    # 2. the company finds it by filter and on the map, and pledges
    company = people("representative@milano.example")
    company.goto("/it/milano/needs/")
    company.page.locator("#id_nil").select_option(label="LODI - CORVETTO")
    company.click(company.page.locator("main form[role=search] button[type=submit]"))
    company.page.wait_for_selector("#area-map[data-needs]")
    assert int(company.page.locator("#area-map").get_attribute("data-needs")) >= 1
    assert company.page.locator("#area-map .leaflet-interactive").count() > 88  # 88 NIL + the needs' dots
    company.click(company.page.get_by_role("link", name=TITLE))
    amounts = company.page.locator("form[action$='/pledge/'] input[name^=line_]")
    amounts.nth(0).fill("5000")
    amounts.nth(1).fill("40")
    company.click(company.page.locator("form[action$='/pledge/'] button[type=submit]"))
    pledge_url = company.page.url
    assert re.search(r"/pledges/\d+/$", pledge_url)

    # 3. the officer accepts it from the workspace
    officer.goto("/it/milano/workspace/officer/")
    officer.click(officer.page.locator("main a", has_text=TITLE).first)
    transition(officer, "accepted")

    # 4. the company delivers with a photo and an attendance list
    company.goto(pledge_url.replace(company.base, ""))
    for kind, name, mime, content in [
        ("photo", "giardino.png", "image/png", PNG),
        ("attendance", "presenze.csv", "text/csv", b"nome,ore\nAnna,8\nLuca,8\n"),
    ]:
        company.page.locator("#id_kind").select_option(kind)
        company.page.locator("#id_file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
        company.click(company.page.locator("form[action$='/evidence/'] button[type=submit]"))
    transition(company, "delivered")

    # 5. the officer verifies
    officer.goto(pledge_url.replace(officer.base, ""))
    transition(officer, "verified")
    assert officer.page.get_by_test_id("pledge-state").inner_text() == "Verificato"

    # 6. the public sees it on the need page and on the company page
    public = people()
    public.goto(need_url.replace(public.base, ""))
    helper = public.page.locator("main li", has_text="Verificato")  # €5,000 + 40 h at €25 = €6,000
    assert helper.count() == 1
    assert "6.000,00" in helper.inner_text()
    public.click(helper.get_by_role("link"))
    assert public.page.locator("main", has_text=TITLE).count() == 1
    assert "Verified contributions" in public.page.content() or "Contributi verificati" in public.page.content()
