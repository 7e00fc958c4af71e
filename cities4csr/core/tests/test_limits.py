"""The API's rate limits (cities4csr.core.api.throttles) and the sessions' idle timeout
(cities4csr.core.middleware)."""

import runpy
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.core import middleware

ANSWERS = {"contribution_kind": "money", "return_expected": "none", "value_eur": 5000, "on": "2026-11-23"}


@pytest.fixture
def rates(settings):
    """Set some throttle rates for one test (the suite's are out of reach: conftest.py)."""

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {
            **django_settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


def _advise(client, city):
    return client.post(f"/api/v1/cities/{city.slug}/advisor/", ANSWERS, content_type="application/json")


def test_the_advisor_answers_429_past_its_rate_with_json_and_retry_after(world, rates):
    rates(advisor="3/minute")
    client = Client(REMOTE_ADDR="10.9.0.1")
    for _ in range(3):
        assert _advise(client, world.city).status_code == 200
    response = _advise(client, world.city)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "throttled" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 60
    # its own rate: the rest of the API still answers, and another address still gets advice
    assert client.get(f"/api/v1/cities/{world.city.slug}/").status_code == 200
    assert _advise(Client(REMOTE_ADDR="10.9.0.2"), world.city).status_code == 200


def test_the_advisor_limit_counts_per_user_when_signed_in(world, rates):
    rates(advisor="2/minute")
    first, second = Client(REMOTE_ADDR="10.9.0.3"), Client(REMOTE_ADDR="10.9.0.3")
    first.force_login(world.officer)
    second.force_login(world.volunteer)
    assert [_advise(first, world.city).status_code for _ in range(3)] == [200, 200, 429]
    assert _advise(second, world.city).status_code == 200


def test_the_whole_api_has_anonymous_and_user_rates(world, rates):
    rates(anon="2/minute", user="3/minute")
    anonymous = Client(REMOTE_ADDR="10.9.1.1")
    url = f"/api/v1/cities/{world.city.slug}/"
    assert [anonymous.get(url).status_code for _ in range(3)] == [200, 200, 429]
    signed_in = Client(REMOTE_ADDR="10.9.1.1")
    signed_in.force_login(world.officer)
    assert [signed_in.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_forwarded_address_is_not_trusted_without_a_proxy(world, rates):
    """With TRUSTED_PROXY_COUNT=0 a client cannot pick a new address per request."""
    rates(anon="1/minute")
    url = f"/api/v1/cities/{world.city.slug}/"
    client = Client(REMOTE_ADDR="10.9.2.1")
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_without_cache_url_the_cache_is_shared_in_the_database(monkeypatch):
    """Production's cache is shared by every process (not one locmem per worker): the database
    table core's migration creates, unless CACHE_URL names Redis."""
    settings_file = Path(django_settings.BASE_DIR) / "config" / "settings.py"
    monkeypatch.delenv("CACHE_URL", raising=False)
    cache = runpy.run_path(str(settings_file))["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "cities4csr_cache"
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    cache = runpy.run_path(str(settings_file))["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved on by hand."""
    now = [time.time()]

    class Clock:
        @staticmethod
        def time():
            return now[0]

    monkeypatch.setattr(middleware, "time", Clock)

    def advance(minutes):
        now[0] += minutes * 60

    return advance


def test_a_session_idle_longer_than_the_timeout_is_logged_out(world, settings, clock):
    settings.SESSION_IDLE_TIMEOUT = 30
    client = Client()
    client.force_login(world.officer)
    url = f"/api/v1/cities/{world.city.slug}/"
    client.get(url)
    assert client.session["_auth_user_id"] == str(world.officer.pk)

    clock(29)  # active again within the timeout: the idle time starts over
    client.get(url)
    clock(29)
    client.get(url)
    assert client.session.get("_auth_user_id") == str(world.officer.pk)

    clock(31)
    response = client.get("/en/")
    assert "_auth_user_id" not in client.session
    assert response.wsgi_request.user.is_anonymous


def test_the_idle_timeout_can_be_turned_off(world, settings, clock):
    settings.SESSION_IDLE_TIMEOUT = 0
    client = Client()
    client.force_login(world.officer)
    client.get("/en/")
    clock(24 * 60)
    client.get("/en/")
    assert client.session.get("_auth_user_id") == str(world.officer.pk)


def test_the_session_cookie_age_is_a_setting():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60  # SESSION_COOKIE_AGE in the environment


@pytest.mark.django_db
def test_a_person_logged_out_for_idleness_is_told_so(settings, clock):
    settings.SESSION_IDLE_TIMEOUT = 5
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.get("/en/")
    clock(6)
    response = client.get("/en/", follow=True)
    assert "logged out after a time without activity" in response.content.decode()
