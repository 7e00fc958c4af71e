"""Shared test set-up: the demo cities are loaded once per test database (per xdist worker);
every test runs in a transaction rolled back at its end."""

import pytest
from django_scopes import scope, scopes_disabled


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from cities4csr.demo.seed import seed_demo

    with django_db_blocker.unblock(), scopes_disabled():
        seed_demo()


@pytest.fixture
def milano(db):
    from cities4csr.cities.models import City

    return City.objects.get(slug="milano")


@pytest.fixture
def nantes(db):
    from cities4csr.cities.models import City

    return City.objects.get(slug="nantes")


@pytest.fixture
def in_milano(milano):
    with scope(city=milano.pk):
        yield milano


def demo_user(city_slug, role):
    from cities4csr.accounts.models import User
    from cities4csr.demo.seed import demo_email

    return User.objects.get(email=demo_email(city_slug, role))


@pytest.fixture
def users(db):
    """The demo logins: users["milano", "officer"] etc."""
    from cities4csr.demo.seed import ROLES

    return {(slug, role): demo_user(slug, role) for slug in ("milano", "nantes") for role in ROLES}
