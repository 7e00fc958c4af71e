"""Funds built through the services, as a test needs them."""

import datetime

from cities4csr.funds.models import Contribution
from cities4csr.funds.services import contribution_create, contribution_receive, fund_create, purpose_create

IBAN = "IT60X0542811101000000123456"


def a_fund(world, *, slug="milano-aiuta", title="Milano Aiuta", **fields):
    fields = {
        "purpose": "Mutual aid for the families hit by the emergency",
        "opens_on": datetime.date(2026, 3, 1),
        "iban": IBAN,
        "beneficiary": f"Comune di {world.city.name}",
        "governance_act": "Delibera di Giunta n. 90",
        "governance_act_on": datetime.date(2026, 3, 1),
        **fields,
    }
    return fund_create(actor=world.officer, city=world.city, slug=slug, title=title, **fields)


def a_gift(world, fund, cents, *, received=True, name="Maria Rossi", actor=None, **fields):
    """A citizen's bank transfer to ``fund`` (given by ``actor``: anonymous by default), received
    unless ``received`` is False."""
    fields = {"donor_kind": Contribution.DonorKind.CITIZEN, "donor_name": name, **fields}
    contribution = contribution_create(actor=actor, target=fund, amount_cents=cents, **fields)
    if received:
        contribution = contribution_receive(
            actor=None, contribution=contribution, received_on=datetime.date(2026, 4, 1)
        )
    return contribution


def a_purpose(world, code="families", name="Vulnerable families"):
    return purpose_create(actor=world.officer, city=world.city, code=code, name=name)
