"""Visitors' public pages from the cache (core.middleware.PublicPageCacheMiddleware): kept for
anonymous people only, never for a page that sets a cookie, never shown to someone logged in."""

import pytest
from django.test import Client

from cities4csr.needs.models import Need


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    return settings


def _retitle(need, title):
    Need.objects.filter(pk=need.pk).update(title=title)


def test_a_visitor_reads_a_kept_page_until_it_expires(cached, corvetto_need):
    url = f"/it/milano/needs/{corvetto_need.pk}/"
    visitor = Client()
    assert "via Polesine" in visitor.get(url).content.decode()
    _retitle(corvetto_need, "Un titolo nuovo")
    assert "via Polesine" in visitor.get(url).content.decode()  # kept
    assert "Un titolo nuovo" in visitor.get(url.replace("/it/", "/fr/")).content.decode()  # per language


def test_without_the_setting_pages_are_always_live(settings, corvetto_need):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = f"/it/milano/needs/{corvetto_need.pk}/"
    Client().get(url)
    _retitle(corvetto_need, "Un titolo nuovo")
    assert "Un titolo nuovo" in Client().get(url).content.decode()


def test_someone_logged_in_always_gets_the_live_page(cached, corvetto_need, users):
    url = f"/it/milano/needs/{corvetto_need.pk}/"
    Client().get(url)
    _retitle(corvetto_need, "Un titolo nuovo")
    officer = Client()
    officer.force_login(users["milano", "officer"])
    assert "Un titolo nuovo" in officer.get(url).content.decode()


def test_a_visitor_with_a_message_to_read_gets_the_live_page(cached, corvetto_need):
    url = f"/it/milano/needs/{corvetto_need.pk}/"
    Client().get(url)
    _retitle(corvetto_need, "Un titolo nuovo")
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert "Un titolo nuovo" in visitor.get(url).content.decode()


def test_a_page_that_sets_a_cookie_is_not_kept(cached, milano):
    """The login form sets the CSRF cookie: kept, its token would be someone else's."""
    cached.PUBLIC_PAGE_CACHE_VIEWS = {"account_login"}
    first, second = Client().get("/it/accounts/login/"), Client().get("/it/accounts/login/")
    assert "csrftoken" in first.cookies and "csrftoken" in second.cookies


def test_pages_not_listed_are_never_kept(cached, corvetto_need, users):
    cached.PUBLIC_PAGE_CACHE_VIEWS = set()
    url = f"/it/milano/needs/{corvetto_need.pk}/"
    Client().get(url)
    _retitle(corvetto_need, "Un titolo nuovo")
    assert "Un titolo nuovo" in Client().get(url).content.decode()
