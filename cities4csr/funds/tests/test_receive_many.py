"""Contributions received in bulk (a bank statement's chunk): the same contributions, ledger
movements and audit events as receiving them one by one, to the byte, in a number of queries
that does not grow with the chunk; anything the bulk path cannot vouch for (a hook of another
app, a contribution no longer pending, a repeat) takes the lifecycle's own path."""

import datetime
import io
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from cities4csr.core import lifecycle
from cities4csr.core.models import AuditEvent
from cities4csr.funds import services
from cities4csr.funds.banking.synthetic import Transfer, write_camt053
from cities4csr.funds.models import BankLine, Contribution, StatementImport
from cities4csr.funds.services import Receipt, contributions_receive_many, receipt_hook_targets, statement_upload
from cities4csr.funds.tests.factories import IBAN, a_fund, a_gift
from cities4csr.ledger.models import Account, ChainHead, Posting, PostingGroup
from cities4csr.ledger.selectors import ledger_chain_verify

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 12)


@pytest.fixture
def city(world):
    with scope(city=world.city.pk):
        yield world


@pytest.fixture
def pending(city):
    fund = a_fund(city)
    gifts = [a_gift(city, fund, 1000 + 37 * n, received=False, name=f"Donor {n}", organisation=None) for n in range(30)]
    return fund, gifts


def statement(fund, gifts) -> bytes:
    """A statement paying every gift by its reference, one of them twice (a second transfer of
    the same gift), with a bank fee among them."""
    transfers = [
        Transfer(g.amount_cents, g.donor_name.upper(), reference=g.reference, bank_reference=f"B-{n}")
        for n, g in enumerate(gifts)
    ]
    transfers.insert(9, Transfer(gifts[3].amount_cents, "DONOR 3", reference=gifts[3].reference, bank_reference="B-3b"))
    transfers.insert(4, Transfer(250, "", text="Spese", bank_reference="FEE", credit=False))
    out = io.BytesIO()
    write_camt053(out, transfers, iban=IBAN, statement_id="BULK-1")
    return out.getvalue()


def reconcile(city, fund, data: bytes) -> StatementImport:
    upload = statement_upload(
        actor=city.officer, fund=fund, file=SimpleUploadedFile("s.xml", data), format=StatementImport.Format.CAMT053
    )
    return services.statement_run(statement=upload)


def written(city) -> list:
    """What the ledger, the contributions and the audit trail hold, as comparable values (audit
    events as a multiset: the bulk path writes a chunk's movements' events before its receipts')."""
    groups = list(
        PostingGroup.objects.order_by("seq").values_list(
            "seq", "source", "source_ref", "memo", "effective_on", "prev_hash", "hash"
        )
    )
    postings = list(
        Posting.objects.order_by("group__seq", "pk").values_list(
            "group__seq", "account__kind", "account__ref_id", "amount_cents", "balance_after_cents"
        )
    )
    accounts = sorted(Account.objects.values_list("kind", "ref_id", "balance_cents"))
    contributions = list(
        Contribution.objects.order_by("pk").values_list("pk", "state", "received_cents", "received_on", "group__seq")
    )
    lines = list(BankLine.objects.order_by("line_number").values_list("line_number", "state", "contribution_id"))
    audit = Counter(
        # a movement's id is not kept (PostgreSQL's sequences do not roll back): its number and
        # hash are in the payload
        (e.verb, e.object_type, e.object_id if e.verb != "ledger.post" else "", e.object_repr)
        + (repr(sorted(e.payload.items())), e.actor_id)
        for e in AuditEvent.objects.filter(verb__in=["ledger.post", "contribution.receive"])
    )
    return [groups, postings, accounts, contributions, lines, audit, ChainHead.objects.values_list("seq").get()]


class Undone(Exception):
    pass


def test_a_statement_received_in_bulk_writes_what_one_by_one_writes(city, pending, monkeypatch):
    fund, gifts = pending
    data = statement(fund, gifts)
    monkeypatch.setattr(services, "RECONCILE_CHUNK", 7)  # several chunks; the second transfer in another
    try:
        with transaction.atomic():
            done = reconcile(city, fund, data)
            assert (done.state, done.lines_total, done.lines_matched) == ("done", 32, 30)
            assert ledger_chain_verify(city=city.city).ok
            in_bulk = written(city)
            raise Undone
    except Undone:
        pass
    assert not PostingGroup.objects.filter(source="fund_contribution").exists()
    received = []
    monkeypatch.setattr(services, "_bulk_receivable_kinds", lambda: frozenset())  # every receipt one by one
    monkeypatch.setattr(services, "contribution_receive", _counting(services.contribution_receive, received))
    reconcile(city, fund, data)
    assert len(received) == 30  # the other path was taken indeed
    assert ledger_chain_verify(city=city.city).ok
    assert written(city) == in_bulk
    assert len(in_bulk[0]) == 30 and all(c[1] == "received" for c in in_bulk[3])  # each gift once
    assert Counter(state for _n, state, _c in in_bulk[4]) == {"matched": 30, "unmatched": 1, "ignored": 1}


def _counting(fn, calls: list):
    def counted(**kwargs):
        calls.append(kwargs["contribution"].pk)
        return fn(**kwargs)

    return counted


def receipts_of(gifts, day=DAY) -> list[Receipt]:
    return [Receipt(g.pk, g.amount_cents, day, f"bank:{g.pk}") for g in gifts]


def test_the_bulk_path_costs_the_same_queries_whatever_the_chunk(city, pending):
    fund, gifts = pending
    contributions_receive_many(actor=None, receipts=receipts_of(gifts[:2]))  # the accounts and the head exist

    def queries(chunk):
        with CaptureQueriesContext(connection) as captured:
            contributions_receive_many(actor=None, receipts=receipts_of(chunk))
        return len(captured)

    assert queries(gifts[2:6]) == queries(gifts[6:30]) <= 25
    assert Contribution.objects.filter(state="received").count() == 30


def test_a_contribution_not_pending_or_received_twice_counts_once(city, pending):
    fund, gifts = pending
    services.contribution_receive(actor=None, contribution=gifts[0], received_on=DAY)
    result = contributions_receive_many(actor=None, receipts=receipts_of([gifts[0], gifts[1], gifts[1], gifts[2]]))
    assert [c.pk for c in result] == [gifts[0].pk, gifts[1].pk, gifts[1].pk, gifts[2].pk]
    assert all(c.state == Contribution.State.RECEIVED for c in result)
    assert PostingGroup.objects.filter(source="fund_contribution").count() == 3
    fund.account.refresh_from_db()
    assert fund.account.balance_cents == sum(g.amount_cents for g in gifts[:3])
    assert AuditEvent.objects.filter(verb="contribution.receive").count() == 3
    services.contribution_cancel(actor=None, contribution=gifts[3])
    with pytest.raises(ValidationError) as cancelled:  # refused as one by one would, and nothing written
        contributions_receive_many(actor=None, receipts=receipts_of([gifts[4], gifts[3]]))
    assert cancelled.value.code == "not_allowed"
    gifts[4].refresh_from_db()
    assert gifts[4].state == Contribution.State.PENDING and PostingGroup.objects.count() == 3


def test_only_an_officer_receives_in_bulk(city, pending):
    fund, gifts = pending
    with pytest.raises(PermissionDenied):
        contributions_receive_many(actor=city.resident, receipts=receipts_of(gifts[:3]))
    assert not PostingGroup.objects.exists()
    result = contributions_receive_many(actor=city.officer, receipts=receipts_of(gifts[:3]))
    assert {c.state for c in result} == {"received"}
    assert set(AuditEvent.objects.filter(verb="contribution.receive").values_list("actor", flat=True)) == {
        city.officer.pk
    }


@pytest.mark.parametrize("marked", [None, "campaign", "fund"])
def test_another_apps_hook_on_the_receipt_sends_the_kinds_it_concerns_one_by_one(city, pending, monkeypatch, marked):
    """A campaign's gift has its matches to write (the campaigns app's effect): an effect marked
    for campaigns leaves a fund's gifts in bulk; an unmarked one, or one for funds, is run."""
    fund, gifts = pending
    seen = []

    def hook(actor, contribution, transition, context):
        seen.append(contribution.pk)

    if marked:
        hook = receipt_hook_targets(marked)(hook)
    effects = lifecycle.defaultdict(list, {k: list(v) for k, v in lifecycle._EFFECTS.items()})
    monkeypatch.setattr(lifecycle, "_EFFECTS", effects)
    lifecycle.effect("funds.contribution", to=Contribution.State.RECEIVED)(hook)
    contributions_receive_many(actor=None, receipts=receipts_of(gifts[:4]))
    assert seen == ([] if marked == "campaign" else [g.pk for g in gifts[:4]])
    assert Contribution.objects.filter(state="received").count() == 4
    assert ledger_chain_verify(city=city.city).ok
