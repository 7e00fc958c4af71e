"""Writes of city funds (ADR 0027): set up a fund, take a contribution and receive or refund it,
award money under the fund's available balance, pay awards out. Every cent moves as a movement
of the contributions ledger; these services check who acts, keep the rows that say who and why,
and audit."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as iban_check
from stdnum import iso11649

from cities4csr.core.lifecycle import TransitionRepeated, effect, guard, transition_apply
from cities4csr.core.money import MAX_CENTS, active_locale, money_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.core.uploads import upload_clean
from cities4csr.ledger.models import Account, Motivation, ReasonCode, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, account_open, floor_register, group_post, group_reverse, ledger_lock
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .models import Award, Contribution, Disbursement, Earmark, Fund, PurposeCategory

MAX_FILE_BYTES = 10 * 1024 * 1024


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _amount_check(amount_cents, field: str = "amount_cents") -> int:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise _invalid(field, _("Give an amount."), "invalid")
    if amount_cents <= 0:
        raise _invalid(field, _("The amount must be above zero."), "not_positive")
    if amount_cents > MAX_CENTS:
        raise _invalid(field, _("The amount is too large."), "too_large")
    return amount_cents


def iban_clean(value: str) -> str:
    """The IBAN without spaces, upper case, once its check digits hold."""
    try:
        return iban_check.validate(value or "")
    except Exception as error:  # stdnum's ValidationError family
        raise _invalid("iban", _("This is not a valid IBAN."), "invalid_iban") from error


# --- funds -----------------------------------------------------------------------------------


FUND_FIELDS = (
    "title",
    "purpose",
    "translations",
    "governance_act",
    "governance_act_on",
    "opens_on",
    "closes_on",
    "iban",
    "bic",
    "beneficiary",
    "target_cents",
)


def _fund_check(fund: Fund) -> None:
    fund.iban = iban_clean(fund.iban)
    fund.bic = (fund.bic or "").replace(" ", "").upper()
    if fund.target_cents is not None:
        _amount_check(fund.target_cents, "target_cents")
    fund.full_clean(exclude=["account", "city"])


def fund_create(*, actor, city, slug: str, **fields) -> Fund:
    """Open a fund of ``city`` with its own ledger account."""
    require(actor, "funds.add_fund", city)
    unknown = set(fields) - set(FUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fund fields: {sorted(unknown)}")
    fund = Fund(city=city, slug=slug, created_by=person(actor), **fields)
    _fund_check(fund)
    if Fund.objects.with_scopes_disabled().filter(city=city, slug=slug).exists():
        raise _invalid("slug", _("This city already has a fund with this short name."), "slug_taken")
    with transaction.atomic():
        fund.save()
        fund.account = account_open(city=city, kind=Account.Kind.FUND, ref_id=fund.pk, label=fund.title)
        fund.save(update_fields=["account"])
        audit_log(actor=actor, city=city, verb="fund.create", obj=fund, payload={"title": fund.title})
    return fund


def fund_update(*, actor, fund: Fund, **fields) -> Fund:
    """Correct a fund's description, dates or bank details (its money is the ledger's)."""
    require(actor, "funds.change_fund", fund)
    unknown = set(fields) - set(FUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fund fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Fund.objects.select_for_update(of=("self",)).get(pk=fund.pk)
        before = {name: str(getattr(locked, name)) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        _fund_check(locked)
        locked.save()
        changed = {
            name: [before[name], str(getattr(locked, name))]
            for name in fields
            if before[name] != str(getattr(locked, name))
        }
        audit_log(actor=actor, city=fund.city, verb="fund.update", obj=locked, payload={"changed": changed})
    return locked


def fund_transition(*, actor, fund: Fund, to: str, reason: str = "") -> Fund:
    return transition_apply(actor=actor, obj=fund, to=to, reason=reason)


def purpose_create(*, actor, city, code: str, name: str, translations: dict | None = None) -> PurposeCategory:
    require(actor, "funds.add_fund", city)
    purpose = PurposeCategory(city=city, code=code, name=name, translations=translations or {})
    purpose.full_clean(exclude=["city"])
    if PurposeCategory.objects.with_scopes_disabled().filter(city=city, code=code).exists():
        raise _invalid("code", _("This city already has a purpose with this code."), "code_taken")
    with transaction.atomic():
        purpose.save()
        audit_log(actor=actor, city=city, verb="purpose.create", obj=purpose, payload={"code": code})
    return purpose


def earmark_create(*, actor, fund: Fund, title: str, translations: dict | None = None, purpose=None) -> Earmark:
    require(actor, "funds.change_fund", fund)
    earmark = Earmark(city=fund.city, fund=fund, title=title, translations=translations or {}, purpose=purpose)
    earmark.full_clean(exclude=["city", "fund"])
    with transaction.atomic():
        earmark.save()
        audit_log(actor=actor, city=fund.city, verb="earmark.create", obj=fund, payload={"earmark": earmark.pk})
    return earmark


@floor_register(Account.Kind.FUND)
def _pending_awards(account: Account) -> int:
    """A fund never spends the money its approved awards still reserve."""
    return awards_pending_cents(account=account)


def awards_pending_cents(*, account: Account, excluding: Award | None = None) -> int:
    awards = Award.objects.with_scopes_disabled().filter(fund__account=account, state=Award.State.APPROVED)
    if excluding is not None:
        awards = awards.exclude(pk=excluding.pk)
    total = awards.aggregate(total=Sum(F("amount_cents") - F("disbursed_cents")))["total"]
    return total or 0


# --- contributions ---------------------------------------------------------------------------


def contribution_reference(*, city, number: int) -> str:
    """The ISO 11649 structured creditor reference ("RF…") a transfer quotes: the city's id and
    the contribution's, so each transfer names its contribution."""
    body = f"C{city.pk}N{number}"
    return iso11649.format(_with_check_digits(body)).replace(" ", "")


def _with_check_digits(body: str) -> str:
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def _target_of(target) -> Account:
    """The ledger account a contribution goes to: a fund's or a campaign's."""
    account = getattr(target, "account", target)
    if not isinstance(account, Account) or account.kind not in Account.HOLDING:
        raise TypeError("a contribution goes to a fund or a campaign")
    return account


CHANNEL_PREPARE: dict[str, object] = {}


def channel_register(channel: str):
    """Register ``fn(contribution)`` that a new contribution of ``channel`` runs in its
    transaction (pagoPA gives it its notice code)."""

    def register(fn):
        CHANNEL_PREPARE[channel] = fn
        return fn

    return register


def contribution_create(
    *,
    actor,
    target,
    amount_cents: int,
    donor_kind: str,
    donor_name: str,
    channel: str = Contribution.Channel.BANK_TRANSFER,
    donor_email: str = "",
    donor_tax_id: str = "",
    donor_address: str = "",
    name_public: bool = False,
    organisation=None,
    earmark: Earmark | None = None,
    motivation: str = Motivation.CHARITABLE_GIFT,
    note: str = "",
    idempotency_key: str = "",
) -> Contribution:
    """A gift announced to a fund or a campaign (``target``), waiting for its payment. Anyone may
    give to an open fund, without an account; their name is public only if they agree. A gift
    in an organisation's name is made by its representative. The same ``idempotency_key`` (a
    form posted twice) returns the first contribution."""
    account = _target_of(target)
    city = account.city
    _amount_check(amount_cents)
    if channel == Contribution.Channel.OFFLINE:
        require(actor, "funds.record_contribution", city)
    if (
        organisation is not None
        and actor is not None
        and not (is_org_representative(actor, organisation) or is_city_officer(actor, city))
    ):
        raise _invalid("organisation", _("Only its representatives give in an organisation's name."), "not_yours")
    if earmark is not None and (account.kind != Account.Kind.FUND or earmark.fund.account_id != account.pk):
        raise _invalid("earmark", _("Choose a purpose of this fund."), "wrong_earmark")
    if actor is not None and actor.is_authenticated and not donor_email:
        donor_email = actor.email
    idempotency_key = (idempotency_key or "").strip()[:64]
    contribution = Contribution(
        city=city,
        target=account,
        earmark=earmark,
        donor_kind=donor_kind,
        organisation=organisation,
        user=person(actor),
        donor_name=(donor_name or "").strip(),
        donor_email=donor_email,
        donor_tax_id=(donor_tax_id or "").strip().upper(),
        donor_address=donor_address,
        name_public=name_public,
        motivation=motivation,
        amount_cents=amount_cents,
        channel=channel,
        note=note,
        idempotency_key=idempotency_key,
        created_by=person(actor),
        reference="-",
    )
    contribution.full_clean(exclude=["city", "target", "reference", "organisation", "earmark", "user"])
    with transaction.atomic():
        if idempotency_key:
            repeated = Contribution.objects.with_scopes_disabled().filter(city=city, idempotency_key=idempotency_key)
            if repeated.exists():
                return repeated.get()
        fund = Fund.objects.with_scopes_disabled().filter(account=account).first()
        if fund is not None and fund.state != Fund.State.OPEN and channel != Contribution.Channel.OFFLINE:
            raise ValidationError(_("This fund is closed to new contributions."), code="fund_closed")
        contribution.reference = f"-{secrets.token_hex(8)}"
        contribution.save()
        contribution.reference = contribution_reference(city=city, number=contribution.pk)
        contribution.save(update_fields=["reference"])
        prepare = CHANNEL_PREPARE.get(channel)
        if prepare is not None:
            prepare(contribution)
        audit_log(
            actor=actor,
            city=city,
            verb="contribution.create",
            obj=contribution,
            payload={
                "amount_cents": amount_cents,
                "channel": channel,
                "target": account.pk,
                "reference": contribution.reference,
            },
        )
    return contribution


def contribution_receive(
    *,
    actor,
    contribution: Contribution,
    received_cents: int | None = None,
    received_on: datetime.date | None = None,
    entry_ref: str = "",
) -> Contribution:
    """The money of a pending contribution has arrived (a bank line, a pagoPA report, a card
    payment, an officer's record): write its ledger movement, from the giver to the fund or
    campaign. Receiving it again (a re-sent webhook) changes nothing and returns it."""
    received_cents = _amount_check(
        contribution.amount_cents if received_cents is None else received_cents, "received_cents"
    )
    try:
        return transition_apply(
            actor=actor,
            obj=contribution,
            to=Contribution.State.RECEIVED,
            received_cents=received_cents,
            received_on=received_on or timezone.localdate(),
            entry_ref=entry_ref,
        )
    except TransitionRepeated:
        contribution.refresh_from_db()
        return contribution


@guard("funds.contribution", to=Contribution.State.RECEIVED)
def _received_in_full(contribution: Contribution, transition, context) -> None:
    contribution.received_cents = context["received_cents"]
    contribution.received_on = context["received_on"]


def giver_leg(contribution: Contribution, amount_cents: int) -> Leg:
    """The giver's side of a contribution's movement: its organisation's account, or the city's
    account of donors without one (who they are stays in the contribution, ADR 0027)."""
    if contribution.organisation_id:
        return Leg(
            Account.Kind.GIVER, contribution.organisation_id, -amount_cents, label=contribution.organisation.name
        )
    return Leg(Account.Kind.PUBLIC, 0, -amount_cents, label="")


@effect("funds.contribution", to=Contribution.State.RECEIVED)
def _post_received(actor, contribution: Contribution, transition, context) -> None:
    target = contribution.target
    group = group_post(
        actor=actor,
        city=contribution.city,
        legs=[
            giver_leg(contribution, contribution.received_cents),
            Leg(target.kind, target.ref_id, contribution.received_cents, label=target.label),
        ],
        source=Source.FUND_CONTRIBUTION,
        source_ref=f"funds.contribution:{contribution.pk}",
        resource_kind=ResourceKind.MONEY,
        motivation=contribution.motivation,
        valuation=Valuation.FACE_VALUE,
        effective_on=contribution.received_on,
        memo=context.get("entry_ref", "")[:255],
    )
    contribution.group = group
    Contribution.objects.with_scopes_disabled().filter(pk=contribution.pk).update(
        group=group, received_cents=contribution.received_cents, received_on=contribution.received_on
    )


def contribution_cancel(*, actor, contribution: Contribution, reason: str = "") -> Contribution:
    """A pending contribution that will not be paid (the donor changed their mind, a test)."""
    return transition_apply(actor=actor, obj=contribution, to=Contribution.State.CANCELLED, reason=reason)


#: fn(actor, contribution, refund_group) run after a refund is written, by the target's account
#: kind (a campaign cancels the matches of the gift)
REFUND_HOOKS: dict[str, list] = {}


def refund_register(kind: str):
    def register(fn):
        REFUND_HOOKS.setdefault(kind, []).append(fn)
        return fn

    return register


def contribution_refund(
    *, actor, contribution: Contribution, amount_cents: int, reason: str, refund_ref: str = ""
) -> Contribution:
    """Give back ``amount_cents`` of a received contribution: a reversing movement linked to its
    receipt, saying why. Never more than is still held; a fund keeps what its awards reserve.
    ``refund_ref`` (the provider's refund id) makes it idempotent."""
    require(actor, "funds.refund_contribution", contribution)
    _amount_check(amount_cents)
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why."), "reason_required")
    with transaction.atomic():
        locked = Contribution.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=contribution.pk)
        if locked.state not in (Contribution.State.RECEIVED, Contribution.State.PARTLY_REFUNDED):
            raise ValidationError(_("Only a received contribution can be refunded."), code="not_received")
        source_ref = f"funds.refund:{refund_ref}" if refund_ref else ""
        if source_ref and locked.group.reversals.filter(source_ref=source_ref).exists():
            return locked
        if amount_cents > locked.open_cents:
            raise _invalid(
                "amount_cents", _("A refund cannot exceed what was received and not yet refunded."), "too_much"
            )
        refund = group_reverse(
            actor=actor,
            group=locked.group,
            reason_code=ReasonCode.REFUND,
            memo=reason,
            amount_cents=amount_cents,
            source_ref=source_ref,
        )
        Contribution.objects.with_scopes_disabled().filter(pk=locked.pk).update(
            refunded_cents=F("refunded_cents") + amount_cents
        )
        locked.refresh_from_db()
        target = Contribution.State.REFUNDED if locked.open_cents == 0 else Contribution.State.PARTLY_REFUNDED
        if locked.state != target:
            locked = transition_apply(actor=actor, obj=locked, to=target, reason=reason)
        else:
            audit_log(
                actor=actor,
                city=locked.city,
                verb="contribution.refund_part",
                obj=locked,
                payload={"amount_cents": amount_cents, "reason": reason},
            )
        for hook in REFUND_HOOKS.get(locked.target.kind, []):
            hook(actor, locked, refund)
    return locked


def contribution_record(
    *, actor, target, amount_cents: int, received_on: datetime.date, evidence=None, **donor
) -> Contribution:
    """An officer records money the city received outside the platform (a cheque, cash at a
    counter, a transfer without a reference), with its evidence: created and received at once."""
    city = _target_of(target).city
    require(actor, "funds.record_contribution", city)
    if evidence is not None:
        evidence = upload_clean(evidence, field="evidence", max_bytes=MAX_FILE_BYTES)
    with transaction.atomic():
        contribution = contribution_create(
            actor=actor, target=target, amount_cents=amount_cents, channel=Contribution.Channel.OFFLINE, **donor
        )
        if evidence is not None:
            contribution.evidence = evidence
            contribution.save(update_fields=["evidence"])
        return contribution_receive(actor=actor, contribution=contribution, received_on=received_on)


# --- awards and disbursements ----------------------------------------------------------------


def award_propose(
    *,
    actor,
    fund: Fund,
    purpose: PurposeCategory,
    description: str,
    act_number: str,
    act_on: datetime.date,
    amount_cents: int,
    organisation=None,
    need=None,
    criteria: str = "",
) -> Award:
    """An award the Giunta or a committee decided, waiting for the officer's approval."""
    require(actor, "funds.add_award", fund.city)
    _amount_check(amount_cents)
    award = Award(
        city=fund.city,
        fund=fund,
        purpose=purpose,
        description=description,
        criteria=criteria,
        act_number=act_number,
        act_on=act_on,
        amount_cents=amount_cents,
        organisation=organisation,
        need=need,
        created_by=person(actor),
    )
    if (organisation is None) == (need is None):
        raise _invalid("organisation", _("An award goes to an organisation or to a need."), "one_recipient")
    award.full_clean(exclude=["city", "fund", "purpose", "organisation", "need"])
    with transaction.atomic():
        award.save()
        audit_log(
            actor=actor,
            city=fund.city,
            verb="award.propose",
            obj=award,
            payload={"fund": fund.pk, "amount_cents": amount_cents, "act": act_number},
        )
    return award


def award_transition(*, actor, award: Award, to: str, reason: str = "") -> Award:
    """Approve (within the fund's available balance) or cancel an award."""
    return transition_apply(actor=actor, obj=award, to=to, reason=reason)


@guard("funds.award", to=Award.State.APPROVED)
def _within_available(award: Award, transition, context) -> None:
    """Checked under the city's ledger lock: no movement and no other approval meanwhile."""
    ledger_lock(award.city)
    account = Account.objects.with_scopes_disabled().get(pk=award.fund.account_id)
    available = account.balance_cents - awards_pending_cents(account=account, excluding=award)
    if award.amount_cents > available:
        raise ValidationError(
            _("The fund has %(available)s available: this award of %(amount)s cannot be approved.")
            % {
                "available": money_format(max(available, 0), locale=active_locale(), currency=award.city.currency),
                "amount": money_format(award.amount_cents, locale=active_locale(), currency=award.city.currency),
            },
            code="over_available",
        )


def disbursement_record(
    *, actor, award: Award, amount_cents: int, paid_on: datetime.date, receipt=None, note: str = ""
) -> Disbursement:
    """Pay (part of) an approved award: a movement from the fund to the recipient, with its
    receipt. The award is paid out when its payments reach its amount."""
    require(actor, "funds.add_disbursement", award)
    _amount_check(amount_cents)
    if receipt is not None:
        receipt = upload_clean(receipt, field="receipt", max_bytes=MAX_FILE_BYTES)
    with transaction.atomic():
        locked = Award.objects.with_scopes_disabled().select_for_update(of=("self",)).get(pk=award.pk)
        if locked.state != Award.State.APPROVED:
            raise ValidationError(_("Only an approved award can be paid out."), code="not_approved")
        if amount_cents > locked.amount_cents - locked.disbursed_cents:
            raise _invalid("amount_cents", _("This is more than the award has left to pay."), "too_much")
        # the award reserves less before the movement is checked against the fund's floor
        Award.objects.with_scopes_disabled().filter(pk=locked.pk).update(
            disbursed_cents=F("disbursed_cents") + amount_cents
        )
        fund = locked.fund
        recipient = (
            Leg(Account.Kind.RECIPIENT, locked.organisation_id, amount_cents, label=locked.organisation.name)
            if locked.organisation_id
            else Leg(Account.Kind.NEED, locked.need_id, amount_cents, label=locked.need.title)
        )
        disbursement = Disbursement(
            city=award.city,
            award=locked,
            amount_cents=amount_cents,
            paid_on=paid_on,
            note=note,
            created_by=person(actor),
        )
        disbursement.group = group_post(
            actor=actor,
            city=award.city,
            legs=[Leg(Account.Kind.FUND, fund.pk, -amount_cents, label=fund.title), recipient],
            source=Source.DISBURSEMENT,
            resource_kind=ResourceKind.MONEY,
            motivation=Motivation.CHARITABLE_GIFT,
            valuation=Valuation.FACE_VALUE,
            effective_on=paid_on,
            memo=f"{locked.act_number} · {locked.purpose.name}",
            themes=f"|{locked.purpose.code}|",
        )
        if receipt is not None:
            disbursement.receipt = receipt
        disbursement.save()
        audit_log(
            actor=actor,
            city=award.city,
            verb="disbursement.record",
            obj=locked,
            payload={"disbursement": disbursement.pk, "amount_cents": amount_cents, "seq": disbursement.group.seq},
        )
        locked.refresh_from_db()
        if locked.disbursed_cents == locked.amount_cents:
            transition_apply(actor=actor, obj=locked, to=Award.State.PAID)
    return disbursement
