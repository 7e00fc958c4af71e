"""Agreements and returns, made through the advisor's services (the Italian rule pack: the
pledge's city must be in Italy, as CityFactory's default is)."""

import factory

from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import Agreement, ReturnItem
from cities4csr.instruments.services import agreement_confirm, return_add
from cities4csr.pledges.tests.factories import PledgeFactory

#: the answers that make a money pledge with visibility in return a sponsorship (IT pack)
SPONSORSHIP = {
    "contribution_kind": "money",
    "return_expected": "visibility",
    "public_asset": "municipal_asset_used",
    "duration_months": 12,
    "counterpart": "company",
    "beneficiary": "municipality",
}


class AgreementFactory(factory.django.DjangoModelFactory):
    """A sponsorship confirmed for an accepted €1,000 pledge (below the notice threshold, so
    the pledge is agreed at once)."""

    class Meta:
        model = Agreement

    pledge = factory.SubFactory(PledgeFactory, accepted=True)
    answers = factory.LazyAttribute(lambda a: {**answers_from_pledge(a.pledge), **SPONSORSHIP})
    instrument = "sponsorship"
    on = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return agreement_confirm(actor=None, **kwargs)


class ReturnItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnItem

    agreement = factory.SubFactory(AgreementFactory)
    kind = ReturnItem.Kind.LOGO
    description = factory.Sequence(lambda n: f"Logo sul pannello {n}")
    value_cents = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return return_add(actor=None, **kwargs)
