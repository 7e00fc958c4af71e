"""The roles behind the permissions: what a person is in a city follows from their city roles and
their memberships there. Every permission per role: tests/test_permissions.py."""

import pytest
from django_scopes import scope

from cities4csr.organisations.rules import city_roles, is_org_member, is_org_representative
from cities4csr.organisations.tests.factories import (
    CityRoleFactory,
    MembershipFactory,
    OrganisationFactory,
    with_role,
)

pytestmark = pytest.mark.django_db


def test_a_representative_is_one_for_their_own_organisation_only(world):
    other = OrganisationFactory(city=world.city)
    assert is_org_representative(world.representative, world.company)
    assert not is_org_representative(world.representative, other)
    assert not is_org_representative(world.member, world.company) and is_org_member(world.member, world.company)
    assert not world.representative.has_perm("organisations.change_organisation", other)


def test_roles_are_per_city(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=nantes.city.pk):
        MembershipFactory(organisation=nantes.company, user=milan.member, representative=True)
    assert city_roles(milan.member, nantes.city) == {"representative"}
    assert city_roles(milan.member, milan.city) == set()
    assert city_roles(nantes.officer, milan.city) == set()
    assert not nantes.admin.has_perm("cities.change_city", milan.city)


def test_an_admin_is_also_an_officer_and_roles_add_up(world):
    assert world.admin.has_perm("core.view_auditevent", world.city)
    both = with_role(world.city, "volunteer")
    CityRoleFactory(city=world.city, user=both, role="officer")
    assert city_roles(both, world.city) == {"volunteer", "officer"}
    assert both.has_perm("organisations.add_organisation", world.city)
