"""Matching in the browser: a company tells the city what it cares about and offers money; the
officer publishes a need that fits; the background worker recomputes (nobody waits for it); the
officer sees who could help and launches a collective action from the pooling proposal; the
company sees the need recommended, with its explanation in Italian, English and French, and
accepts the invitation, which makes its pledge. axe-core checks every page on the way."""

import time

TITLE = "Merenda e compiti al parco Ravizza"


def wait_for(visitor, path: str, text: str, seconds: float = 60):
    """Reload ``path`` until ``text`` shows (the recomputation runs in the background worker)."""
    deadline = time.monotonic() + seconds
    while True:
        visitor.goto(path)
        if text in visitor.page.locator("main").inner_text():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared on {path}")
        time.sleep(1)


def test_recommended_who_could_help_and_a_collective_action(people):
    # 1. the company: its themes, a preferred neighbourhood, €10,000 and 80 volunteer hours on offer
    company = people("representative@milano.example")
    company.goto("/it/milano/workspace/company/")
    page = company.page
    name = page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("heading", name="Consigliati per voi").is_visible()
    page.get_by_label("Istruzione", exact=True).check(force=True)
    page.get_by_label("35 LODI - CORVETTO", exact=True).check(force=True)
    company.click(page.locator("form:has(input[name=form][value=profile]) button[type=submit]"))
    for kind, label, quantity, amount in [
        ("money", "Contributo per la scuola", "", "10000"),
        ("volunteer_time", "Volontari aziendali", "80", "2000"),
    ]:
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_label").fill(label)
        page.locator("#id_quantity").fill(quantity)
        page.locator("#id_amount_eur").fill(amount)
        company.click(page.locator("form:has(input[name=form][value=offer]) button[type=submit]"))

    # 2. the officer publishes a need that fits it, in LODI - CORVETTO
    officer = people("officer@milano.example")
    officer.goto("/it/milano/needs/new/")
    form = officer.page
    form.locator("#id_owner").select_option(label="Comune di Milano")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_description").fill("Merenda e aiuto nei compiti per i ragazzi del quartiere.")
    form.get_by_label("Istruzione", exact=True).check(force=True)
    form.locator(".picker-fallback summary").click()  # the coordinates, typed (the map picker: test_places)
    form.locator("#id_lat").fill("45.4403")
    form.locator("#id_lon").fill("9.2235")
    officer.click(form.locator("main form button[type=submit]"))
    for kind, label, quantity, amount in [
        ("money", "Merende e materiali", "", "8000"),
        ("volunteer_time", "Volontari per i compiti", "60", "1500"),
    ]:
        form.locator("#id_kind").select_option(kind)
        form.locator("#id_label").fill(label)
        form.locator("#id_quantity").fill(quantity)
        form.locator("#id_amount_eur").fill(amount)
        officer.click(form.locator("form[action$='/lines/'] button[type=submit]"))
    officer.click(form.locator("main form:has(input[name=to][value=published]) button"))
    need_path = form.url.replace(officer.base, "")

    # 3. who could help, once the worker has recomputed; launch the collective action
    wait_for(officer, need_path, name)
    helpers = form.get_by_test_id("helpers")
    assert "Chi potrebbe aiutare" in helpers.inner_text()
    assert form.get_by_test_id("explanation").first.inner_text().strip()
    assert name in form.get_by_test_id("proposal").inner_text()
    officer.click(form.get_by_role("button", name="Avvia l'azione collettiva"))
    assert name in form.get_by_test_id("collective-action").inner_text()

    # 4. the company sees the need recommended, explained in three languages, and accepts
    for lang, heading, reason in [
        ("it", "Consigliati per voi", "quartieri preferiti"),
        ("en", "Recommended for you", "preferred neighbourhoods"),
        ("fr", "Recommandé pour vous", "quartiers préférés"),
    ]:
        company.goto(f"/{lang}/milano/workspace/company/")
        section = company.page.get_by_test_id("recommended")
        assert heading in section.inner_text()
        item = section.locator("li", has_text=TITLE)
        assert reason in item.get_by_test_id("explanation").inner_text(), item.inner_text()
    company.goto("/it/milano/workspace/company/")
    invitation = company.page.get_by_test_id("invitation").filter(has_text=TITLE)
    company.click(invitation.get_by_role("button", name="Accetta"))
    invitation = company.page.get_by_test_id("invitation").filter(has_text=TITLE)
    assert invitation.get_by_test_id("invitation-state").inner_text() == "Accettato"
    assert invitation.get_by_role("link", name="Il nostro impegno").is_visible()
