"""Onboarding a new city (issue 13, "Done when"): `manage.py city_create` and `manage.py invite`
make the city and e-mail its first administrator, who follows the link, chooses a password,
logs in and invites an officer, who receives an invitation. The administration's pages in
it, en and fr at desktop and phone width, axe-checked, with screenshots to look at."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .conftest import ROOT

SHOTS = Path(os.environ.get("SHOTS_DIR", tempfile.gettempdir())) / "shots" / "admin"  # never in the repo
PASSWORD = "Torino-2026-Mole!"
LINK = re.compile(r"(https?://[^/\s]+)(/\w\w/torino/invitations/[^/\s]+/)")


def manage(server_env, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=server_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def invitation_to(mailbox, address):
    messages = [m for m in mailbox() if m["To"] == address]
    assert messages, f"no e-mail to {address}"
    return messages[-1]


def test_a_new_city_is_onboarded_by_command_and_its_admin_invites_an_officer(visitor, server_env, mailbox):
    page = visitor.page
    out = manage(
        server_env,
        "city_create",
        "--slug=torino",
        "--name=Torino",
        "--country=IT",
        "--languages=it,en,fr",
        "--currency=EUR",
        "--timezone=Europe/Rome",
    )
    assert "Created Torino" in out.stdout
    refused = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "city_create", "--slug=torino", "--name=T", "--country=IT",
         "--languages=it"],
        env=server_env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode != 0 and "slug" in refused.stderr

    manage(server_env, "invite", "--city=torino", "--email=sindaca@torino.example", "--role=admin", "--language=en")
    message = invitation_to(mailbox, "sindaca@torino.example")
    assert "Torino" in message["Subject"]
    site, path = LINK.search(message.get_content()).groups()
    assert site.startswith("http")  # an absolute link, under SITE_URL

    # the administrator follows the link, chooses a password (a mistake is said beside the field)
    assert visitor.goto(path).ok
    shoot(page, "accept-en")
    page.locator("#id_first_name").fill("Chiara")
    page.locator("#id_last_name").fill("Bianchi")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD + "x")
    visitor.submit("Accept and log in")
    assert page.locator("#id_password2 ~ .invalid-feedback").inner_text() == "The two passwords differ."
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    visitor.submit("Accept and log in")
    assert "/en/torino/manage/people/" in page.url
    assert page.get_by_text("sindaca@torino.example").count() >= 1

    # the link works once
    response = visitor.goto(path)
    assert response.status == 410

    # logs out, then in with the new password
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    visitor.login("sindaca@torino.example", password=PASSWORD, lang="en")
    visitor.goto("/en/torino/")
    visitor.click(page.get_by_role("link", name="City administration"))
    visitor.click(page.get_by_role("link", name="Invite, change a role, deactivate"))

    # invites an officer: a bad address is refused beside the field, then the invitation goes
    page.locator("#id_email").fill("not an address")
    visitor.submit("Send the invitation")
    assert page.locator("#id_email ~ .invalid-feedback").count() == 1
    page.locator("#id_email").fill("funzionario@torino.example")
    page.locator("#id_role").select_option("officer")
    page.locator("#id_language").select_option("it")
    visitor.submit("Send the invitation")
    assert page.get_by_text("Invitation sent to funzionario@torino.example.").count() == 1
    assert page.locator("main li", has_text="funzionario@torino.example").count() == 1
    officer_mail = invitation_to(mailbox, "funzionario@torino.example")
    assert "/it/torino/invitations/" in officer_mail.get_content()
    assert "Funzionario comunale" in officer_mail["Subject"]

    # the administration's pages in the three languages, at desktop and phone width
    for lang in ("it", "en", "fr"):
        assert visitor.goto(f"/{lang}/torino/manage/people/").ok
        shoot(page, f"people-{lang}")
        assert visitor.goto(f"/{lang}/torino/manage/settings/").ok
        shoot(page, f"settings-{lang}")
        assert visitor.goto(f"/{lang}/torino/manage/themes/new/").ok
        shoot(page, f"theme-{lang}")

    # adds a theme, named in the city's languages
    visitor.goto("/it/torino/manage/themes/new/")
    page.locator("#id_name_it").fill("Orti urbani")
    page.locator("#id_name_en").fill("Urban gardens")
    visitor.submit("Salva")
    assert page.get_by_role("cell", name="Orti urbani", exact=True).count() == 1
    shoot(page, "themes-it")

    # and changes a setting
    visitor.goto("/en/torino/manage/settings/")
    page.locator("#id_weight_equity").fill("0.4")
    visitor.submit("Save")
    assert page.get_by_text("Settings saved.").count() == 1
    assert page.locator("#id_weight_equity").input_value() == "0.4"
