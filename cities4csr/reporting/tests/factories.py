"""Test data of the reporting app's tests.

Result indicators and their updates are written by ``impact.services`` (another helper's work, in
progress when these tests were written): until those services exist these two functions make the
rows with the ORM, as little as a statement needs (an indicator of a need, an approved value).
Replace them with ``impact.services`` calls once they exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cities4csr.impact.models import IndicatorUpdate, ResultIndicator
from cities4csr.ledger.models import Account, Motivation, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, group_post
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def indicator_of(need, *, name="Pupils reached", unit="pupils", baseline=0, target=100, counts_people=True):
    return ResultIndicator.objects.create(
        city=need.city,
        need=need,
        name=name,
        unit=unit,
        baseline=Decimal(baseline),
        baseline_on=datetime.date(2026, 1, 1),
        target=Decimal(target),
        target_on=datetime.date(2027, 6, 30),
        counts_people=counts_people,
    )


def update_of(indicator, *, value, on, state=IndicatorUpdate.State.APPROVED, evidence_url=""):
    return IndicatorUpdate.objects.create(
        city=indicator.city,
        indicator=indicator,
        value=Decimal(value),
        measured_on=on,
        state=state,
        evidence_url=evidence_url,
        submitted_at=timezone.now(),
        decided_at=timezone.now() if state == IndicatorUpdate.State.APPROVED else None,
    )


def verified_pledge(world, need, items):
    """A pledge of ``world.company`` to ``need`` (``items``: [(line, quantity)]) taken to verified:
    its movements are in the ledger."""
    pledge = pledge_propose(actor=world.representative, need=need, organisation=world.company, items=items)
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    return pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.VERIFIED)


def given(
    world,
    *,
    cents,
    kind=ResourceKind.MONEY,
    on,
    need=None,
    themes="",
    area="",
    quantity=0,
    unit="",
    motivation=Motivation.CHARITABLE_GIFT,
    organisation=None,
):
    """A movement from the company to a need (or a recipient: the third-sector body) written
    straight through the ledger's service, as a pledge's or an hour's verification would."""
    organisation = organisation or world.company
    receiver = (
        Leg(Account.Kind.NEED, need.pk, cents, quantity, unit, need.title)
        if need is not None
        else Leg(Account.Kind.RECIPIENT, world.third_sector.pk, cents, quantity, unit, world.third_sector.name)
    )
    return group_post(
        actor=None,
        city=world.city,
        legs=[Leg(Account.Kind.GIVER, organisation.pk, -cents, -quantity, unit, organisation.name), receiver],
        source=Source.PLEDGE if kind != ResourceKind.VOLUNTEER_TIME else Source.VOLUNTEERING,
        resource_kind=kind,
        motivation=motivation,
        valuation=Valuation.FACE_VALUE if kind == ResourceKind.MONEY else Valuation.COST,
        effective_on=on,
        themes=themes,
        area_code=area,
    )
