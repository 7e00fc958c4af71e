"""Shared test set-up. Every test runs in a transaction rolled back at its end.

Unit tests build what they need with the factories of each app (``cities4csr/<app>/tests/
factories.py``) or stand in ``two_cities``: two tiny cities, Milan-like and Nantes-like, each
with its people. Only the tests about the demo ask for ``demo`` (or for a fixture built on it:
``milano``, ``nantes``, ``users``, ``in_milano``, ``corvetto_need``, ``company_rep``): the demo
is then seeded once per test database (per xdist worker), committed before the first such
test's transaction opens, and shared by the later ones.
"""

from dataclasses import dataclass

import pytest
from django_scopes import scope, scopes_disabled


def pytest_configure(config):
    """Uploaded files of the test run go to a temporary folder, not var/media."""
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cities4csr-media-")
    # One process runs the tests: an in-memory cache, emptied before each test (_empty_cache), and
    # API throttles no test reaches unless it lowers them (settings.REST_FRAMEWORK is read live).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/minute"
    )


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
def demo(django_db_setup, django_db_blocker):
    """The demo cities (``{"milano": City, "nantes": City}``), seeded once per test database.

    Session-scoped, so pytest sets it up before the test's own database transaction: the seed
    commits and the following tests of the worker find it. A transactional test
    (``django_db(transaction=True)``) empties the database when it ends: run those alone, as
    ``-m concurrency`` is.
    """
    from cities4csr.demo.seed import seed_demo

    with django_db_blocker.unblock(), scopes_disabled():
        return seed_demo()


@dataclass
class World:
    """One small city and the people a test needs in it."""

    city: object
    areas: dict  # {code: Area} of the city's primary kind (NIL, quartier)
    city_hall: object  # the city's own public body
    admin: object
    officer: object
    volunteer: object
    resident: object  # signed in, no role and no organisation
    company: object
    representative: object  # of company
    member: object  # of company, not its representative
    other_company: object
    other_representative: object
    third_sector: object
    third_sector_representative: object


@dataclass
class TwoCities:
    milan: World
    nantes: World


def city_world(city) -> World:
    from cities4csr.cities.models import Area
    from cities4csr.needs.services import themes_ensure_defaults
    from cities4csr.organisations.tests.factories import (
        OrganisationFactory,
        member_of,
        representative_of,
        with_role,
    )

    company = OrganisationFactory(city=city, name=f"Impresa di {city.name}")
    other = OrganisationFactory(city=city, name=f"Altra impresa di {city.name}")
    third_sector = OrganisationFactory(city=city, third_sector=True, name=f"Associazione di {city.name}")
    themes_ensure_defaults(actor=None, city=city)
    return World(
        city=city,
        areas={a.code: a for a in Area.objects.filter(city=city, kind=city.settings.primary_area_kind)},
        city_hall=OrganisationFactory(city=city, public_body=True, name=f"Comune di {city.name}"),
        admin=with_role(city, "admin"),
        officer=with_role(city, "officer"),
        volunteer=with_role(city, "volunteer"),
        resident=_resident(),
        company=company,
        representative=representative_of(company),
        member=member_of(company),
        other_company=other,
        other_representative=representative_of(other),
        third_sector=third_sector,
        third_sector_representative=representative_of(third_sector),
    )


def _resident():
    from cities4csr.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def two_cities(db):
    """A tiny Milan-like city (3 NIL in 2 Municipi) and a tiny Nantes-like one (2 quartiers in
    a commune), each with an admin, an officer, a volunteer, a resident, its city hall, two
    companies with their representatives and a third-sector body with its own."""
    from cities4csr.cities.tests.factories import CityFactory

    with scopes_disabled():
        milan = CityFactory(slug="milan-test", name="Milano di prova", areas=True)
        nantes = CityFactory(slug="nantes-test", name="Nantes d'essai", french=True, areas=True)
        return TwoCities(milan=city_world(milan), nantes=city_world(nantes))


@pytest.fixture
def world(two_cities):
    """The Milan-like city of ``two_cities``, with its scope open."""
    with scope(city=two_cities.milan.city.pk):
        yield two_cities.milan


@pytest.fixture
def milano(db, demo):
    from cities4csr.cities.models import City

    return City.objects.get(slug="milano")


@pytest.fixture
def nantes(db, demo):
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
def users(db, demo):
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
