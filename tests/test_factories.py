"""The factories build rows through the services (audited, located, scoped) and the two small
cities hold the people the unit tests rely on."""

import pytest
from allauth.account.models import EmailAddress
from django_scopes import scope

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.cities.tests.factories import CORVETTO, ILE_DE_NANTES
from cities4csr.core.models import AuditEvent
from cities4csr.instruments.tests.factories import AgreementFactory, ReturnItemFactory
from cities4csr.needs.models import Need
from cities4csr.needs.tests.factories import NeedFactory, ResourceLineFactory
from cities4csr.offers.tests.factories import CsrProfileFactory, OfferFactory
from cities4csr.organisations.rules import city_roles
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_users_have_a_verified_address_unless_asked():
    assert EmailAddress.objects.get(user=UserFactory()).verified
    assert not EmailAddress.objects.get(user=UserFactory(verified=False)).verified


def test_two_cities_hold_their_people(two_cities):
    for world in (two_cities.milan, two_cities.nantes):
        city = world.city
        assert city_roles(world.admin, city) == {"admin"}
        assert city_roles(world.officer, city) == {"officer"}
        assert city_roles(world.volunteer, city) == {"volunteer"}
        assert city_roles(world.resident, city) == set()
        assert city_roles(world.representative, city) == {"representative"}
        assert city_roles(world.third_sector_representative, city) == {"representative"}
        assert city_roles(world.member, city) == set()
    assert city_roles(two_cities.nantes.officer, two_cities.milan.city) == set()
    assert set(two_cities.milan.areas) == {"1", "35", "36"}
    assert set(two_cities.nantes.areas) == {"1", "2"}


def test_a_published_need_is_located_and_audited(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, lat=CORVETTO[0], lon=CORVETTO[1], published=True)
    assert (need.area.code, need.district.code) == ("35", "4")
    assert need.state == Need.State.PUBLISHED and need.value_requested_cents == 100_000
    line = ResourceLineFactory(need=need, kind="goods", quantity=3, value_cents=9_000)
    assert need.value_requested_cents == 109_000 and line.unit == "units"
    verbs = set(
        AuditEvent.objects.filter(object_type="needs.need", object_id=str(need.pk)).values_list("verb", flat=True)
    )
    assert verbs == {"need.create", "need.publish"}


def test_a_french_need_lands_in_its_quartier(two_cities):
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        need = NeedFactory(city=nantes.city, owner=nantes.city_hall, lat=ILE_DE_NANTES[0], lon=ILE_DE_NANTES[1])
    assert need.area.name == "Île de Nantes (Nantes)" and need.district.name == "Nantes"


def test_pledges_agreements_and_offers_go_through_the_services(world):
    pledge = PledgeFactory(need__city=world.city, organisation=world.company, accepted=True)
    assert pledge.state == Pledge.State.ACCEPTED and pledge.value_cents == 100_000
    assert pledge.need.lines.get().committed == 100_000
    returned = ReturnItemFactory(agreement=AgreementFactory(pledge__need__city=world.city))
    agreement = returned.agreement
    agreement.pledge.refresh_from_db()
    assert agreement.instrument == "sponsorship" and agreement.pledge.state == Pledge.State.AGREED
    profile = CsrProfileFactory(organisation=world.company, preferred_areas=[world.areas["35"]])
    assert list(profile.preferred_areas.all()) == [world.areas["35"]]
    assert OfferFactory(organisation=world.company).value_cents == 100_000
