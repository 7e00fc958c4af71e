"""Recommendations and collective actions, made through the matching services."""

import factory

from cities4csr.matching.models import CollectiveAction, MatchRun
from cities4csr.matching.services import collective_action_launch, recommendations_recompute


class MatchRunFactory(factory.django.DjangoModelFactory):
    """The city's recommendations, recomputed as the background task does."""

    class Meta:
        model = MatchRun

    city = factory.SubFactory("cities4csr.cities.tests.factories.CityFactory")

    @classmethod
    def _create(cls, model_class, *args, city, **kwargs):
        return recommendations_recompute(city=city, **kwargs)


class CollectiveActionFactory(factory.django.DjangoModelFactory):
    """Invitations to the companies whose offers the pooling proposal draws on. The need must be
    open and the city's recommendations must know companies with offers that fit it."""

    class Meta:
        model = CollectiveAction

    need = factory.SubFactory("cities4csr.needs.tests.factories.NeedFactory", published=True)

    @classmethod
    def _create(cls, model_class, *args, need, **kwargs):
        recommendations_recompute(city=need.city)
        return collective_action_launch(actor=None, need=need)
