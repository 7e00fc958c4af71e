"""Scale-out, tested once (docs/deployment.md, "Several web processes"): two gunicorn processes on
loopback share PostgreSQL and a Redis cache. A login lockout reached through process A holds on
process B, and a session made on A is valid on B.

Needs PostgreSQL (the test database, committed rows: a transactional test) and Redis on
127.0.0.1:6379 (.ci/run starts both); runs with ``-m concurrency`` in ``make test-postgres``.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 7
PASSWORD = "the-right-password-42"
HOST = "csr.scale.test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
    client.ping()  # Redis must answer: .ci/run starts it
    return client


class Browser:
    """One person's cookies, sent to whichever process a request goes to."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[int, str, str]:
        try:
            # as behind a proxy, every process is asked for the site's one host name (allauth
            # keys an account's failures by host and e-mail)
            with self.opener.open(urllib.request.Request(url, headers={"Host": HOST}), timeout=20) as response:  # noqa: S310
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def log_in(self, base: str, email: str, password: str) -> tuple[int, str, str]:
        _status, _url, page = self.get(f"{base}/en/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password}).encode()
        headers = {"Referer": f"http://{HOST}", "Host": HOST}
        request = urllib.request.Request(f"{base}/en/accounts/login/", data=data, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, request.full_url, error.read().decode()


@pytest.fixture
def two_processes():
    if connection.vendor != "postgresql":
        pytest.skip("several processes share a PostgreSQL database: run with DATABASE_URL=postgres://…")
    cache = _redis()
    cache.flushdb()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{urllib.parse.quote(db['PASSWORD'])}@", 1)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "LOGIN_FAILED_ACCOUNT_RATE": "3/15m",
        "LOGIN_FAILED_IP_RATE": "100/15m",
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "ERROR",
    }
    processes, bases = [], []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            for _ in range(150):
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback only
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"gunicorn at {base} did not start")
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        cache.flushdb()


def _person(email: str):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from cities4csr.accounts.tests.factories import UserFactory

    user = UserFactory(email=email)
    # the servers use the production hashers: a PBKDF2 hash (few iterations, for speed)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_a_lockout_reached_on_one_process_holds_on_the_other(two_processes):
    a, b = two_processes
    _person("locked@scale.test")
    attacker = Browser()
    for _ in range(3):  # the account's limit: 3 failures in 15 minutes
        status, _url, page = attacker.log_in(a, "locked@scale.test", "wrong-password")
        assert status == 200 and "Too many failed login attempts" not in page
    owner = Browser()
    status, url, page = owner.log_in(b, "locked@scale.test", PASSWORD)
    errors = re.findall(r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>\s*([^<]+)', page)
    assert "Too many failed login attempts" in page, f"process B did not see A's failures: {errors} {url}"
    assert "/accounts/login/" in url
    # the owner, refused on B, is refused on A too
    assert "Too many failed login attempts" in Browser().log_in(a, "locked@scale.test", PASSWORD)[2]


def test_a_session_made_on_one_process_is_valid_on_the_other(two_processes):
    a, b = two_processes
    _person("someone@scale.test")
    person = Browser()
    status, url, _page = person.log_in(a, "someone@scale.test", PASSWORD)
    assert status == 200 and "/accounts/login/" not in url
    status, url, page = person.get(f"{b}/en/accounts/email/")  # a page for signed-in people only
    assert status == 200 and "/accounts/login/" not in url and "someone@scale.test" in page
    assert Browser().get(f"{b}/en/accounts/email/")[1].find("/accounts/login/") > 0  # a stranger is sent to log in
