"""A company's CSR profile and offers, made through the services."""

import factory

from cities4csr.needs.models import ResourceKind
from cities4csr.offers.models import CsrProfile, Offer
from cities4csr.offers.services import offer_create, profile_update
from cities4csr.organisations.tests.factories import OrganisationFactory


class CsrProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CsrProfile

    organisation = factory.SubFactory(OrganisationFactory)
    sdgs = ("4", "11")
    themes = ()
    preferred_areas = ()

    @classmethod
    def _create(cls, model_class, *args, organisation, **kwargs):
        return profile_update(actor=None, organisation=organisation, **kwargs)


class OfferFactory(factory.django.DjangoModelFactory):
    """€1,000 of money by default."""

    class Meta:
        model = Offer

    organisation = factory.SubFactory(OrganisationFactory)
    kind = ResourceKind.MONEY
    label = factory.Sequence(lambda n: f"Offerta {n}")
    quantity = 100_000

    @classmethod
    def _create(cls, model_class, *args, organisation, **kwargs):
        return offer_create(actor=None, organisation=organisation, **kwargs)
