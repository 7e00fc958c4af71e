"""Optional two-factor authentication (allauth's MFA): an authenticator app's codes (TOTP) and
recovery codes. A person who turned it on must give a code after the password; the code here is
computed by the test itself (RFC 6238), not by allauth."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from cities4csr.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: HMAC-SHA1 of the 30-second counter, 6 digits."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_officer_with_totp_must_pass_the_second_step(two_cities):
    officer = two_cities.milan.officer
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    client = Client()
    response = client.post("/en/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/2fa/authenticate/"
    assert not logged_in(client)  # the password alone is not enough
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/en/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200 and not logged_in(client)
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert logged_in(client) and int(client.session["_auth_user_id"]) == officer.pk


def test_without_totp_the_password_is_enough(two_cities):
    client = Client()
    response = client.post("/en/accounts/login/", {"login": two_cities.milan.officer.email, "password": PASSWORD})
    assert response.status_code == 302 and "2fa" not in response["Location"]
    assert logged_in(client)


def test_a_person_turns_totp_on_and_gets_recovery_codes(two_cities):
    admin = two_cities.milan.admin
    client = Client()
    client.post("/en/accounts/login/", {"login": admin.email, "password": PASSWORD})
    page = client.get("/en/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before a security change
        assert page["Location"].startswith("/en/accounts/reauthenticate/")
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # for typing into the app, beside the QR code
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302
    kinds = set(Authenticator.objects.filter(user=admin).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", "Autenticazione a due fattori"),
        ("en", "Two-Factor Authentication"),
        ("fr", "Authentification à deux facteurs"),
    ],
)
def test_the_two_factor_page_speaks_the_readers_language(two_cities, lang, words):
    client = Client()
    client.force_login(two_cities.milan.officer)
    page = client.get(f"/{lang}/accounts/2fa/")
    assert page.status_code == 200
    assert words.lower() in page.content.decode().lower()


def test_the_django_admin_login_does_not_skip_the_second_factor(two_cities):
    from cities4csr.accounts.tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 200 and not logged_in(client)
    assert "Two-factor authentication is on for this account" in response.content.decode()
