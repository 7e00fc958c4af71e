"""Pledges, made through the services: proposed against a published need's lines, then moved
along their lifecycle."""

import factory

from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.tests.factories import OrganisationFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import pledge_propose, pledge_transition


class PledgeFactory(factory.django.DjangoModelFactory):
    """A company's pledge of all of a published need's first line (€1,000 by default).

    ``items=[(line, quantity), ...]`` pledges other quantities; ``PledgeFactory(accepted=True)``
    has the officer's acceptance.
    """

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    need = factory.SubFactory(NeedFactory, published=True)
    organisation = factory.SubFactory(OrganisationFactory, city=factory.SelfAttribute("..need.city"))
    items = factory.LazyAttribute(lambda p: [(line, line.remaining) for line in p.need.lines.order_by("id")[:1]])
    is_public = True
    message = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return pledge_propose(actor=None, **kwargs)

    @factory.post_generation
    def accepted(pledge, create, extracted, **kwargs):
        if create and extracted:
            pledge_transition(actor=None, pledge=pledge, to=Pledge.State.ACCEPTED)
            pledge.refresh_from_db()
