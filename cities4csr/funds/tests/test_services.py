"""City funds on the ledger (ADR 0027): a contribution is pending until its money is seen, then a
movement from the giver to the fund; refunds, whole or in part, reverse it and never exceed what
was received; an award is approved only within what the fund has available (its balance less what
other approved awards reserve) and its disbursements move money from the fund to the recipient."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope
from stdnum import iso11649

from cities4csr.core.models import AuditEvent
from cities4csr.funds.models import Award, Contribution
from cities4csr.funds.selectors import fund_figures
from cities4csr.funds.services import (
    award_propose,
    award_transition,
    contribution_cancel,
    contribution_create,
    contribution_receive,
    contribution_record,
    contribution_refund,
    disbursement_record,
    earmark_create,
    fund_create,
)
from cities4csr.funds.tests.factories import IBAN, a_fund, a_gift, a_purpose
from cities4csr.ledger.models import Account, Posting, PostingGroup, ReasonCode, Source
from cities4csr.ledger.selectors import ledger_chain_verify

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 4)


@pytest.fixture
def city(world):
    with scope(city=world.city.pk):
        yield world


def figures(fund):
    fund.account.refresh_from_db()
    return fund_figures(fund=fund)


def an_award(world, fund, cents, **fields):
    fields = {"organisation": world.third_sector, **fields}
    award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=fields.pop("purpose", None) or a_purpose(world, code=f"p{cents}"),
        description="Shopping vouchers for families in NIL 35",
        act_number="DG 412/2026",
        act_on=DAY,
        amount_cents=cents,
        **fields,
    )
    return award


def test_a_pending_contribution_has_a_valid_rf_reference_and_moves_nothing(city):
    fund = a_fund(city)
    gift = a_gift(city, fund, 2_000, received=False)
    assert gift.state == Contribution.State.PENDING
    assert iso11649.is_valid(gift.reference) and gift.reference.startswith("RF")
    other = a_gift(city, fund, 2_000, received=False)
    assert other.reference != gift.reference
    assert figures(fund)["balance_cents"] == 0
    assert not PostingGroup.objects.filter(city=city.city).exists()


def test_receiving_writes_one_movement_from_the_donors_without_an_account_to_the_fund(city):
    fund = a_fund(city)
    gift = a_gift(city, fund, 2_000)
    assert gift.state == Contribution.State.RECEIVED and gift.received_cents == 2_000
    legs = {
        (p.account.kind, p.amount_cents) for p in Posting.objects.filter(group=gift.group).select_related("account")
    }
    assert legs == {(Account.Kind.PUBLIC, -2_000), (Account.Kind.FUND, 2_000)}
    # the donor's name is not in the hash chain: erasing a person never touches a hashed row
    assert "Maria" not in str(list(PostingGroup.objects.values()) + list(Account.objects.values()))
    again = contribution_receive(actor=None, contribution=gift)
    assert again.group_id == gift.group_id
    assert PostingGroup.objects.filter(city=city.city).count() == 1
    assert figures(fund)["balance_cents"] == 2_000


def test_a_company_gives_from_its_own_ledger_account(city):
    fund = a_fund(city)
    gift = contribution_create(
        actor=city.representative,
        target=fund,
        amount_cents=50_000,
        donor_kind=Contribution.DonorKind.COMPANY,
        donor_name=city.company.name,
        organisation=city.company,
    )
    contribution_receive(actor=None, contribution=gift)
    giver = Account.objects.get(kind=Account.Kind.GIVER, ref_id=city.company.pk)
    assert giver.balance_cents == -50_000


def test_only_its_representative_gives_in_an_organisations_name(city):
    fund = a_fund(city)
    with pytest.raises(ValidationError) as refused:
        contribution_create(
            actor=city.other_representative,
            target=fund,
            amount_cents=1_000,
            donor_kind=Contribution.DonorKind.COMPANY,
            donor_name="x",
            organisation=city.company,
        )
    assert "organisation" in refused.value.message_dict
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("cents", [0, -5, 10**15, "12", 1.5])
def test_a_bad_amount_is_refused_and_nothing_is_written(city, cents):
    fund = a_fund(city)
    with pytest.raises(ValidationError) as refused:
        a_gift(city, fund, cents, received=False)
    assert "amount_cents" in refused.value.message_dict
    assert not Contribution.objects.exists()


def test_the_same_idempotency_key_makes_one_contribution(city):
    fund = a_fund(city)
    first = a_gift(city, fund, 1_000, received=False, idempotency_key="form-123")
    second = a_gift(city, fund, 1_000, received=False, idempotency_key="form-123")
    assert first.pk == second.pk and Contribution.objects.count() == 1


def test_a_closed_fund_takes_no_new_gift_but_an_officer_records_a_late_one(city):
    fund = a_fund(city)
    from cities4csr.funds.services import fund_transition

    fund_transition(actor=city.officer, fund=fund, to="closed")
    with pytest.raises(ValidationError):
        a_gift(city, fund, 1_000, received=False)
    late = contribution_record(
        actor=city.officer,
        target=fund,
        amount_cents=3_000,
        received_on=DAY,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Giovanni Bianchi",
    )
    assert late.state == Contribution.State.RECEIVED and late.channel == Contribution.Channel.OFFLINE


def test_only_an_officer_records_an_offline_contribution(city):
    fund = a_fund(city)
    with pytest.raises(PermissionDenied):
        contribution_record(
            actor=city.representative,
            target=fund,
            amount_cents=3_000,
            received_on=DAY,
            donor_kind=Contribution.DonorKind.CITIZEN,
            donor_name="x",
        )


def test_partial_then_full_refund_reverse_the_movement_and_never_more(city):
    fund = a_fund(city)
    gift = a_gift(city, fund, 10_000)
    gift = contribution_refund(actor=city.officer, contribution=gift, amount_cents=2_500, reason="Sent twice")
    assert gift.state == Contribution.State.PARTLY_REFUNDED and gift.refunded_cents == 2_500
    assert figures(fund)["balance_cents"] == 7_500
    gift = contribution_refund(actor=city.officer, contribution=gift, amount_cents=1_500, reason="Asked back")
    assert gift.state == Contribution.State.PARTLY_REFUNDED and figures(fund)["balance_cents"] == 6_000
    with pytest.raises(ValidationError) as refused:
        contribution_refund(actor=city.officer, contribution=gift, amount_cents=6_001, reason="Too much")
    assert "amount_cents" in refused.value.message_dict
    gift = contribution_refund(actor=city.officer, contribution=gift, amount_cents=6_000, reason="All back")
    assert gift.state == Contribution.State.REFUNDED
    reversals = PostingGroup.objects.filter(reverses=gift.group).order_by("seq")
    assert [r.source for r in reversals] == [Source.REFUND] * 3
    assert {r.reason_code for r in reversals} == {ReasonCode.REFUND}
    assert figures(fund)["balance_cents"] == 0
    # the running balance of each posting of the fund
    runs = list(
        Posting.objects.filter(account=fund.account)
        .order_by("group__seq")
        .values_list("balance_after_cents", flat=True)
    )
    assert runs == [10_000, 7_500, 6_000, 0]
    assert ledger_chain_verify(city=city.city).ok
    verbs = set(AuditEvent.objects.filter(city=city.city).values_list("verb", flat=True))
    assert {"contribution.refund_part", "contribution.refund"} <= verbs


def test_a_refund_with_the_providers_id_happens_once(city):
    fund = a_fund(city)
    gift = a_gift(city, fund, 4_000)
    for _ in range(3):
        gift = contribution_refund(actor=None, contribution=gift, amount_cents=1_000, reason="card", refund_ref="re_1")
    assert gift.refunded_cents == 1_000
    assert PostingGroup.objects.filter(reverses=gift.group).count() == 1


def test_a_pending_contribution_is_cancelled_by_its_donor_not_refunded(city):
    fund = a_fund(city)
    gift = contribution_create(
        actor=city.resident,
        target=fund,
        amount_cents=1_000,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Resident",
    )
    with pytest.raises(ValidationError):
        contribution_refund(actor=city.officer, contribution=gift, amount_cents=1_000, reason="x")
    with pytest.raises(PermissionDenied):
        contribution_cancel(actor=city.other_representative, contribution=gift)
    assert contribution_cancel(actor=city.resident, contribution=gift).state == Contribution.State.CANCELLED


def test_an_award_is_approved_only_within_the_available_balance(city):
    fund = a_fund(city)
    a_gift(city, fund, 10_000)
    first = award_transition(actor=city.officer, award=an_award(city, fund, 6_000), to=Award.State.APPROVED)
    assert figures(fund) == {"balance_cents": 10_000, "reserved_cents": 6_000, "available_cents": 4_000}
    second = an_award(city, fund, 4_001)
    with pytest.raises(ValidationError) as refused:
        award_transition(actor=city.officer, award=second, to=Award.State.APPROVED)
    assert refused.value.code == "over_available"
    assert "40.00" in refused.value.messages[0] and "40.01" in refused.value.messages[0]
    second.refresh_from_db()
    assert second.state == Award.State.PROPOSED
    award_transition(actor=city.officer, award=first, to=Award.State.CANCELLED, reason="Act revoked")
    assert award_transition(actor=city.officer, award=second, to=Award.State.APPROVED).state == Award.State.APPROVED


def test_a_refund_cannot_spend_what_approved_awards_reserve(city):
    fund = a_fund(city)
    gift = a_gift(city, fund, 10_000)
    award_transition(actor=city.officer, award=an_award(city, fund, 8_000), to=Award.State.APPROVED)
    with pytest.raises(ValidationError) as refused:
        contribution_refund(actor=city.officer, contribution=gift, amount_cents=2_001, reason="Asked back")
    assert refused.value.code == "insufficient_balance"
    gift.refresh_from_db()
    assert gift.refunded_cents == 0 and figures(fund)["balance_cents"] == 10_000


def test_disbursements_pay_an_award_out_to_its_recipient(city):
    fund = a_fund(city)
    a_gift(city, fund, 10_000)
    award = award_transition(actor=city.officer, award=an_award(city, fund, 7_000), to=Award.State.APPROVED)
    disbursement_record(actor=city.officer, award=award, amount_cents=3_000, paid_on=DAY)
    assert figures(fund) == {"balance_cents": 7_000, "reserved_cents": 4_000, "available_cents": 3_000}
    with pytest.raises(ValidationError) as refused:
        disbursement_record(actor=city.officer, award=award, amount_cents=4_001, paid_on=DAY)
    assert "amount_cents" in refused.value.message_dict
    disbursement_record(actor=city.officer, award=award, amount_cents=4_000, paid_on=DAY)
    award.refresh_from_db()
    assert award.state == Award.State.PAID and award.disbursed_cents == 7_000
    recipient = Account.objects.get(kind=Account.Kind.RECIPIENT, ref_id=city.third_sector.pk)
    assert recipient.balance_cents == 7_000
    assert figures(fund) == {"balance_cents": 3_000, "reserved_cents": 0, "available_cents": 3_000}
    assert ledger_chain_verify(city=city.city).ok


def test_a_disbursement_to_a_need_is_counted_in_the_need_s_neighbourhood(city):
    """Money a fund pays to a need reaches the need's NIL on the ledger (the equity lens reads it
    there); money paid to an organisation stays city-wide."""
    from cities4csr.cities.tests.factories import CORVETTO
    from cities4csr.needs.tests.factories import NeedFactory

    need = NeedFactory(city=city.city, owner=city.city_hall, lat=CORVETTO[0], lon=CORVETTO[1], published=True)
    assert need.area.code == "35"
    fund = a_fund(city)
    a_gift(city, fund, 10_000)
    to_need = award_transition(
        actor=city.officer, award=an_award(city, fund, 4_000, organisation=None, need=need), to=Award.State.APPROVED
    )
    to_body = award_transition(actor=city.officer, award=an_award(city, fund, 1_000), to=Award.State.APPROVED)
    paid = disbursement_record(actor=city.officer, award=to_need, amount_cents=4_000, paid_on=DAY)
    other = disbursement_record(actor=city.officer, award=to_body, amount_cents=1_000, paid_on=DAY)
    assert paid.group.area_code == "35"
    assert other.group.area_code == ""


def test_an_award_goes_to_one_recipient_and_only_an_officer_proposes_it(city):
    fund = a_fund(city)
    with pytest.raises(ValidationError):
        an_award(city, fund, 1_000, organisation=None)
    with pytest.raises(PermissionDenied):
        award_propose(
            actor=city.representative,
            fund=fund,
            purpose=a_purpose(city),
            description="x",
            act_number="1",
            act_on=DAY,
            amount_cents=1_000,
            organisation=city.third_sector,
        )


def test_a_fund_needs_a_valid_iban_and_an_officer(city):
    with pytest.raises(ValidationError) as refused:
        a_fund(city, iban="IT60X0542811101000000123457")
    assert "iban" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        fund_create(
            actor=city.representative,
            city=city.city,
            slug="x",
            title="x",
            purpose="x",
            opens_on=DAY,
            iban=IBAN,
            beneficiary="x",
        )


def test_an_earmark_belongs_to_its_fund(city):
    fund = a_fund(city)
    other = a_fund(city, slug="altro", title="Altro fondo")
    nurseries = earmark_create(actor=city.officer, fund=other, title="Nurseries")
    with pytest.raises(ValidationError) as refused:
        a_gift(city, fund, 1_000, received=False, earmark=nurseries)
    assert "earmark" in refused.value.message_dict


def test_the_demo_holds_milano_aiuta_with_its_gifts_awards_and_a_verified_chain(milano):
    from cities4csr.funds.models import Fund

    with scope(city=milano.pk):
        fund = Fund.objects.get(slug="milano-aiuta")
        states = set(Award.objects.filter(fund=fund).values_list("state", flat=True))
        assert states == {Award.State.PROPOSED, Award.State.APPROVED, Award.State.PAID}
        kinds = set(Contribution.objects.filter(target=fund.account).values_list("donor_kind", flat=True))
        assert {"citizen", "company", "association", "foundation"} <= kinds
        assert Contribution.objects.filter(target=fund.account, state="pending").exists()
        assert fund_figures(fund=fund)["available_cents"] > 0
    assert ledger_chain_verify(city=milano).ok
