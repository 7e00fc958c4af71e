"""After logging in, each person lands on their home: their city, in their language, on their
workspace; a safe ``next`` is followed, an unsafe one refused; a front page as ``next`` means
"my home, here"."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.organisations.services import city_role_grant
from cities4csr.organisations.tests.factories import with_role

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def login(user, next_url="", page="/en/accounts/login/"):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    client = Client()
    url = page + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


@pytest.mark.parametrize(
    "who, home",
    [
        ("officer", "workspace/officer/"),
        ("admin", "manage/"),
        ("representative", "workspace/company/"),
        ("third_sector_representative", "workspace/partner/"),
        ("volunteer", "workspace/volunteer/"),
    ],
)
def test_each_role_lands_on_its_home_in_the_city_language(two_cities, who, home):
    world = two_cities.milan
    city = world.city
    # in their stored language (the factories' people chose English)
    assert login(getattr(world, who)) == f"/en/{city.slug}/{home}"


def test_the_stored_language_comes_first(two_cities):
    officer = two_cities.milan.officer
    officer.preferred_language = "fr"
    officer.save(update_fields=["preferred_language"])
    assert login(officer) == f"/fr/{two_cities.milan.city.slug}/workspace/officer/"


def test_without_a_stored_language_the_login_page_language(two_cities):
    officer = two_cities.milan.officer
    officer.preferred_language = ""
    officer.save(update_fields=["preferred_language"])
    assert login(officer, page="/it/accounts/login/") == f"/it/{two_cities.milan.city.slug}/workspace/officer/"


def test_a_language_the_city_does_not_speak_gives_its_first(two_cities):
    from cities4csr.cities.tests.factories import CityFactory

    with scopes_disabled():
        city = CityFactory(slug="solo-it", languages=["it"], default_language="it")
        volunteer = with_role(city, "volunteer")
    volunteer.preferred_language = "fr"
    volunteer.save(update_fields=["preferred_language"])
    assert login(volunteer) == "/it/solo-it/workspace/volunteer/"


def test_no_part_in_any_city_lands_on_the_network(two_cities):
    assert login(two_cities.milan.resident) == "/en/"


def test_several_cities_land_on_the_chooser(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scopes_disabled():
        city_role_grant(actor=None, city=nantes.city, user=milan.officer, role="volunteer")
    assert login(milan.officer) == "/en/me/"
    client = Client()
    client.force_login(milan.officer)
    page = client.get("/fr/me/").content.decode()
    assert f"/fr/{milan.city.slug}/workspace/officer/" in page
    assert f"/fr/{nantes.city.slug}/workspace/volunteer/" in page


def test_a_safe_next_is_followed(two_cities):
    world = two_cities.milan
    assert login(world.officer, f"/en/{world.city.slug}/needs/") == f"/en/{world.city.slug}/needs/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_unsafe_next_is_refused(two_cities, unsafe):
    world = two_cities.milan
    assert login(world.officer, unsafe) == f"/en/{world.city.slug}/workspace/officer/"


def test_a_front_page_as_next_means_my_home_there(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scopes_disabled():
        city_role_grant(actor=None, city=nantes.city, user=milan.officer, role="volunteer")
    milan.officer.preferred_language = ""  # none stored: the language they were reading
    milan.officer.save(update_fields=["preferred_language"])
    # the header's "Log in" on Nantes' front page, in French: Nantes' home for them, in French
    assert login(milan.officer, f"/fr/{nantes.city.slug}/") == f"/fr/{nantes.city.slug}/workspace/volunteer/"
    # the network's front page: as without a next (in the language they stored, English)
    assert login(milan.representative, "/it/") == f"/en/{milan.city.slug}/workspace/company/"


def test_someone_without_a_part_there_stays_on_the_front_page(two_cities):
    nantes = two_cities.nantes
    assert login(two_cities.milan.officer, f"/fr/{nantes.city.slug}/") == f"/fr/{nantes.city.slug}/"
