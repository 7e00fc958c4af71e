"""Organisations, their people and sites, and city roles, made through the services.

City-owned rows need the city's scope open (``django_scopes.scope(city=...)``) or the test
set-up's ``scopes_disabled()``, as every service call does.
"""

import factory

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.cities.tests.factories import CityFactory
from cities4csr.organisations.models import CityRole, Membership, Organisation, Site
from cities4csr.organisations.services import city_role_grant, membership_add, organisation_create, site_add


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    city = factory.SubFactory(CityFactory)
    kind = Organisation.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Impresa {n} S.r.l.")
    description = "Made by a factory."
    is_public = True

    class Params:
        third_sector = factory.Trait(kind=Organisation.Kind.THIRD_SECTOR, name=factory.Sequence(lambda n: f"ETS {n}"))
        public_body = factory.Trait(
            kind=Organisation.Kind.PUBLIC_BODY, name=factory.Sequence(lambda n: f"Comune di prova {n}")
        )

    @classmethod
    def _create(cls, model_class, *args, city, **fields):
        return organisation_create(actor=None, city=city, **fields)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member of an organisation; ``MembershipFactory(representative=True)`` acts for it."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER

    class Params:
        representative = factory.Trait(role=Membership.Role.REPRESENTATIVE)

    @classmethod
    def _create(cls, model_class, *args, organisation, user, role, **kwargs):
        return membership_add(actor=None, organisation=organisation, user=user, role=role)


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    city = factory.SubFactory(CityFactory)
    user = factory.SubFactory(UserFactory)
    role = CityRole.Role.OFFICER

    @classmethod
    def _create(cls, model_class, *args, city, user, role, **kwargs):
        return city_role_grant(actor=None, city=city, user=user, role=role)


class SiteFactory(factory.django.DjangoModelFactory):
    """A site, located to the city's areas by the service (none outside them)."""

    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    label = factory.Sequence(lambda n: f"Sede {n}")
    lat = 45.4403
    lon = 9.2235

    @classmethod
    def _create(cls, model_class, *args, organisation, **fields):
        return site_add(actor=None, organisation=organisation, **fields)


def representative_of(organisation, **user_fields):
    """A new person who represents ``organisation``."""
    return MembershipFactory(organisation=organisation, representative=True, **_user(user_fields)).user


def member_of(organisation, **user_fields):
    return MembershipFactory(organisation=organisation, **_user(user_fields)).user


def with_role(city, role, **user_fields):
    """A new person holding ``role`` (admin, officer, volunteer) in ``city``."""
    return CityRoleFactory(city=city, role=role, **_user(user_fields)).user


def _user(fields):
    return {f"user__{key}": value for key, value in fields.items()}
