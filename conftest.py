"""Shared test set-up: the demo cities are loaded once per test database (per xdist worker);
every test runs in a transaction rolled back at its end."""

import pytest
from django_scopes import scope, scopes_disabled


def pytest_configure(config):
    """Uploaded files of the test run go to a temporary folder, not var/media."""
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cities4csr-media-")


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a page request leaves its language active in the thread."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached (the catalogue's choices): its data may differ."""
    from django.core.cache import cache

    cache.clear()


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


@pytest.fixture
def corvetto_need(in_milano, users):
    """A published need in LODI - CORVETTO asking €10,000 and 100 volunteer hours."""
    from cities4csr.needs.models import Need, ResourceKind
    from cities4csr.needs.services import line_add, need_create, need_transition
    from cities4csr.organisations.models import Organisation

    officer = users["milano", "officer"]
    city_hall = Organisation.objects.get(name="Comune di Milano")
    need = need_create(
        actor=officer,
        city=in_milano,
        owner=city_hall,
        title="Cortile della scuola di via Polesine",
        description="Rinnovare il cortile e aprire un doposcuola.",
        lat=45.4403,
        lon=9.2235,
        sdgs=["4", "11.7"],
    )
    line_add(actor=officer, need=need, kind=ResourceKind.MONEY, label="Arredi del cortile", quantity=1_000_000)
    line_add(
        actor=officer,
        need=need,
        kind=ResourceKind.VOLUNTEER_TIME,
        label="Volontari per il doposcuola",
        quantity=100,
        value_cents=100 * 2500,
        skills="tutoring",
    )
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    need.refresh_from_db()
    return need


@pytest.fixture
def company_rep(users, in_milano):
    """The demo representative and their company."""
    rep = users["milano", "representative"]
    return rep, rep.memberships.get().organisation
