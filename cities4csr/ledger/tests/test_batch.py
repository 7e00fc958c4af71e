"""Movements written in a batch (``groups_post_many``, a bank statement's receipts): the same
chain, hashes, running balances and audit events as writing them one by one, under one lock and
in a number of queries that does not grow with the batch; the database's trigger checks every
movement of a head's multi-step advance."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cities4csr.core.models import AuditEvent
from cities4csr.ledger.models import ChainHead, Posting, PostingGroup, ReasonCode, Source
from cities4csr.ledger.selectors import ledger_chain_verify
from cities4csr.ledger.services import Leg, Movement, group_post, group_reverse, groups_post_many
from cities4csr.ledger.tests.test_ledger import DAY, FUND, fund, give
from cities4csr.needs.models import ResourceKind

pytestmark = pytest.mark.django_db


def movement(world, n: int, **kw) -> Movement:
    """The n-th gift of a mixed batch: companies and the public give to two funds, some of it
    hours of volunteering, on a few days."""
    giver = (world.company, world.other_company)[n % 2]
    legs = [Leg("giver", giver.pk, -(100 + n), label=giver.name), Leg("fund", FUND + n % 2, 100 + n, label="Fondo")]
    if n % 7 == 3:
        legs = [Leg("public", 0, -(100 + n), -n, "hours"), Leg("need", 9, 100 + n, n, "hours")]
    return Movement(
        legs=legs,
        source=kw.pop("source", Source.FUND_CONTRIBUTION),
        resource_kind=ResourceKind.VOLUNTEER_TIME if n % 7 == 3 else ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY + datetime.timedelta(days=n % 3),
        memo=f"bank:{n}",
        source_ref=kw.pop("source_ref", f"test.gift:{n}"),
        **kw,
    )


def one_by_one(world, movements):
    groups = []
    for m in movements:
        if m.reverses is not None:
            groups.append(
                group_reverse(
                    actor=world.officer,
                    group=m.reverses,
                    reason_code=m.reason_code,
                    memo=m.memo,
                    effective_on=m.effective_on,
                    source_ref=m.source_ref,
                )
            )
            continue
        groups.append(
            group_post(
                actor=world.officer,
                city=world.city,
                legs=m.legs,
                source=m.source,
                resource_kind=m.resource_kind,
                motivation=m.motivation,
                valuation=m.valuation,
                effective_on=m.effective_on,
                themes=m.themes,
                area_code=m.area_code,
                memo=m.memo,
                source_ref=m.source_ref,
            )
        )
    return groups


def written() -> list:
    """Everything the ledger and the audit trail hold, as comparable values."""
    groups = [
        (g.seq, g.source, g.source_ref, g.memo, g.prev_hash, g.hash, g.reverses_id, g.reason_code)
        for g in PostingGroup.objects.order_by("seq")
    ]
    postings = list(
        Posting.objects.order_by("group__seq", "pk").values_list(
            "group__seq", "account__kind", "account__ref_id", "amount_cents", "quantity", "unit", "balance_after_cents"
        )
    )
    accounts = sorted(
        (p.account.kind, p.account.ref_id, p.account.balance_cents) for p in Posting.objects.select_related("account")
    )
    head = ChainHead.objects.values_list("seq", "last_hash").get()
    audit = [
        (e.verb, e.object_repr, e.payload, e.actor_id, e.actor_label)
        for e in AuditEvent.objects.filter(verb__startswith="ledger.").order_by("pk")
    ]
    return [groups, postings, accounts, head, audit]


class Undone(Exception):
    pass


def test_a_batch_writes_what_one_by_one_would_to_the_byte(world):
    earlier = give(world, 5_000)  # a movement before the batch, and one it reverses
    batch = [movement(world, n) for n in range(50)]
    batch[20] = Movement(
        legs=[Leg("giver", world.company.pk, 5_000), Leg("fund", FUND, -5_000)],
        source=Source.CORRECTION,
        resource_kind=ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
        memo="doppio",
        reverses=earlier,
        reason_code=ReasonCode.DUPLICATE,
        source_ref="test.reverse:1",
    )
    try:
        with transaction.atomic():
            groups = groups_post_many(actor=world.officer, city=world.city, movements=batch)
            assert [g.seq for g in groups] == list(range(2, 52)) and all(g.pk for g in groups)
            assert ledger_chain_verify(city=world.city).ok
            in_batch = written()
            raise Undone
    except Undone:
        pass
    assert PostingGroup.objects.count() == 1  # the batch is undone: the same again one by one
    one_by_one(world, batch)
    assert ledger_chain_verify(city=world.city).ok
    assert written() == in_batch
    assert len(in_batch[0]) == 51 and len(in_batch[4]) == 51


def test_a_batch_posts_a_source_reference_once(world):
    first = groups_post_many(actor=None, city=world.city, movements=[movement(world, 1), movement(world, 2)])
    again = groups_post_many(
        actor=None, city=world.city, movements=[movement(world, 2), movement(world, 3), movement(world, 3)]
    )
    assert again[0] == first[1] and again[1] == again[2] and again[1].seq == 3
    assert PostingGroup.objects.count() == 3 and ChainHead.objects.get().seq == 3
    assert groups_post_many(actor=None, city=world.city, movements=[movement(world, 1)]) == [first[0]]
    assert groups_post_many(actor=None, city=world.city, movements=[]) == []
    assert ledger_chain_verify(city=world.city).ok


def test_a_batch_checks_floors_in_order_and_writes_nothing_when_refused(world):
    spend = Movement(
        legs=[Leg("fund", FUND, -300), Leg("recipient", 3, 300)],
        source=Source.DISBURSEMENT,
        resource_kind=ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
    )
    gifts = [movement(world, n) for n in (0, 2, 4)]  # 100 + 102 + 104 into fund 7
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        groups_post_many(actor=None, city=world.city, movements=[gifts[0], gifts[1], spend, gifts[2]])
    assert refused.value.code == "insufficient_balance"
    assert not PostingGroup.objects.exists() and AuditEvent.objects.count() == events
    groups_post_many(actor=None, city=world.city, movements=[*gifts, spend])
    assert fund(world).balance_cents == 6
    runs = (
        Posting.objects.filter(account=fund(world)).order_by("group__seq").values_list("balance_after_cents", flat=True)
    )
    assert list(runs) == [100, 202, 306, 6]


def test_a_batch_costs_the_same_queries_whatever_its_size(world):
    groups_post_many(actor=None, city=world.city, movements=[movement(world, n) for n in range(7)])  # the accounts

    def queries(movements):
        with CaptureQueriesContext(connection) as captured:
            groups_post_many(actor=world.officer, city=world.city, movements=movements)
        return len(captured)

    small = queries([movement(world, n, source_ref="") for n in range(7, 14)])
    # (SQLite takes 999 parameters a query: Django splits larger inserts; on PostgreSQL a large
    # batch's postings go by COPY, which is not counted as a query, with no key read before)
    large = queries([movement(world, n, source_ref="") for n in range(14, 50)])
    assert small - (connection.vendor == "postgresql") <= large <= small <= 25
    assert ledger_chain_verify(city=world.city).ok


# --- the trigger checks the whole range of a head's advance ------------------------------------------


def forged(world, after: PostingGroup, count: int, *, unbalanced=(), broken=(), skip=()) -> list[PostingGroup]:
    """``count`` movements written past the service after ``after``: each chained to the one
    before, balanced, unless its place is in ``unbalanced`` / ``broken`` (a wrong previous hash)
    or ``skip`` (its number is left out: a gap)."""
    account = fund(world)
    other = PostingGroup.objects.get(seq=1).postings.exclude(account=account).get().account
    groups, prev, seq = [], after.hash, after.seq
    for n in range(count):
        seq += 1 + (n in skip)
        group = PostingGroup.objects.create(
            city=world.city,
            seq=seq,
            source="fund_contribution",
            resource_kind="money",
            motivation="charitable_gift",
            valuation="face_value",
            effective_on=DAY,
            prev_hash="b" * 64 if n in broken else prev,
            hash=f"{seq:064d}",
        )
        Posting.objects.create(city=world.city, group=group, account=account, amount_cents=100)
        Posting.objects.create(city=world.city, group=group, account=other, amount_cents=-100 + (n in unbalanced))
        groups.append(group)
        prev = group.hash
    return groups


def advance(head: ChainHead, last: PostingGroup) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_head SET seq = %s, last_hash = %s, last_group_id = %s WHERE id = %s",
            [last.seq, last.hash, last.pk, head.pk],
        )


@pytest.mark.parametrize(
    "tampered",
    [
        {"unbalanced": (1,)},
        {"unbalanced": (3,)},
        {"broken": (0,)},
        {"broken": (2,)},
        {"skip": (2,)},
    ],
    ids=["unbalanced", "unbalanced-last", "unlinked-first", "unlinked-middle", "gap"],
)
def test_the_database_refuses_a_head_advance_over_a_range_with_a_bad_movement(world, tampered):
    first = give(world, 100)
    head = ChainHead.objects.get()
    *_, last = forged(world, first, 4, **tampered)
    with pytest.raises(IntegrityError):
        advance(head, last)
    assert ChainHead.objects.get().seq == 1


def test_the_database_lets_a_head_advance_over_a_good_range_only_to_its_last_movement(world):
    first = give(world, 100)
    head = ChainHead.objects.get()
    groups = forged(world, first, 4)
    # the head's number and its movement disagree
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_head SET seq = 5, last_hash = %s, last_group_id = %s WHERE id = %s",
            [groups[2].hash, groups[2].pk, head.pk],
        )
    # a hash that is not the movement's
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_head SET seq = 5, last_hash = %s, last_group_id = %s WHERE id = %s",
            ["c" * 64, groups[3].pk, head.pk],
        )
    advance(head, groups[3])
    assert ChainHead.objects.get().seq == 5
    with pytest.raises(IntegrityError):  # and never back
        advance(ChainHead.objects.get(), groups[1])
