"""The pledge's lifecycle on core.lifecycle: guards with codes, the effects on its need, and the
capacity given back exactly once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cities4csr.core.lifecycle import TransitionRepeated
from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition
from cities4csr.pledges.tests.test_pledges import PNG


def codes(exc: ValidationError) -> list[str]:
    errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    return sorted(e.code for group in errors for e in group)


@pytest.fixture
def need(world):
    return NeedFactory(city=world.city, owner=world.city_hall, published=True)


def pledge_of(world, need, quantity):
    return pledge_propose(
        actor=world.representative, need=need, organisation=world.company, items=[(need.lines.get(), quantity)]
    )


def delivered(world, pledge):
    if pledge.state == Pledge.State.PROPOSED:
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    return pledge


@pytest.mark.django_db
def test_refusals_carry_codes_and_write_nothing(world, need):
    pledge = pledge_of(world, need, 10_000)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as no_reason:
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.DECLINED)
    assert codes(no_reason.value) == ["reason_required"]
    with pytest.raises(ValidationError) as not_allowed:
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.VERIFIED)
    assert codes(not_allowed.value) == ["not_allowed"]
    with pytest.raises(PermissionDenied):
        pledge_transition(actor=world.other_representative, pledge=pledge, to=Pledge.State.WITHDRAWN)
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    with pytest.raises(ValidationError) as no_evidence:
        pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    assert codes(no_evidence.value) == ["no_evidence"]
    with pytest.raises(ValidationError) as no_agreement:
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.AGREED)
    assert codes(no_agreement.value) == ["agreement_open"]
    assert AuditEvent.objects.count() == events + 2  # the acceptance and the need's start only
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.ACCEPTED


@pytest.mark.django_db
def test_a_stale_copy_cannot_release_capacity_twice(world, need):
    pledge = pledge_of(world, need, 10_000)
    pledge_of(world, need, 30_000)
    stale = Pledge.objects.get(pk=pledge.pk)  # read before the first withdrawal, as a second tab would
    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.WITHDRAWN)
    with pytest.raises(TransitionRepeated):
        pledge_transition(actor=world.representative, pledge=stale, to=Pledge.State.WITHDRAWN)
    assert need.lines.get().committed == 30_000


@pytest.mark.django_db
def test_a_need_moves_with_its_pledges(world, need):
    first = pledge_of(world, need, 60_000)
    pledge_transition(actor=world.officer, pledge=first, to=Pledge.State.ACCEPTED)
    assert Need.objects.get(pk=need.pk).state == Need.State.IN_PROGRESS  # the first acceptance starts it
    second = pledge_of(world, need, 40_000)
    pledge_transition(actor=world.officer, pledge=delivered(world, first), to=Pledge.State.VERIFIED)
    assert Need.objects.get(pk=need.pk).state == Need.State.IN_PROGRESS  # the second is not verified yet
    pledge_transition(actor=world.officer, pledge=delivered(world, second), to=Pledge.State.VERIFIED)
    assert Need.objects.get(pk=need.pk).state == Need.State.DELIVERED  # covered, and all verified
    assert AuditEvent.objects.filter(verb="need.deliver", object_id=str(need.pk), actor=None).exists()


@pytest.mark.django_db
def test_a_partly_covered_need_stays_in_progress_when_its_pledge_is_verified(world, need):
    pledge = pledge_of(world, need, 50_000)
    pledge_transition(actor=world.officer, pledge=delivered(world, pledge), to=Pledge.State.VERIFIED)
    assert Need.objects.get(pk=need.pk).state == Need.State.IN_PROGRESS
