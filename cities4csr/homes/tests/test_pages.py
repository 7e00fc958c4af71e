"""The homes as pages and through the API: who may open which, in three languages, with their figures."""

import pytest
from django.test import Client
from django_scopes import scope

from cities4csr.cities.tests.factories import CORVETTO
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def pledged(world):
    """A published €1,000 need in CORVETTO with a proposed pledge of €400 of the company's."""
    lat, lon = CORVETTO
    need = NeedFactory(city=world.city, owner=world.third_sector, lat=lat, lon=lon, published=True)
    return PledgeFactory(need=need, organisation=world.company, items=[(need.lines.get(), 40_000)])


@pytest.mark.parametrize("language, words", [("it", "Da fare"), ("en", "To do"), ("fr", "À faire")])
def test_officer_home_counts_link_to_the_filtered_lists(world, pledged, language, words):
    page = client_for(world.officer).get(f"/{language}/{world.city.slug}/workspace/officer/").content.decode()
    assert words in page
    assert f"/{language}/{world.city.slug}/workspace/officer/pledges/?state=proposed" in page
    assert f"/{language}/{world.city.slug}/workspace/officer/steps/?state=overdue" in page
    assert 'data-testid="count-to-accept">1<' in page


@pytest.mark.parametrize(
    "path, allowed, refused",
    [
        ("manage/", "admin", ["officer", "representative", "resident"]),
        ("workspace/partner/", "third_sector_representative", ["representative", "officer", "resident"]),
        ("workspace/officer/", "officer", ["representative", "volunteer", "third_sector_representative"]),
    ],
)
def test_who_may_open_a_home(world, path, allowed, refused):
    url = f"/en/{world.city.slug}/{path}"
    assert client_for(getattr(world, allowed)).get(url).status_code == 200
    for who in refused:
        assert client_for(getattr(world, who)).get(url).status_code == 403, who


def test_partner_home_shows_its_proposals_and_what_they_received(world, pledged):
    page = client_for(world.third_sector_representative).get(f"/it/{world.city.slug}/workspace/partner/")
    body = page.content.decode()
    assert pledged.need.title in body
    assert "1.000,00" in body  # asked for, in Italian


def test_company_home_gives_the_true_next_step(world, pledged):
    body = client_for(world.representative).get(f"/fr/{world.city.slug}/workspace/company/").content.decode()
    assert 'data-testid="next-step">La ville examine l&#x27;engagement<' in body


def test_city_home_and_area_figures(world, pledged):
    body = client_for().get(f"/it/{world.city.slug}/").content.decode()
    assert 'data-testid="figure-open-needs">1<' in body
    area = client_for().get(f"/fr/{world.city.slug}/areas/nil/35/").content.decode()
    assert pledged.need.title in area
    other = client_for().get(f"/fr/{world.city.slug}/areas/nil/1/").content.decode()
    assert pledged.need.title not in other


def test_volunteer_home_is_useful_to_anyone(world):
    lat, lon = CORVETTO
    need = NeedFactory(
        city=world.city,
        owner=world.city_hall,
        lat=lat,
        lon=lon,
        lines=[dict(kind="volunteer_time", label="Ore", quantity=10, value_cents=2_000)],
        published=True,
    )
    for who in (world.volunteer, world.resident, None):
        body = client_for(who).get(f"/en/{world.city.slug}/workspace/volunteer/").content.decode()
        assert need.title in body


def test_api_my_home(world, pledged):
    client = client_for(world.officer)
    data = client.get(f"/api/v1/cities/{world.city.slug}/me/home/").json()
    assert data["homes"] == ["officer"]
    assert data["officer"]["to_accept"] == 1
    assert data["admin"] is None and data["organisations"] == []
    assert data["city"]["open_needs"] == 1
    data = client_for(world.third_sector_representative).get(f"/api/v1/cities/{world.city.slug}/me/home/").json()
    assert data["homes"] == ["partner"]
    assert data["organisations"][0]["partner"]["needs"] == 1
    assert data["officer"] is None
    data = client_for(world.representative).get(f"/api/v1/cities/{world.city.slug}/me/home/").json()
    assert data["organisations"][0]["company"]["by_state"] == {"proposed": 1}
    data = client_for(world.admin).get(f"/api/v1/cities/{world.city.slug}/me/home/").json()
    assert data["homes"] == ["admin", "officer"] and data["admin"]["people"]["officer"] == 1
    assert client_for().get(f"/api/v1/cities/{world.city.slug}/me/home/").status_code in (401, 403)


def test_api_my_home_is_of_this_city_only(two_cities, pledged):
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        data = client_for(nantes.officer).get(f"/api/v1/cities/{nantes.city.slug}/me/home/").json()
    assert data["officer"]["to_accept"] == 0 and data["city"]["open_needs"] == 0
    # the Milan officer has no home in Nantes
    data = client_for(two_cities.milan.officer).get(f"/api/v1/cities/{nantes.city.slug}/me/home/").json()
    assert data["homes"] == [] and data["officer"] is None


def test_api_area_figures(world, pledged):
    data = client_for().get(f"/api/v1/cities/{world.city.slug}/areas/nil/35/").json()
    assert data["figures"]["open_needs"] == 1
    assert [n["id"] for n in data["needs"]] == [pledged.need.pk]
    assert client_for().get(f"/api/v1/cities/{world.city.slug}/areas/nil/999/").status_code == 404


def test_officer_home_counts_the_funds_work_waiting(world):
    import datetime

    from cities4csr.funds.services import award_propose
    from cities4csr.funds.tests.factories import a_fund, a_purpose

    with scope(city=world.city.pk):
        fund = a_fund(world)
        for n in range(2):
            award_propose(
                actor=world.officer,
                fund=fund,
                purpose=a_purpose(world, code=f"p{n}"),
                description="Buoni spesa",
                act_number=f"DG {n}",
                act_on=datetime.date(2026, 5, 1),
                amount_cents=1_000,
                organisation=world.third_sector,
            )
    page = client_for(world.officer).get(f"/it/{world.city.slug}/workspace/officer/").content.decode()
    assert 'data-testid="count-awards">2<' in page and "assegnazioni da approvare" in page
    assert 'data-testid="count-bank-lines">0<' in page and "righe bancarie da verificare" in page
    assert f"/it/{world.city.slug}/workspace/officer/funds/awards/" in page
