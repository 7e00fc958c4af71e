"""The login lockout (settings.ACCOUNT_RATE_LIMITS["login_failed"]): past 20 failures for one
account, or from one address, logging in is refused even with the right password, with a message
that says so and names the way out; a password reset by e-mail lifts it; the Django admin's login
counts on the same limits."""

import re

import pytest
from django.core import mail
from django.test import Client

from cities4csr.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/{lang}/accounts/login/"
LOCKED = "Too many failed login attempts"
LIMIT = 20


def _login(email, password, *, ip="10.0.0.1", lang="en"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN.format(lang=lang), {"login": email, "password": password})
    return client, response


def _logged_in(client):
    return "_auth_user_id" in client.session


def _lock_account(email):
    """20 wrong passwords, each from its own address: only the account's count reaches its limit."""
    for i in range(LIMIT):
        client, response = _login(email, "wrong-password", ip=f"10.1.0.{i + 1}")
        assert response.status_code == 200 and not _logged_in(client)
        assert LOCKED not in response.content.decode()


def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_password():
    owner = UserFactory()
    _lock_account(owner.email)

    client, response = _login(owner.email, PASSWORD, ip="10.2.0.1")
    assert response.status_code == 200
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    assert "reset your password" in response.content.decode()
    # another account is not touched
    client, response = _login(UserFactory().email, PASSWORD, ip="10.2.0.2")
    assert response.status_code == 302 and _logged_in(client)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("it", "Troppi tentativi di accesso falliti"), ("fr", "Trop de tentatives de connexion échouées")],
)
def test_the_lockout_message_is_translated(lang, words):
    owner = UserFactory()
    _lock_account(owner.email)
    client, response = _login(owner.email, PASSWORD, ip="10.2.0.1", lang=lang)
    assert not _logged_in(client)
    assert words in response.content.decode()


def test_the_lockout_ends_after_its_window(monkeypatch):
    import time as real_time

    from allauth.core.internal import ratelimit

    owner = UserFactory()
    _lock_account(owner.email)

    class Later:
        """The clock 16 minutes on: the 15-minute window has passed."""

        def __getattr__(self, name):
            return getattr(real_time, name)

        def time(self):
            return real_time.time() + 16 * 60

    monkeypatch.setattr(ratelimit, "time", Later())
    client, response = _login(owner.email, PASSWORD, ip="10.2.0.1")
    assert response.status_code == 302 and _logged_in(client)


def test_one_address_is_limited_across_accounts_and_cannot_lock_them_all():
    """An attacker's address that tries 20 accounts is itself refused from then on; the owners,
    from their own addresses, still log in."""
    victims = [UserFactory() for _ in range(LIMIT + 1)]
    for victim in victims[:LIMIT]:
        _login(victim.email, "wrong-password", ip="10.6.6.6")
    client, response = _login(victims[LIMIT].email, PASSWORD, ip="10.6.6.6")
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    for victim in victims:
        client, response = _login(victim.email, PASSWORD, ip="10.7.0.1")
        assert _logged_in(client), victim.email


def test_a_password_reset_by_email_lifts_the_lockout():
    owner = UserFactory()
    _lock_account(owner.email)

    client = Client(REMOTE_ADDR="10.3.0.1")
    response = client.post("/en/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/\S+/password/reset/key/\S+/)", message.body).group(1)
    response = client.get(link)  # the key is moved to the session, then the form
    response = client.post(response["Location"], {"password1": "A-new-Passw0rd!", "password2": "A-new-Passw0rd!"})
    assert response.status_code == 302

    client, response = _login(owner.email, "A-new-Passw0rd!", ip="10.2.0.1")
    assert response.status_code == 302 and _logged_in(client)


def _admin_login(email, password, *, ip):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/admin/login/", {"username": email, "password": password, "next": "/admin/"})
    return client, response


def test_the_admin_login_is_limited_the_same_way():
    staff = UserFactory(is_staff=True, is_superuser=True)
    for i in range(LIMIT):
        client, response = _admin_login(staff.email, "wrong-password", ip=f"10.4.0.{i + 1}")
        assert response.status_code == 200 and not _logged_in(client)
        assert LOCKED not in response.content.decode()

    client, response = _admin_login(staff.email, PASSWORD, ip="10.5.0.1")
    assert response.status_code == 200
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    # the site's login counts the admin's failures: the account is locked there too
    client, response = _login(staff.email, PASSWORD, ip="10.5.0.2")
    assert not _logged_in(client) and LOCKED in response.content.decode()


def test_the_admin_login_still_works_for_the_right_password():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client, response = _admin_login(staff.email, PASSWORD, ip="10.5.0.3")
    assert response.status_code == 302 and _logged_in(client)
