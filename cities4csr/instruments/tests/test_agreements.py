"""Confirming the advisor's instrument inside a pledge: the agreement, its checklist with
deadlines, the 30-day public notice that blocks "agreed", and the returns register."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cities4csr.core.models import AuditEvent
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import Agreement, ChecklistStep, ReturnItem
from cities4csr.instruments.selectors import returns_of_organisation
from cities4csr.instruments.services import (
    agreement_conclude,
    agreement_confirm,
    agreement_record_notice,
    return_add,
    step_done,
)
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import pledge_transition
from cities4csr.pledges.tests.factories import PledgeFactory

from .factories import SPONSORSHIP

DAY = date(2026, 11, 23)


@pytest.fixture
def accepted_pledge(world):
    """Make an accepted pledge of ``euros`` (money) from the world's company to a fresh need of
    the city hall."""

    def make(euros: int) -> Pledge:
        need = NeedFactory(
            city=world.city,
            owner=world.city_hall,
            title=f"Piazza aperta da {euros} euro",
            lines=[dict(kind="money", label="Arredi", quantity=euros * 100)],
            published=True,
        )
        return PledgeFactory(need=need, organisation=world.company, accepted=True)

    return make


@pytest.mark.django_db
def test_sponsorship_above_40k_cannot_be_agreed_before_its_notice_has_run(accepted_pledge, world):
    officer = world.officer
    pledge = accepted_pledge(60_000)
    answers = {**answers_from_pledge(pledge), **SPONSORSHIP}
    agreement = agreement_confirm(actor=officer, pledge=pledge, answers=answers, instrument="sponsorship", on=DAY)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACCEPTED  # the notice has not even been published
    notice = agreement.steps.get(code="public_notice")
    assert notice.blocks_agreement and notice.days == 30
    with pytest.raises(ValidationError, match="Publish the public notice"):
        agreement_conclude(actor=officer, agreement=agreement, on=DAY)

    agreement_record_notice(actor=officer, agreement=agreement, published_on=date(2026, 11, 24))
    agreement.refresh_from_db()
    assert agreement.notice_ends_on == date(2026, 12, 24)
    # negotiation follows the notice: its deadlines move with the publication date
    assert agreement.steps.get(code="requirements_check").due_on == date(2027, 1, 8)
    assert agreement.steps.get(code="negotiate").due_on == date(2027, 1, 23)
    for too_early in (date(2026, 11, 24), date(2026, 12, 23)):
        with pytest.raises(ValidationError, match="runs until 24 Dec 2026"):
            agreement_conclude(actor=officer, agreement=agreement, on=too_early)
        with pytest.raises(ValidationError, match="runs until 24 Dec 2026"):
            pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.AGREED, on=too_early)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACCEPTED

    agreement_conclude(actor=officer, agreement=agreement, on=date(2026, 12, 24))
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.AGREED and pledge.agreement.instrument == "sponsorship"
    assert agreement.steps.get(code="public_notice").done_on == date(2026, 12, 24)


@pytest.mark.django_db
def test_small_sponsorship_is_agreed_at_once_with_its_checklist(accepted_pledge, world):
    officer = world.officer
    pledge = accepted_pledge(10_000)
    answers = {**answers_from_pledge(pledge), **SPONSORSHIP}
    agreement = agreement_confirm(actor=officer, pledge=pledge, answers=answers, instrument="sponsorship", on=DAY)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.AGREED and pledge.agreement.instrument == "sponsorship"
    steps = list(agreement.steps.order_by("position"))
    assert [s.code for s in steps][:3] == ["local_publicity", "requirements_check", "negotiate"]
    assert steps[1].due_on == date(2026, 12, 8) and steps[2].due_on == date(2026, 12, 23)
    assert agreement.advice["rule"] == "IT-05" and agreement.pack_version and agreement.jurisdiction == "IT"
    assert agreement.answers["value_eur"] == 10_000
    assert AuditEvent.objects.filter(city=pledge.city, verb="agreement.confirm").exists()
    step_done(actor=officer, step=steps[1], on=DAY)
    assert ChecklistStep.objects.get(pk=steps[1].pk).done_on == DAY


@pytest.mark.django_db
def test_agreed_needs_the_advisor(accepted_pledge, world):
    pledge = accepted_pledge(5_000)
    with pytest.raises(ValidationError, match="advisor"):
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.AGREED)
    with pytest.raises(TypeError):  # no transition takes an instrument: only the agreement records it
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.AGREED, instrument="donation")


@pytest.mark.django_db
def test_wrong_instrument_incomplete_answers_or_wrong_person_write_nothing(accepted_pledge, world):
    officer = world.officer
    pledge = accepted_pledge(5_000)
    answers = {**answers_from_pledge(pledge), **SPONSORSHIP}
    with pytest.raises(ValidationError, match="recommended"):
        agreement_confirm(actor=officer, pledge=pledge, answers=answers, instrument="donation")
    with pytest.raises(ValidationError, match="more answers"):
        agreement_confirm(actor=officer, pledge=pledge, answers={"contribution_kind": "money"}, instrument="donation")
    with pytest.raises(PermissionDenied):
        agreement_confirm(actor=world.representative, pledge=pledge, answers=answers, instrument="sponsorship")
    with pytest.raises(ValidationError, match="exclusion"):
        agreement_confirm(
            actor=officer, pledge=pledge, answers={**answers, "giver_activities": ["weapons"]}, instrument="sponsorship"
        )
    assert not Agreement.objects.filter(city=pledge.city, pledge=pledge).exists()
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACCEPTED


@pytest.mark.django_db
def test_prefill_from_the_pledge_leaves_the_unknowable_out(accepted_pledge):
    pledge = accepted_pledge(5_000)
    answers = answers_from_pledge(pledge)
    assert answers == {
        "value_eur": 5000.0,
        "contribution_kind": "money",
        "counterpart": "company",
        "recipient": "city",
    }


@pytest.mark.django_db
def test_returns_register_is_published_on_the_company_page(accepted_pledge, world, client):
    officer = world.officer
    pledge = accepted_pledge(10_000)
    agreement = agreement_confirm(
        actor=officer, pledge=pledge, answers={**answers_from_pledge(pledge), **SPONSORSHIP}, instrument="sponsorship"
    )
    with pytest.raises(ValidationError):
        return_add(actor=officer, agreement=agreement, kind="logo", description="  ")
    with pytest.raises(ValidationError):
        return_add(
            actor=officer, agreement=agreement, kind="logo", description="x", starts_on=DAY, ends_on=date(2026, 1, 1)
        )
    return_add(
        actor=officer,
        agreement=agreement,
        kind=ReturnItem.Kind.NAMING,
        description="Piazza «Brera»",
        value_cents=90_000,
    )
    assert [r.description for r in returns_of_organisation(city=pledge.city, organisation=pledge.organisation)] == [
        "Piazza «Brera»"
    ]
    page = client.get(f"/en/{pledge.city.slug}/organisations/{pledge.organisation.pk}/")
    assert page.status_code == 200
    assert "Piazza «Brera»" in page.content.decode() or "Piazza &laquo;Brera&raquo;" in page.content.decode()


@pytest.mark.django_db
def test_the_demo_has_a_pledge_agreed_through_the_advisor(in_milano, client):
    agreement = Agreement.objects.filter(city=in_milano, pledge__state=Pledge.State.AGREED).get()
    assert agreement.instrument == "sponsorship" and agreement.steps.count() >= 3
    assert {d.format for d in agreement.drafts.all()} == {"docx", "pdf"}
    page = client.get(f"/it/milano/organisations/{agreement.pledge.organisation_id}/").content.decode()
    assert "Logo sul pannello del cantiere" in page
