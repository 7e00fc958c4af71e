"""The action plan, themes, needs and their resource lines, made through the services."""

import factory

from cities4csr.needs.models import Action, Need, ResourceKind, ResourceLine, Theme
from cities4csr.needs.services import action_upsert, line_add, need_create, need_transition, themes_ensure_defaults
from cities4csr.organisations.tests.factories import OrganisationFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    city = factory.SubFactory("cities4csr.cities.tests.factories.CityFactory")
    number = factory.Sequence(lambda n: n + 1)
    titles = factory.LazyAttribute(lambda a: {"it": f"Azione {a.number}", "en": f"Action {a.number}"})
    target_areas = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return action_upsert(actor=None, **kwargs)


class ThemeFactory(factory.django.DjangoModelFactory):
    """One of the default themes of the city (``key``), created with the others by the service."""

    class Meta:
        model = Theme

    city = factory.SubFactory("cities4csr.cities.tests.factories.CityFactory")
    key = "education"

    @classmethod
    def _create(cls, model_class, *args, city, key, **kwargs):
        return next(t for t in themes_ensure_defaults(actor=None, city=city) if t.key == key)


class NeedFactory(factory.django.DjangoModelFactory):
    """A draft need owned by a public body of its city, without lines.

    ``NeedFactory(published=True)`` adds a €1,000 money line when none is given and publishes
    it; ``NeedFactory(lines=[dict(kind=..., label=..., quantity=...), ...])`` adds lines first.
    """

    class Meta:
        model = Need
        skip_postgeneration_save = True

    city = factory.SubFactory("cities4csr.cities.tests.factories.CityFactory")
    owner = factory.SubFactory(OrganisationFactory, city=factory.SelfAttribute("..city"), public_body=True)
    title = factory.Sequence(lambda n: f"Bisogno {n}")
    description = "Made by a factory."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return need_create(actor=None, **kwargs)

    @factory.post_generation
    def lines(need, create, extracted, **kwargs):
        for line in extracted or ():
            line_add(actor=None, need=need, **line)

    @factory.post_generation
    def published(need, create, extracted, **kwargs):
        if create and extracted:
            if not need.lines.exists():
                line_add(actor=None, need=need, kind=ResourceKind.MONEY, label="Contributo", quantity=100_000)
            need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
            need.refresh_from_db()


class ResourceLineFactory(factory.django.DjangoModelFactory):
    """A money line of €1,000 by default; other kinds need ``value_cents``."""

    class Meta:
        model = ResourceLine

    need = factory.SubFactory(NeedFactory)
    kind = ResourceKind.MONEY
    label = factory.Sequence(lambda n: f"Riga {n}")
    quantity = 100_000

    @classmethod
    def _create(cls, model_class, *args, need, **kwargs):
        line = line_add(actor=None, need=need, **kwargs)
        need.refresh_from_db()
        return line
