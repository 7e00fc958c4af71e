"""Writes of city funds (ADR 0027): set up a fund, take a contribution and receive or refund it,
award money under the fund's available balance, pay awards out. Every cent moves as a movement
of the contributions ledger; these services check who acts, keep the rows that say who and why,
and audit."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as iban_check

from cities4csr.cities.models import City
from cities4csr.core.bulk import keys_found, rows_copy
from cities4csr.core.lifecycle import TransitionRepeated, effect, guard, transition_apply
from cities4csr.core.money import MAX_CENTS, active_locale, money_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, audit_log_many, person
from cities4csr.core.uploads import upload_clean
from cities4csr.ledger.models import Account, Motivation, ReasonCode, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import (
    Leg,
    Movement,
    account_open,
    floor_register,
    group_post,
    group_reverse,
    groups_post_many,
    ledger_lock,
)
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .banking.records import entries_dump
from .banking.rf import rf_build
from .models import Award, BankLine, Contribution, Disbursement, Earmark, Fund, PurposeCategory, StatementImport

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
    return rf_build(number, prefix=f"C{city.pk}N")


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


def _received_movement(contribution: Contribution, entry_ref: str) -> Movement:
    """A received contribution's ledger movement, from the giver to the fund or campaign (one
    builder for the single receipt and the batch)."""
    target = contribution.target
    return Movement(
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
        memo=entry_ref[:255],
    )


@effect("funds.contribution", to=Contribution.State.RECEIVED)
def _post_received(actor, contribution: Contribution, transition, context) -> None:
    movement = _received_movement(contribution, context.get("entry_ref", ""))
    (group,) = groups_post_many(actor=actor, city=contribution.city, movements=[movement])
    contribution.group = group
    Contribution.objects.with_scopes_disabled().filter(pk=contribution.pk).update(
        group=group, received_cents=contribution.received_cents, received_on=contribution.received_on
    )


@dataclass(frozen=True)
class Receipt:
    """The money of contribution ``contribution_id`` seen: how much, on which day, by which
    entry (a bank line's "bank:<key>")."""

    contribution_id: int
    received_cents: int
    received_on: datetime.date
    entry_ref: str = ""


def receipt_hook_targets(*kinds: str):
    """Mark a guard or an effect that another app registers on a contribution's receipt
    (funds.contribution → received) as concerning only contributions to accounts of ``kinds``
    (a campaign's matches): ``contributions_receive_many`` keeps its bulk path for the others. An
    unmarked hook sends every receipt through ``contribution_receive``, one by one."""

    def mark(fn):
        fn.contribution_targets = frozenset(kinds)
        return fn

    return mark


def _bulk_receivable_kinds() -> frozenset[str]:
    """The target kinds whose receipt has no lifecycle hook but this module's own (the guard that
    sets the amount and the day, the effect that posts the movement): only those are received
    in bulk, everything else takes the lifecycle's path."""
    from cities4csr.core.lifecycle import _EFFECTS, _GUARDS, _hooks, lifecycle_of

    lifecycle = lifecycle_of(Contribution)
    if lifecycle.apply is not None or lifecycle.notify is not None:
        return frozenset()
    kinds = {Account.Kind.FUND}
    for registered in (_GUARDS[lifecycle.label], _EFFECTS[lifecycle.label]):
        for hook in _hooks(registered, Contribution.State.RECEIVED):
            if hook in (_received_in_full, _post_received):
                continue
            targets = getattr(hook, "contribution_targets", None)
            if targets is None:
                return frozenset()
            kinds -= targets
    return frozenset(kinds)


def _received_update(contributions: list[Contribution]) -> None:
    """Write the received state, amount, day and movement of ``contributions`` in one UPDATE
    from a list of values (``bulk_update``'s CASE per row and field costs seconds a thousand). On
    PostgreSQL the values go as four arrays (four parameters, whatever the batch's size);
    elsewhere as a VALUES list, in chunks under the driver's limit of parameters."""
    if not contributions:
        return
    table = connection.ops.quote_name(Contribution._meta.db_table)
    update = f"""UPDATE {table} SET state = %s, updated_at = %s, received_cents = received.cents,
                received_on = received.received_on, group_id = received.group_id
            FROM received WHERE {table}.id = received.id"""  # noqa: S608 (the model's table; values as parameters)
    state, now = Contribution.State.RECEIVED, contributions[0].updated_at
    if connection.vendor == "postgresql":
        columns = list(zip(*((c.pk, c.received_cents, c.received_on, c.group_id) for c in contributions), strict=True))
        with connection.cursor() as cursor:
            arrays = "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::bigint[])"
            cursor.execute(
                f"WITH received(id, cents, received_on, group_id) AS ({arrays}) {update}",  # noqa: S608 (as above)
                [*map(list, columns), state, now],
            )
        return
    size = (connection.features.max_query_params or 4000) // 4  # SQLite: 999 parameters a query
    for start in range(0, len(contributions), size):
        chunk = contributions[start : start + size]
        rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [p for c in chunk for p in (c.pk, c.received_cents, c.received_on, c.group_id)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH received(id, cents, received_on, group_id) AS (VALUES {rows}) {update}",  # noqa: S608 (as above)
                [*params, state, now],
            )


def contributions_receive_many(*, actor, receipts: list[Receipt]) -> list[Contribution]:
    """Receive many contributions at once (a bank statement's chunk): the same rows, ledger
    movements and audit events as ``contribution_receive`` for each, in order, in a handful of
    queries for the whole batch. Returns the contributions, one per receipt.

    This is the lifecycle's "receive" transition (``core.lifecycle.transition_apply``) applied in
    bulk, for a contribution to a fund, whose receipt has no other effect than its movement:
    the pending contributions are locked in id order, checked against the table and the actor's
    roles, set received with one UPDATE (``_received_update``), their movements written with
    ``groups_post_many`` (one chain lock) and their "contribution.receive" events with one INSERT
    (a COPY on PostgreSQL). That it has no
    other effect is checked, not assumed (``_bulk_receivable_kinds``): any other guard or effect
    on the transition, or an apply or notify hook on the lifecycle, sends the kinds it concerns
    through ``contribution_receive``, as are a campaign's gifts, a contribution no longer pending
    (received already: nothing changes; cancelled: refused as one by one) and a second receipt
    of the same contribution in the batch (a repeat: nothing changes)."""
    from cities4csr.core.lifecycle import lifecycle_of

    for receipt in receipts:
        _amount_check(receipt.received_cents, "received_cents")
    if not receipts:
        return []
    lifecycle = lifecycle_of(Contribution)
    transition = lifecycle.transitions[Contribution.State.PENDING, Contribution.State.RECEIVED]
    bulk_kinds = _bulk_receivable_kinds()
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Contribution.objects.with_scopes_disabled()
            .select_for_update(of=("self",))
            .filter(pk__in={r.contribution_id for r in receipts})
            .select_related("organisation")
            .order_by("pk")
        }
        # a statement's chunk has one city and one target: read each once, not once a row
        cities = {c.pk: c for c in City.objects.filter(pk__in={c.city_id for c in locked.values()})}
        targets = Account.objects.with_scopes_disabled().in_bulk({c.target_id for c in locked.values()})
        for contribution in locked.values():
            contribution.city = cities[contribution.city_id]
            contribution.target = targets[contribution.target_id]
        bulk: dict[int, list] = {}  # city id -> [(contribution, receipt)]
        one_by_one: list[Receipt] = []
        now = timezone.now()
        for receipt in receipts:
            contribution = locked.get(receipt.contribution_id)
            if (
                contribution is None
                or contribution.state != Contribution.State.PENDING
                or contribution.target.kind not in bulk_kinds
            ):
                one_by_one.append(receipt)
                continue
            if not lifecycle.roles(actor, contribution) & transition.roles:
                raise PermissionDenied(f"{lifecycle.name}.{transition.verb}")
            contribution.state = Contribution.State.RECEIVED
            contribution.received_cents = receipt.received_cents
            contribution.received_on = receipt.received_on
            contribution.updated_at = now
            bulk.setdefault(contribution.city_id, []).append((contribution, receipt))
        for pairs in bulk.values():
            city = pairs[0][0].city
            movements = [_received_movement(contribution, receipt.entry_ref) for contribution, receipt in pairs]
            groups = groups_post_many(actor=actor, city=city, movements=movements)
            for (contribution, _receipt), group in zip(pairs, groups, strict=True):
                contribution.group = group
            _received_update([contribution for contribution, _receipt in pairs])
            audit_log_many(
                actor=actor,
                city=city,
                events=[
                    (
                        f"{lifecycle.name}.{transition.verb}",
                        contribution,
                        {"from": Contribution.State.PENDING, "to": Contribution.State.RECEIVED, "reason": ""},
                    )
                    for contribution, _receipt in pairs
                ],
            )
        for receipt in one_by_one:
            contribution = locked.get(receipt.contribution_id) or Contribution(pk=receipt.contribution_id)
            locked[receipt.contribution_id] = contribution_receive(
                actor=actor,
                contribution=contribution,
                received_cents=receipt.received_cents,
                received_on=receipt.received_on,
                entry_ref=receipt.entry_ref,
            )
    return [locked[receipt.contribution_id] for receipt in receipts]


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


#: channel -> fn(actor, contribution, amount_cents, reason) that gives money back through the
#: payment provider first (a card refund), then calls ``contribution_refund`` with its refund id
REFUND_PROVIDERS: dict[str, object] = {}


def refund_provider_register(channel: str):
    def register(fn):
        REFUND_PROVIDERS[channel] = fn
        return fn

    return register


def contribution_refund(
    *, actor, contribution: Contribution, amount_cents: int, reason: str, refund_ref: str = ""
) -> Contribution:
    """Give back ``amount_cents`` of a received contribution: a reversing movement linked to its
    receipt, saying why. Never more than is still held; a fund keeps what its awards reserve.
    ``refund_ref`` (the provider's refund id) makes it idempotent. Without one, a contribution
    paid through a provider (a card) is refunded through it first (``refund_provider_register``),
    so that the money really goes back and the provider's notice of it adds nothing."""
    require(actor, "funds.refund_contribution", contribution)
    provider_refund = REFUND_PROVIDERS.get(contribution.channel)
    if provider_refund is not None and not refund_ref and contribution.provider_ref:
        return provider_refund(actor=actor, contribution=contribution, amount_cents=amount_cents, reason=reason)
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
            # money paid to a need reaches the need's neighbourhood: the equity lens counts it there
            area_code=locked.need.area.code if locked.need_id and locked.need.area_id else "",
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


# === Bank statements and reconciliation ===========================================================
# An officer uploads a fund account's statement (camt.053 or the bank's CSV): it is read whole
# first, and refused with the line and the reason if any part cannot be read, writing nothing.
# A background task then stores its lines (each booking once per city, however many files carry
# it), matches them with pending contributions (``banking.reconcile``), receives each match, and
# leaves the rest in the officers' queue, where they are matched by hand or set aside.

MAX_STATEMENT_BYTES = 100 * 1024 * 1024
#: lines stored, matched and received per transaction (and per step of the progress bar)
RECONCILE_CHUNK = 1000


def _statement_entries(*, source, format: str, csv_profile: dict, account: str) -> tuple[list, str, list[str]]:
    """(entries, the bank's statement number, the statement's IBANs) of an open binary file."""
    from .banking.bank_csv import CsvProfile, parse_bank_csv
    from .banking.camt053 import parse_camt053

    if format == StatementImport.Format.CAMT053:
        parsed = parse_camt053(source)
        ref = ", ".join(s.id for s in parsed.statements)[:255]
        return parsed.entries, ref, parsed.ibans
    profile = CsvProfile(**(csv_profile or {}))
    return parse_bank_csv(source.read(), profile, account=account), "", []


def _file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def statement_upload(*, actor, fund: Fund, file, format: str, csv_profile: dict | None = None) -> StatementImport:
    """Take a statement of ``fund``'s account and queue its reconciliation. The file is read whole
    first: one that cannot be read is refused with a ValidationError on "file" that names the line
    and the reason, in the active language, and nothing is written. The same file uploaded again
    returns its first import."""
    from .banking.records import StatementError
    from .statement_errors import statement_error_message, statement_message

    require(actor, "funds.reconcile", fund)
    if format not in StatementImport.Format.values:
        raise _invalid("format", _("Choose the statement's format."), "invalid_format")
    if file.size > MAX_STATEMENT_BYTES:
        raise _invalid(
            "file",
            _("The file is too large: at most %(megabytes)d MB.") % {"megabytes": MAX_STATEMENT_BYTES // (1024 * 1024)},
            "file_too_large",
        )
    sha256 = _file_sha256(file)
    earlier = (
        StatementImport.objects.filter(city=fund.city, fund=fund, sha256=sha256)
        .exclude(state=StatementImport.State.FAILED)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return earlier
    try:
        entries, statement_ref, ibans = _statement_entries(
            source=file, format=format, csv_profile=csv_profile or {}, account=fund.iban
        )
    except StatementError as error:
        raise ValidationError({"file": ValidationError(statement_error_message(error), code=error.code)}) from None
    if ibans and fund.iban not in ibans:
        message = statement_message("account", 0, {"value": ", ".join(ibans), "expected": fund.iban})
        raise ValidationError({"file": ValidationError(message, code="account")})
    file.seek(0)
    statement = StatementImport(
        city=fund.city,
        fund=fund,
        file_name=Path(file.name).name[:255],
        sha256=sha256,
        format=format,
        csv_profile=csv_profile or {},
        statement_ref=statement_ref,
        lines_total=sum(1 for entry in entries if entry.amount_cents > 0),
        created_by=person(actor),
    )
    with transaction.atomic():
        statement.file.save(statement.file_name, file, save=False)
        # the entries as read here: the task takes them instead of reading the file again
        statement.entries.save(f"{statement.file_name}.entries.json", ContentFile(entries_dump(entries)), save=False)
        statement.save()
        audit_log(
            actor=actor,
            city=fund.city,
            verb="statement.upload",
            obj=fund,
            payload={"statement": statement.pk, "file": statement.file_name, "lines": statement.lines_total},
        )
        transaction.on_commit(lambda: _statement_enqueue(statement.pk))
    return statement


def _statement_enqueue(statement_id: int) -> None:
    from .tasks import statement_reconcile

    statement_reconcile.enqueue(statement_id=statement_id)


def _pending_of(contribution: Contribution):
    from .banking.reconcile import PendingContribution

    return PendingContribution(
        id=contribution.pk,
        reference=contribution.reference,
        amount_cents=contribution.amount_cents,
        donor_name=contribution.donor_name,
        currency=contribution.city.currency,
    )


def _receipt_of(line: BankLine) -> Receipt:
    """What a matched bank line says of its contribution's payment."""
    return Receipt(
        contribution_id=line.contribution_id,
        received_cents=line.amount_cents,
        received_on=line.booking_date or timezone.localdate(),
        entry_ref=f"bank:{line.entry_key}",
    )


def _receive_line(*, actor, line: BankLine, contribution: Contribution) -> None:
    receipt = _receipt_of(line)
    contribution_receive(
        actor=actor,
        contribution=contribution,
        received_cents=receipt.received_cents,
        received_on=receipt.received_on,
        entry_ref=receipt.entry_ref,
    )


def _entries_stored(statement: StatementImport) -> list | None:
    """The entries the upload read (``banking.records.entries_load``), or None."""
    from .banking.records import entries_load

    if not statement.entries:
        return None
    try:
        with statement.entries.open("rb") as stored:
            return entries_load(stored.read())
    except OSError:
        return None


def statement_run(*, statement: StatementImport) -> StatementImport:
    """Reconcile a queued statement (the background task's work; run in its city's scope):
    store its new lines, match and receive them chunk by chunk with the progress saved after each,
    then match what is left by amount and name. A statement that is not queued is left alone.

    Its entries are those the upload read, kept beside the file (``StatementImport.entries``):
    the file is read again only for an import that has none."""
    from .banking.records import StatementError

    imports = StatementImport.objects.filter(city=statement.city)
    claimed = imports.filter(pk=statement.pk, state=StatementImport.State.QUEUED).update(
        state=StatementImport.State.RUNNING, started_at=timezone.now(), lines_done=0
    )
    statement.refresh_from_db()
    if not claimed:
        return statement
    fund = statement.fund
    try:
        entries = _entries_stored(statement)
        if entries is None:  # uploaded before the entries were kept, or their file is unreadable
            with statement.file.open("rb") as source:
                entries, _ref, _ibans = _statement_entries(
                    source=source, format=statement.format, csv_profile=statement.csv_profile, account=fund.iban
                )
        entries = [entry for entry in entries if entry.amount_cents > 0]
        for start in range(0, len(entries), RECONCILE_CHUNK):
            with transaction.atomic():
                new, matched = _reconcile_chunk(
                    statement=statement, fund=fund, entries=entries[start : start + RECONCILE_CHUNK]
                )
                imports.filter(pk=statement.pk).update(
                    lines_done=F("lines_done") + len(entries[start : start + RECONCILE_CHUNK]),
                    lines_new=F("lines_new") + new,
                    lines_matched=F("lines_matched") + matched,
                )
        with transaction.atomic():
            matched = _reconcile_by_name(statement=statement, fund=fund)
            imports.filter(pk=statement.pk).update(
                state=StatementImport.State.DONE,
                finished_at=timezone.now(),
                lines_matched=F("lines_matched") + matched,
            )
            statement.refresh_from_db()
            audit_log(
                actor=None,
                city=statement.city,
                verb="statement.reconcile",
                obj=fund,
                payload={
                    "statement": statement.pk,
                    "lines": statement.lines_total,
                    "new": statement.lines_new,
                    "matched": statement.lines_matched,
                },
            )
    except Exception as error:
        code, params = (
            (error.code, {**error.params, "line": error.line})
            if isinstance(error, StatementError)
            else ("internal", {})
        )
        imports.filter(pk=statement.pk).update(
            state=StatementImport.State.FAILED, finished_at=timezone.now(), error_code=code, error_params=params
        )
        statement.refresh_from_db()
        if not isinstance(error, StatementError):
            raise
    finally:
        _entries_discard(statement)
    return statement


def _entries_discard(statement: StatementImport) -> None:
    """Delete the entries kept for the run once it is over (done or failed: a statement is run
    once): they were only the task's copy of what the file says, names of payers included."""
    if not statement.entries:
        return
    name = statement.entries.name
    StatementImport.objects.filter(city=statement.city, pk=statement.pk).update(entries="")
    statement.entries = ""
    with contextlib.suppress(OSError):  # else an orphan file in the media folder, named by no row
        statement.entries.storage.delete(name)


#: a bank line's columns as ``_reconcile_chunk`` writes them (``core.bulk.rows_copy``)
_LINE_COLUMNS = [
    "city_id",
    "statement_id",
    "fund_id",
    "entry_key",
    "line_number",
    "booking_date",
    "value_date",
    "amount_cents",
    "credit",
    "currency",
    "debtor_name",
    "reference",
    "remittance",
    "bank_reference",
    "end_to_end_id",
    "state",
    "outcome",
    "contribution_id",
    "matched_by",
    "decided_by_id",
    "decided_at",
    "ignored_reason",
]


def _reconcile_chunk(*, statement: StatementImport, fund: Fund, entries: list) -> tuple[int, int]:
    """Store the entries not seen before, match them by reference and receive the matches in one
    batch (``contributions_receive_many``): a few queries for the whole chunk, and the lines
    written as plain rows (``rows_copy``: no model instance a line). Returns (new lines,
    matched)."""
    from .banking.reconcile import DEBIT, PendingContribution, reconcile, references_in

    city = statement.city
    known = keys_found(BankLine, city_id=city.pk, field="entry_key", values={entry.key for entry in entries})
    new = {}
    for entry in entries:
        if entry.key not in known and entry.key not in new:
            new[entry.key] = entry
    fresh = list(new.values())
    if not fresh:
        return 0, 0
    references = {reference for entry in fresh if entry.credit for reference in references_in(entry)}
    # the city's contributions of those references (keys_found: by its unique index), read by
    # their keys alone and sorted here: a filter on the fund and the state would let the planner
    # scan the fund's contributions through their index, a chunk after the other, while the
    # table's statistics still count a new city's 100,000 as a few
    found = keys_found(Contribution, city_id=city.pk, field="reference", values=references)
    candidates = Contribution.objects.with_scopes_disabled().filter(pk__in=found.values())
    pending = [
        PendingContribution(
            id=pk, reference=reference, amount_cents=amount_cents, donor_name=donor_name, currency=city.currency
        )
        for pk, reference, amount_cents, donor_name, target_id, state in candidates.values_list(
            "pk", "reference", "amount_cents", "donor_name", "target_id", "state"
        )
        if target_id == fund.account_id and state == Contribution.State.PENDING
    ]
    decisions = reconcile(fresh, pending, by_name=False)
    rows = []
    receipts = []
    today = None
    for entry, decision in zip(fresh, decisions, strict=True):
        if decision.matched:
            state = BankLine.State.MATCHED
            if entry.booking_date is None and today is None:
                today = timezone.localdate()
            # what ``_receipt_of`` says of the line once stored
            receipts.append(
                Receipt(
                    contribution_id=decision.contribution_id,
                    received_cents=entry.amount_cents,
                    received_on=entry.booking_date or today,
                    entry_ref=f"bank:{entry.key}",
                )
            )
        elif decision.reason == DEBIT:
            state = BankLine.State.IGNORED
        else:
            state = BankLine.State.UNMATCHED
        rows.append(
            (
                city.pk,
                statement.pk,
                fund.pk,
                entry.key,
                entry.line,
                entry.booking_date,
                entry.value_date,
                entry.amount_cents,
                entry.credit,
                entry.currency[:3],
                entry.debtor_name[:200],
                entry.reference[:70],
                entry.remittance,
                entry.bank_reference[:100],
                entry.end_to_end_id[:100],
                state,
                "" if decision.matched else decision.reason,
                decision.contribution_id,
                BankLine.MatchedBy.REFERENCE if decision.matched else "",
                None,
                None,
                "",
            )
        )
    rows_copy(BankLine, _LINE_COLUMNS, rows)
    contributions_receive_many(actor=None, receipts=receipts)
    return len(rows), len(receipts)


def _reconcile_by_name(*, statement: StatementImport, fund: Fund) -> int:
    """Match the statement's credits left by amount and name, among the pending contributions of
    those amounts. Returns how many matched."""
    from .banking.reconcile import BankEntry, reconcile

    left = list(
        BankLine.objects.filter(
            city=statement.city, statement=statement, state=BankLine.State.UNMATCHED, credit=True
        ).order_by("pk")
    )
    if not left:
        return 0
    contributions = {
        c.pk: c
        for c in Contribution.objects.filter(
            city=statement.city,
            target_id=fund.account_id,
            state=Contribution.State.PENDING,
            amount_cents__in={line.amount_cents for line in left},
        )
        .exclude(donor_name="")
        .select_related("city", "target")
    }
    entries = [
        BankEntry(
            key=line.entry_key,
            amount_cents=line.amount_cents,
            credit=True,
            booking_date=line.booking_date,
            currency=line.currency,
            debtor_name=line.debtor_name,
        )
        for line in left
    ]
    decisions = reconcile(entries, [_pending_of(c) for c in contributions.values()])
    matched = 0
    for line, decision in zip(left, decisions, strict=True):
        if decision.matched:
            line.state = BankLine.State.MATCHED
            line.contribution_id = decision.contribution_id
            line.matched_by = BankLine.MatchedBy.AMOUNT_NAME
            line.outcome = ""
            line.save(update_fields=["state", "contribution", "matched_by", "outcome", "updated_at"])
            _receive_line(actor=None, line=line, contribution=contributions[decision.contribution_id])
            matched += 1
        elif decision.reason != line.outcome:
            line.outcome = decision.reason
            line.save(update_fields=["outcome", "updated_at"])
    return matched


def _line_locked(line: BankLine) -> BankLine:
    locked = BankLine.objects.filter(city=line.city).select_for_update(of=("self",)).get(pk=line.pk)
    if locked.state != BankLine.State.UNMATCHED:
        raise ValidationError(_("This bank line has already been dealt with."), code="not_unmatched")
    return locked


def bank_line_match(*, actor, line: BankLine, contribution: Contribution) -> BankLine:
    """An officer says which pending contribution an unmatched credit pays: it is received with
    the line's amount and date, and the line is matched, by them."""
    require(actor, "funds.reconcile", line.fund)
    with transaction.atomic():
        locked = _line_locked(line)
        if not locked.credit:
            raise ValidationError(_("A debit pays no contribution."), code="debit")
        pending = (
            Contribution.objects.filter(city=locked.city, pk=contribution.pk)
            .select_for_update(of=("self",))
            .select_related("city", "target")
            .first()
        )
        if pending is None or pending.target_id != locked.fund.account_id:
            raise _invalid("contribution", _("Choose a contribution to this fund."), "other_fund")
        if pending.state != Contribution.State.PENDING:
            raise _invalid("contribution", _("This contribution is no longer waiting for its payment."), "not_pending")
        locked.state = BankLine.State.MATCHED
        locked.contribution = pending
        locked.matched_by = BankLine.MatchedBy.MANUAL
        locked.outcome = ""
        locked.decided_by = person(actor)
        locked.decided_at = timezone.now()
        locked.save()
        _receive_line(actor=actor, line=locked, contribution=pending)
        audit_log(
            actor=actor,
            city=locked.city,
            verb="bankline.match",
            obj=pending,
            payload={"line": locked.pk, "entry": locked.entry_key, "amount_cents": locked.amount_cents},
        )
    return locked


def bank_line_ignore(*, actor, line: BankLine, reason: str) -> BankLine:
    """An officer sets an unmatched line aside (a gift outside the platform, a bank's own
    movement), saying why; it leaves the queue and never pays a contribution."""
    require(actor, "funds.reconcile", line.fund)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why."), "reason_required")
    with transaction.atomic():
        locked = _line_locked(line)
        locked.state = BankLine.State.IGNORED
        locked.ignored_reason = reason
        locked.decided_by = person(actor)
        locked.decided_at = timezone.now()
        locked.save()
        audit_log(
            actor=actor,
            city=locked.city,
            verb="bankline.ignore",
            obj=locked.fund,
            payload={"line": locked.pk, "entry": locked.entry_key, "reason": reason},
        )
    return locked
