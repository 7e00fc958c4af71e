"""A person with a trail in a city: a representative of a company (beside its first one) who
pledged, delivered with evidence, added a colleague, consented to be shown, and whom an officer
mentioned in a decline reason. Their e-mail address and name are unusual enough that a search of
the whole database finds only them."""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import IntegerField, Sum
from django_scopes import scope

from cities4csr.accounts.models import Consent
from cities4csr.accounts.services import consent_give
from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.funds.tests.factories import a_fund, a_gift
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.models import Membership
from cities4csr.organisations.services import membership_add
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition
from cities4csr.pledges.tests.test_pledges import PNG

EMAIL = "ginevra.testaccio@example.org"
NAME = "Ginevra Testaccio"
COLLEAGUE_EMAIL = "ottavio.collega@example.org"


@dataclass
class Person:
    user: object
    colleague: object
    pledge: object
    declined: object
    need: object


@pytest.fixture
def person(world):
    user = UserFactory(email=EMAIL, first_name="Ginevra", last_name="Testaccio")
    membership_add(actor=None, organisation=world.company, user=user, role=Membership.Role.REPRESENTATIVE)
    colleague = UserFactory(email=COLLEAGUE_EMAIL, first_name="Ottavio", last_name="Collega")
    membership_add(actor=user, organisation=world.company, user=colleague)  # she adds a colleague
    need = NeedFactory(city=world.city, published=True)
    line = need.lines.get()
    pledge = pledge_propose(
        actor=user,
        need=need,
        organisation=world.company,
        items=[(line, 40_000)],
        message=f"Per informazioni: {NAME}, {EMAIL}",
    )
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(
        actor=user, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG), description=f"Foto di {NAME}"
    )
    pledge_transition(actor=user, pledge=pledge, to=Pledge.State.DELIVERED)
    declined = pledge_propose(actor=user, need=need, organisation=world.company, items=[(line, 10_000)])
    pledge_transition(
        actor=world.officer, pledge=declined, to=Pledge.State.DECLINED, reason=f"Sentito {NAME} al telefono"
    )
    consent_give(actor=user, user=user, city=world.city, purpose=Consent.Purpose.PUBLIC_NAME)
    # she gives to a city fund in her own name, with her tax code and address for the receipt
    with scope(city=world.city.pk):
        a_gift(
            world,
            a_fund(world),
            2_000,
            actor=user,
            name=NAME,
            donor_email=EMAIL,
            donor_tax_id=TAX_ID,
            donor_address="Via Testaccio 3, Milano",
            name_public=True,
        )
    return Person(user=user, colleague=colleague, pledge=pledge, declined=declined, need=need)


TAX_ID = "TSTGNV80A41F205X"


def text_hits(*needles: str) -> list[str]:
    """Every (table, column) of the database whose text holds one of ``needles``, found with the
    database's own catalogue, whatever the models say: every column of every table, cast to text."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608 - catalogue names
                        f"WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        hits.append(f"{table}.{column.name}: {needle}")
    return hits


def ledger_snapshot() -> dict:
    """Row counts of every model and the sum of every amount and quantity column: what the
    city's figures are made of."""
    figures = {}
    for model in apps.get_models():
        if model._meta.proxy or model._meta.label_lower == "sessions.session":
            continue  # a login is not a figure of the city
        manager = model._base_manager
        figures[f"{model._meta.label_lower}:rows"] = manager.count()
        for field in model._meta.concrete_fields:
            if isinstance(field, IntegerField) and (
                field.name.endswith("_cents") or field.name in ("quantity", "committed", "volunteer_hours")
            ):
                figures[f"{model._meta.label_lower}.{field.name}"] = manager.aggregate(s=Sum(field.name))["s"]
    return figures
