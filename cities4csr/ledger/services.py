"""Writes of the contributions ledger (ADR 0025): post a movement, reverse one.

Low-level: the callers (a pledge's verification, later a fund's contribution, an award, a match)
check who may act and call these inside their own transaction. Each write locks the city's chain
head, so a city's movements are numbered, chained and checked one at a time, then locks the
accounts it moves, checks that a fund or a campaign stays at or above its floor, writes the
movement and its postings, moves the stored balances and the head, and audits it.

``groups_post_many`` does the same for many movements under one lock (a bank statement's chunk):
floors checked in order on running balances, numbers and hashes chained in memory, the rows
written at once, the head moved once (the database's trigger checks the whole range). The
single movement is a batch of one: one code path checks, chains and writes.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.bulk import keys_found, rows_copy, rows_insert
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.core.services import audit_log_many

from .chain import group_hash
from .models import Account, ChainHead, Motivation, Posting, PostingGroup, ReasonCode, Source, Valuation
from .resources import ResourceKind


@dataclass(frozen=True)
class Leg:
    """One side of a movement to write: ``amount_cents`` into (positive) or out of (negative) the
    account of ``kind`` and ``ref_id`` (made on first use, named ``label``)."""

    kind: str
    ref_id: int
    amount_cents: int
    quantity: int = 0
    unit: str = ""
    label: str = ""


#: kind of account -> functions giving the least an account may hold, in cents (a fund's pending
#: awards: registered by the funds app); the floor is never below zero for a holding account
Floor = Callable[[Account], int]
FLOORS: dict[str, list[Floor]] = defaultdict(list)


def floor_register(kind: str):
    """Register ``fn(account) -> cents`` as a floor of the accounts of ``kind``: a movement that
    would leave one below it is refused. It runs under the city's chain lock."""

    def register(fn: Floor) -> Floor:
        FLOORS[kind].append(fn)
        return fn

    return register


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


@functools.cache
def _values(choices) -> frozenset[str]:
    return frozenset(choices.values)


def _check_choice(value: str, choices, field: str) -> None:
    if value not in _values(choices):
        raise ValidationError({field: ValidationError(_("Unknown value."), code="invalid_choice")})


def _legs_check(legs: list[Leg]) -> None:
    if len(legs) < 2:
        raise _invalid(_("A movement has at least two sides."), "too_few_postings")
    for leg in legs:
        _check_choice(leg.kind, Account.Kind, "kind")
        if abs(leg.amount_cents) > MAX_CENTS or abs(leg.quantity) > MAX_QUANTITY * MAX_CENTS:
            raise _invalid(_("The amount is too large."), "too_large")
        if leg.amount_cents == 0 and leg.quantity == 0:
            raise _invalid(_("Each side of a movement moves an amount or a quantity."), "empty_posting")
    if sum(leg.amount_cents for leg in legs) != 0 or sum(leg.quantity for leg in legs) != 0:
        raise _invalid(_("The sides of a movement must sum to zero."), "unbalanced")


def _head_locked(city) -> ChainHead:
    """The city's chain head, locked (made on the city's first movement; two first movements at
    once both end up waiting on the same row)."""
    heads = ChainHead.objects.with_scopes_disabled().select_for_update(of=("self",))
    head = heads.filter(city=city).first()
    if head is None:
        try:
            with transaction.atomic():
                ChainHead.objects.with_scopes_disabled().create(city=city)
        except IntegrityError:
            pass  # another first movement made it
        head = heads.get(city=city)
    return head


def _accounts(city, legs: list[Leg]) -> dict[tuple[str, int], Account]:
    """The legs' accounts, made on first use, locked in id order (under the chain lock, so no two
    writers of the city make the same one)."""
    scoped = Account.objects.with_scopes_disabled()
    keys = sorted({(leg.kind, leg.ref_id) for leg in legs})
    labels = {(leg.kind, leg.ref_id): leg.label for leg in legs}
    for kind, ref_id in keys:
        scoped.get_or_create(
            city=city,
            kind=kind,
            ref_id=ref_id,
            defaults={"label": labels[kind, ref_id][:255], "holds": kind in Account.HOLDING},
        )
    found = scoped.select_for_update(of=("self",)).filter(city=city).order_by("pk")
    match = Q(pk__in=[])
    for kind, ref_id in keys:
        match |= Q(kind=kind, ref_id=ref_id)
    return {(a.kind, a.ref_id): a for a in found.filter(match)}


def ledger_lock(city) -> None:
    """Take ``city``'s chain lock for the rest of the caller's transaction: no movement of the
    city is written meanwhile (an award checked against a fund's available balance)."""
    _head_locked(city)


def account_open(*, city, kind: str, ref_id: int, label: str = "") -> Account:
    """The account of ``kind`` and ``ref_id``, made if new (a fund's, a campaign's, on creation)."""
    _check_choice(kind, Account.Kind, "kind")
    account, _created = Account.objects.with_scopes_disabled().get_or_create(
        city=city, kind=kind, ref_id=ref_id, defaults={"label": label[:255], "holds": kind in Account.HOLDING}
    )
    return account


def _reversal_check(reverses: PostingGroup, legs: list[Leg]) -> None:
    """A reversal moves the other way than its movement, side for side, and all the reversals of
    a movement together undo at most the whole of it (a partial refund, then the rest)."""
    original = {
        (p.account.kind, p.account.ref_id): p.amount_cents
        for p in Posting.objects.with_scopes_disabled().filter(group=reverses).select_related("account")
    }
    done: dict[tuple[str, int], int] = defaultdict(int)
    for p in Posting.objects.with_scopes_disabled().filter(group__reverses=reverses).select_related("account"):
        done[p.account.kind, p.account.ref_id] += p.amount_cents
    for leg in legs:
        was = original.get((leg.kind, leg.ref_id))
        if was is None or leg.amount_cents * was > 0 or abs(done[leg.kind, leg.ref_id] + leg.amount_cents) > abs(was):
            raise _invalid(_("This movement has already been reversed."), "already_reversed")


def account_floor(account: Account) -> int | None:
    """The least ``account`` may hold, in cents; None: no floor (a giver gives, a need receives)."""
    if not account.holds:
        return None
    return max([0, *(fn(account) for fn in FLOORS[account.kind])])


def group_content(group: PostingGroup) -> dict:
    """What a movement's hash covers besides its postings and the previous hash."""
    return {
        "city": group.city_id,
        "seq": group.seq,
        "source": group.source,
        "source_ref": group.source_ref,
        "resource_kind": group.resource_kind,
        "motivation": group.motivation,
        "themes": group.themes,
        "area": group.area_code,
        "valuation": group.valuation,
        "effective_on": group.effective_on.isoformat(),
        "memo": group.memo,
        "reverses": group.reverses.hash if group.reverses_id else "",
        "reason": group.reason_code,
    }


@dataclass(frozen=True)
class Movement:
    """One movement to write with ``groups_post_many``: the arguments of ``group_post`` (and, for
    a reversal, what it reverses and why)."""

    legs: list[Leg]
    source: str
    resource_kind: str
    motivation: str
    valuation: str
    effective_on: datetime.date
    themes: str = ""
    area_code: str = ""
    memo: str = ""
    source_ref: str = ""
    reverses: PostingGroup | None = None
    reason_code: str = ""


def _movement_check(movement: Movement) -> None:
    _legs_check(movement.legs)
    _check_choice(movement.source, Source, "source")
    _check_choice(movement.resource_kind, ResourceKind, "resource_kind")
    _check_choice(movement.motivation, Motivation, "motivation")
    _check_choice(movement.valuation, Valuation, "valuation")
    effective_on = movement.effective_on
    if not isinstance(effective_on, datetime.date) or isinstance(effective_on, datetime.datetime):
        raise ValidationError({"effective_on": ValidationError(_("Give a date."), code="invalid_date")})


def _post_many(*, actor, city, movements: list[Movement]) -> list[PostingGroup]:
    """Write ``movements`` of ``city`` in order, under one chain lock: the single movement's path
    (``group_post``, ``group_reverse``) is a batch of one, with the same queries as one."""
    for movement in movements:
        _movement_check(movement)
    if not movements:
        return []
    reversed_ids = [m.reverses.pk for m in movements if m.reverses is not None]
    if len(reversed_ids) != len(set(reversed_ids)):
        raise ValueError("a batch reverses a movement at most once")
    with transaction.atomic():
        head = _head_locked(city)
        refs = {m.source_ref for m in movements if m.source_ref}
        posted: dict[str, PostingGroup] = {}
        if refs:  # posted already: a retry, a second run of the migration, a statement read again
            found = keys_found(PostingGroup, city_id=city.pk, field="source_ref", values=refs)
            if found:
                posted = {
                    g.source_ref: g for g in PostingGroup.objects.with_scopes_disabled().filter(pk__in=found.values())
                }
        todo: list[Movement] = []
        first: dict[int, int] = {}  # a movement's index -> its place in ``todo`` (or its twin's)
        places: dict[str, int] = {}  # source_ref -> place in ``todo``
        for index, movement in enumerate(movements):
            ref = movement.source_ref
            if ref and ref in posted:
                continue
            if ref and ref in places:
                first[index] = places[ref]
                continue
            first[index] = len(todo)
            if ref:
                places[ref] = len(todo)
            todo.append(movement)
        for movement in todo:
            if movement.reverses is not None:
                _reversal_check(movement.reverses, movement.legs)
        made = _write(actor=actor, city=city, head=head, movements=todo) if todo else []
        return [made[first[i]] if i in first else posted[m.source_ref] for i, m in enumerate(movements)]


def _write(*, actor, city, head: ChainHead, movements: list[Movement]) -> list[PostingGroup]:
    """Check the floors in order, chain, and write ``movements`` (none posted yet) after ``head``."""
    accounts = _accounts(city, [leg for movement in movements for leg in movement.legs])
    floors = {account.pk: account_floor(account) for account in accounts.values()}
    running = {account.pk: account.balance_cents for account in accounts.values()}
    seq, prev_hash = head.seq, head.last_hash
    groups: list[PostingGroup] = []
    postings: list[tuple] = []  # (the movement's place, account, amount, quantity, unit, balance after)
    for place, movement in enumerate(movements):
        moves: dict[int, int] = defaultdict(int)
        for leg in movement.legs:
            moves[accounts[leg.kind, leg.ref_id].pk] += leg.amount_cents
        for pk, delta in moves.items():
            floor = floors[pk]
            if floor is not None and running[pk] + delta < floor:
                account = next(a for a in accounts.values() if a.pk == pk)
                raise _invalid(
                    _("%(account)s does not hold enough for this movement.") % {"account": account},
                    "insufficient_balance",
                )
        seq += 1
        group = PostingGroup(
            city=city,
            seq=seq,
            source=movement.source,
            source_ref=movement.source_ref,
            resource_kind=movement.resource_kind,
            motivation=movement.motivation,
            themes=movement.themes,
            area_code=movement.area_code,
            valuation=movement.valuation,
            effective_on=movement.effective_on,
            memo=movement.memo[:255],
            reverses=movement.reverses,
            reason_code=movement.reason_code,
            prev_hash=prev_hash,
        )
        group.hash = prev_hash = group_hash(
            prev_hash=prev_hash,
            content=group_content(group),
            postings=[(leg.kind, leg.ref_id, leg.amount_cents, leg.quantity, leg.unit) for leg in movement.legs],
        )
        groups.append(group)
        for leg in movement.legs:
            account_id = accounts[leg.kind, leg.ref_id].pk
            running[account_id] += leg.amount_cents
            postings.append((place, account_id, leg.amount_cents, leg.quantity, leg.unit, running[account_id]))
    rows_insert(groups)
    # the postings as plain rows (``rows_copy``): nothing reads them back here, and a model
    # instance each is most of the time of a statement's chunk
    rows_copy(
        Posting,
        ["city_id", "group_id", "account_id", "amount_cents", "quantity", "unit", "balance_after_cents"],
        [(city.pk, groups[place].pk, *rest) for place, *rest in postings],
    )
    for account in sorted(accounts.values(), key=lambda a: a.pk):
        if running[account.pk] != account.balance_cents:
            Account.objects.with_scopes_disabled().filter(pk=account.pk).update(
                balance_cents=F("balance_cents") + (running[account.pk] - account.balance_cents)
            )
    last = groups[-1]
    # one step of the head for the whole batch: the database's trigger checks every movement of it
    ChainHead.objects.with_scopes_disabled().filter(pk=head.pk).update(
        seq=last.seq, last_hash=last.hash, last_group=last
    )
    audit_log_many(
        actor=actor,
        city=city,
        events=[
            (
                "ledger.reverse" if movement.reverses is not None else "ledger.post",
                group,
                {
                    "seq": group.seq,
                    "source": movement.source,
                    "source_ref": movement.source_ref,
                    "reverses": movement.reverses.seq if movement.reverses is not None else None,
                    "reason": movement.reason_code,
                    "amount_cents": sum(leg.amount_cents for leg in movement.legs if leg.amount_cents > 0),
                    "hash": group.hash,
                },
            )
            for movement, group in zip(movements, groups, strict=True)
        ],
    )
    return groups


def _post(*, actor, city, legs: list[Leg], **fields) -> PostingGroup:
    return _post_many(actor=actor, city=city, movements=[Movement(legs=legs, **fields)])[0]


def groups_post_many(*, actor, city, movements: list[Movement]) -> list[PostingGroup]:
    """Write ``movements`` of ``city`` as ``group_post`` would one after the other, in one
    transaction and under one chain lock: the same numbers, hashes, running balances and audit
    events, in a handful of queries for the whole batch (a bank statement's thousand receipts).

    Returns one movement per item, in order; an item whose ``source_ref`` is posted already (or
    earlier in the batch) gets that movement and adds nothing. Floors are checked movement by
    movement in order; one that would fall below its floor refuses the whole batch
    (``ValidationError``, code "insufficient_balance") and nothing is written. The chain's head
    moves once, to the last movement: the database's trigger checks every movement of the range."""
    return _post_many(actor=actor, city=city, movements=movements)


def group_post(
    *,
    actor,
    city,
    legs: list[Leg],
    source: str,
    resource_kind: str,
    motivation: str,
    valuation: str,
    effective_on: datetime.date,
    themes: str = "",
    area_code: str = "",
    memo: str = "",
    source_ref: str = "",
) -> PostingGroup:
    """Write one movement of ``city``: ``legs`` summing to zero, in amount and in quantity.

    ``source_ref`` names what it records ("pledges.pledgeitem:12"): posting the same reference
    again returns the movement already written and adds nothing. Raises ``ValidationError``
    (with a code) when the legs do not balance or a fund or campaign would fall below its floor.
    The caller has checked who may do this and may hold its own transaction open."""
    return _post(
        actor=actor,
        city=city,
        legs=legs,
        source=source,
        resource_kind=resource_kind,
        motivation=motivation,
        valuation=valuation,
        effective_on=effective_on,
        themes=themes,
        area_code=area_code,
        memo=memo,
        source_ref=source_ref,
    )


def group_reverse(
    *,
    actor,
    group: PostingGroup,
    reason_code: str,
    memo: str = "",
    effective_on: datetime.date | None = None,
    amount_cents: int | None = None,
    source_ref: str = "",
) -> PostingGroup:
    """Undo ``group`` with a new movement of the opposite postings, linked to it and saying why
    (a refund is a "refund" movement, anything else a "correction"). Nothing is edited; a
    reversal is not itself reversed (post the movement again instead).

    ``amount_cents`` undoes part of a two-sided money movement (a partial refund); the parts
    never add up to more than the movement. ``source_ref`` makes the reversal idempotent."""
    _check_choice(reason_code, ReasonCode, "reason_code")
    if group.reverses_id is not None:
        raise _invalid(_("A reversal cannot be reversed: record the movement again instead."), "is_reversal")
    postings = list(Posting.objects.with_scopes_disabled().filter(group=group).select_related("account").order_by("pk"))
    if amount_cents is not None:
        if len(postings) != 2 or any(p.quantity for p in postings):
            raise _invalid(_("Only a movement of money between two sides can be partly reversed."), "not_partial")
        whole = max(p.amount_cents for p in postings)
        if not 0 < amount_cents <= whole:
            raise _invalid(_("The amount to reverse must be above zero and at most the movement."), "bad_amount")
    legs = [
        Leg(
            kind=p.account.kind,
            ref_id=p.account.ref_id,
            amount_cents=-p.amount_cents
            if amount_cents is None
            else (amount_cents if p.amount_cents < 0 else -amount_cents),
            quantity=-p.quantity,
            unit=p.unit,
        )
        for p in postings
    ]
    return _post(
        actor=actor,
        city=group.city,
        legs=legs,
        source=Source.REFUND if reason_code == ReasonCode.REFUND else Source.CORRECTION,
        resource_kind=group.resource_kind,
        motivation=group.motivation,
        valuation=group.valuation,
        effective_on=effective_on or timezone.localdate(),
        themes=group.themes,
        area_code=group.area_code,
        memo=memo,
        source_ref=source_ref,
        reverses=group,
        reason_code=reason_code,
    )
