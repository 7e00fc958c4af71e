"""The contributions ledger (ADR 0025): every movement sums to zero; movements and postings can
be neither changed nor deleted, through the ORM or raw SQL, on SQLite and PostgreSQL; a reversal
links to what it reverses and nets it out; a fund never goes below zero nor below its floor; the
hash chain finds a tampered row; verified pledges go into the ledger once."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from cities4csr.core.models import AuditEvent
from cities4csr.ledger import services as ledger_services
from cities4csr.ledger.models import Account, ChainHead, Posting, PostingGroup, ReasonCode, Source
from cities4csr.ledger.selectors import account_balance, account_of, ledger_chain_verify
from cities4csr.ledger.services import Leg, floor_register, group_post, group_reverse
from cities4csr.ledger.triggers import triggers_create, triggers_drop
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges import services as pledge_services
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition, pledges_ledger_backfill
from cities4csr.pledges.tests.test_pledges import PNG

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)
FUND = 7


def post(world, legs, **kw):
    return group_post(
        actor=world.officer,
        city=world.city,
        legs=legs,
        source=kw.pop("source", Source.FUND_CONTRIBUTION),
        resource_kind=kw.pop("resource_kind", ResourceKind.MONEY),
        motivation=kw.pop("motivation", "charitable_gift"),
        valuation=kw.pop("valuation", "face_value"),
        effective_on=kw.pop("effective_on", DAY),
        **kw,
    )


def give(world, cents, giver=None):
    """A company gives ``cents`` to fund 7."""
    giver = giver or world.company
    return post(world, [Leg("giver", giver.pk, -cents, label=giver.name), Leg("fund", FUND, cents, label="Fondo")])


def fund(world):
    return account_of(city=world.city, kind="fund", ref_id=FUND)


# --- every movement sums to zero ----------------------------------------------------------------


def test_a_movement_that_does_not_sum_to_zero_is_refused_and_writes_nothing(world):
    events = AuditEvent.objects.count()
    for legs, code in [
        ([Leg("giver", 1, -100), Leg("fund", FUND, 99)], "unbalanced"),
        ([Leg("giver", 1, -100, -3, "hours"), Leg("need", 2, 100, 2, "hours")], "unbalanced"),
        ([Leg("fund", FUND, 100)], "too_few_postings"),
        ([Leg("giver", 1, 0), Leg("fund", FUND, 0)], "empty_posting"),
    ]:
        with pytest.raises(ValidationError) as refused:
            post(world, legs)
        assert refused.value.code == code
    assert not PostingGroup.objects.exists() and not Posting.objects.exists()
    assert AuditEvent.objects.count() == events


def test_movements_balance_are_numbered_chained_audited_and_move_balances(world):
    first = give(world, 10_000)
    second = give(world, 2_550, giver=world.other_company)
    assert [first.seq, second.seq] == [1, 2]
    assert first.prev_hash == "0" * 64 and second.prev_hash == first.hash
    for group in (first, second):
        assert sum(group.postings.values_list("amount_cents", flat=True)) == 0
    assert fund(world).balance_cents == account_balance(account=fund(world)) == 12_550
    giver = account_of(city=world.city, kind="giver", ref_id=world.company.pk)
    assert giver.balance_cents == -10_000 and giver.label == world.company.name
    head = ChainHead.objects.get(city=world.city)
    assert (head.seq, head.last_hash, head.last_group_id) == (2, second.hash, second.pk)
    assert AuditEvent.objects.filter(verb="ledger.post", object_id=str(second.pk)).get().payload["hash"] == second.hash


def test_the_database_refuses_to_advance_the_chain_to_a_movement_that_does_not_sum_to_zero(world):
    give(world, 100)
    head = ChainHead.objects.get(city=world.city)
    bad = PostingGroup(
        city=world.city,
        seq=2,
        source="fund_contribution",
        resource_kind="money",
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
        prev_hash=head.last_hash,
        hash="f" * 64,
    )
    bad.save()
    account = fund(world)
    Posting.objects.create(city=world.city, group=bad, account=account, amount_cents=500)
    Posting.objects.create(city=world.city, group=bad, account=account, amount_cents=-400)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChainHead.objects.filter(pk=head.pk).update(seq=2, last_hash=bad.hash, last_group=bad)


def test_a_movement_posted_again_with_its_source_reference_adds_nothing(world):
    legs = [Leg("giver", 1, -100), Leg("fund", FUND, 100)]
    once = post(world, legs, source_ref="funds.contribution:1")
    again = post(world, legs, source_ref="funds.contribution:1")
    assert once.pk == again.pk and PostingGroup.objects.count() == 1 and fund(world).balance_cents == 100


# --- nothing is edited -----------------------------------------------------------------------------


def test_the_orm_cannot_change_or_delete_a_posting_or_a_movement(world):
    group = give(world, 10_000)
    posting = group.postings.order_by("pk").first()
    posting.amount_cents = 1
    with pytest.raises(ValidationError):
        posting.save()
    with pytest.raises(ValidationError):
        posting.delete()
    with pytest.raises(ValidationError):
        group.save()
    with pytest.raises(ValidationError):
        group.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount_cents=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingGroup.objects.filter(pk=group.pk).update(memo="edited")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingGroup.objects.filter(pk=group.pk).delete()
    assert sorted(group.postings.values_list("amount_cents", flat=True)) == [-10_000, 10_000]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_posting SET amount_cents = 1",
        "UPDATE ledger_posting SET account_id = account_id",
        "DELETE FROM ledger_posting",
        "UPDATE ledger_group SET hash = 'x'",
        "DELETE FROM ledger_group",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_posting_or_a_movement(world, sql):
    give(world, 10_000)
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert "append-only" in str(refused.value)
    assert Posting.objects.count() == 2 and PostingGroup.objects.count() == 1


# --- corrections are reversals ---------------------------------------------------------------------


def test_a_reversal_links_to_what_it_reverses_nets_it_out_and_happens_once(world):
    gift = give(world, 10_000)
    with pytest.raises(ValidationError) as no_reason:
        group_reverse(actor=world.officer, group=gift, reason_code="because")
    assert no_reason.value.error_dict["reason_code"][0].code == "invalid_choice"
    refund = group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.REFUND, memo="Bonifico errato")
    assert refund.reverses == gift and gift.reversals.get() == refund
    assert (refund.source, refund.reason_code, refund.seq) == (Source.REFUND, "refund", 2)
    assert sorted(refund.postings.values_list("amount_cents", flat=True)) == [-10_000, 10_000]
    assert fund(world).balance_cents == 0
    net = {a.kind: account_balance(account=a) for a in Account.objects.all()}
    assert net == {"giver": 0, "fund": 0}
    with pytest.raises(ValidationError) as twice:
        group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.DUPLICATE)
    assert twice.value.code == "already_reversed"
    with pytest.raises(ValidationError) as of_reversal:
        group_reverse(actor=world.officer, group=refund, reason_code=ReasonCode.ENTERED_IN_ERROR)
    assert of_reversal.value.code == "is_reversal"
    assert AuditEvent.objects.filter(verb="ledger.reverse").get().payload["reverses"] == 1


def test_a_movement_is_reversed_in_parts_but_never_beyond_what_it_moved(world):
    gift = give(world, 10_000)
    first = group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.REFUND, amount_cents=3_000)
    assert sorted(first.postings.values_list("amount_cents", flat=True)) == [-3_000, 3_000]
    group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.REFUND, amount_cents=7_000)
    assert fund(world).balance_cents == 0
    with pytest.raises(ValidationError) as beyond:
        group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.REFUND, amount_cents=1)
    assert beyond.value.code == "already_reversed"
    with pytest.raises(ValidationError) as too_much:
        group_reverse(actor=world.officer, group=give(world, 500), reason_code=ReasonCode.REFUND, amount_cents=501)
    assert too_much.value.code == "bad_amount"
    assert list(gift.reversals.order_by("seq").values_list("seq", flat=True)) == [2, 3]
    assert ledger_chain_verify(city=world.city).ok


def test_each_posting_carries_its_accounts_running_balance(world):
    for cents in (100, 250, 400):
        give(world, cents)
    group_reverse(actor=world.officer, group=PostingGroup.objects.get(seq=2), reason_code=ReasonCode.DUPLICATE)
    runs = (
        Posting.objects.filter(account=fund(world)).order_by("group__seq").values_list("balance_after_cents", flat=True)
    )
    assert list(runs) == [100, 350, 750, 500]


# --- a fund never goes below zero, nor below its floor ---------------------------------------------


def test_a_fund_never_goes_below_zero_nor_below_its_pending_awards(world, monkeypatch):
    give(world, 10_000)
    spend = [Leg("fund", FUND, -10_001), Leg("recipient", 3, 10_001)]
    with pytest.raises(ValidationError) as overdrawn:
        post(world, spend, source=Source.DISBURSEMENT)
    assert overdrawn.value.code == "insufficient_balance"
    # the database's own check, should a write skip the service
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=fund(world).pk).update(balance_cents=-1)
    monkeypatch.setattr(ledger_services, "FLOORS", ledger_services.defaultdict(list))
    floor_register("fund")(lambda account: 4_000)  # pending awards of €40
    with pytest.raises(ValidationError):
        post(world, [Leg("fund", FUND, -6_001), Leg("recipient", 3, 6_001)], source=Source.DISBURSEMENT)
    post(world, [Leg("fund", FUND, -6_000), Leg("recipient", 3, 6_000)], source=Source.DISBURSEMENT)
    assert fund(world).balance_cents == 4_000
    # a refund that would overdraw the fund is refused as well
    with pytest.raises(ValidationError):
        group_reverse(actor=world.officer, group=PostingGroup.objects.get(seq=1), reason_code=ReasonCode.REFUND)


# --- tamper evidence -------------------------------------------------------------------------------


def _verify(city) -> str:
    out = io.StringIO()
    call_command("ledger_verify", "--city", city.slug, stdout=out)
    return out.getvalue()


def _tamper(*statements):
    """Change rows as someone with the database owner's rights would: drop the guard, write,
    put the guard back (all inside the test's transaction)."""
    triggers_drop(connection)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    triggers_create(connection)


def test_ledger_verify_passes_on_a_good_chain(world):
    for cents in (100, 200, 300):
        give(world, cents)
    group_reverse(actor=world.officer, group=PostingGroup.objects.get(seq=2), reason_code=ReasonCode.DUPLICATE)
    assert ledger_chain_verify(city=world.city).ok
    assert f"{world.city.slug}: OK, 4 movements, head {ChainHead.objects.get().last_hash}" in _verify(world.city)


def test_ledger_verify_names_the_movement_whose_posting_was_changed(world):
    for cents in (100, 200, 300, 400):
        give(world, cents)
    second = PostingGroup.objects.get(seq=2)
    # both sides changed, so the movement still sums to zero and the balances are moved too: only
    # the hash tells
    _tamper(
        ("UPDATE ledger_posting SET amount_cents = amount_cents * 10 WHERE group_id = %s", [second.pk]),
        ("UPDATE ledger_account SET balance_cents = balance_cents + 1800 WHERE kind = 'fund'", []),
        ("UPDATE ledger_account SET balance_cents = balance_cents - 1800 WHERE kind = 'giver'", []),
    )
    with pytest.raises(CommandError, match=r"broken at movement #2: its content does not match its hash"):
        _verify(world.city)


def test_ledger_verify_names_a_movement_rewritten_with_a_new_hash(world):
    for cents in (100, 200, 300):
        give(world, cents)
    first = PostingGroup.objects.get(seq=1)
    # the forger recomputes the first movement's hash after changing its date: the next one no
    # longer follows it
    first.effective_on = datetime.date(2020, 1, 1)
    new_hash = ledger_services.group_hash(
        prev_hash=first.prev_hash,
        content=ledger_services.group_content(first),
        postings=[(p.account.kind, p.account.ref_id, p.amount_cents, p.quantity, p.unit) for p in first.postings.all()],
    )
    _tamper(("UPDATE ledger_group SET effective_on = '2020-01-01', hash = %s WHERE id = %s", [new_hash, first.pk]))
    report = ledger_chain_verify(city=world.city)
    assert report.broken == (2, "does not follow the previous movement")


def test_ledger_verify_finds_a_movement_slipped_in_without_the_service(world):
    """Inserting is not refused by the triggers: a forged movement is found all the same."""
    give(world, 100)
    head = ChainHead.objects.get()
    forged = PostingGroup.objects.create(
        city=world.city,
        seq=2,
        source="fund_contribution",
        resource_kind="money",
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
        prev_hash=head.last_hash,
        hash="a" * 64,
    )
    Posting.objects.create(city=world.city, group=forged, account=fund(world), amount_cents=-100)
    Posting.objects.create(
        city=world.city,
        group=forged,
        account=account_of(city=world.city, kind="giver", ref_id=world.company.pk),
        amount_cents=100,
    )
    assert ledger_chain_verify(city=world.city).broken == (2, "its content does not match its hash")


def test_ledger_verify_finds_a_stored_balance_that_is_not_the_sum_of_postings(world):
    give(world, 100)
    Account.objects.filter(kind="fund").update(balance_cents=1_000_000)  # accounts are not guarded by triggers
    report = ledger_chain_verify(city=world.city)
    assert report.broken[0] == 0 and "balance of Fondo" in report.broken[1]


def test_each_city_has_its_own_chain(two_cities):
    from django_scopes import scope

    for each in (two_cities.milan, two_cities.nantes):
        with scope(city=each.city.pk):
            give(each, 100)
    cities = [two_cities.milan.city, two_cities.nantes.city]  # the demo's cities may have movements too
    groups = PostingGroup.objects.with_scopes_disabled().filter(city__in=cities)
    assert sorted(groups.values_list("seq", flat=True)) == [1, 1]
    for each in (two_cities.milan, two_cities.nantes):
        assert ledger_chain_verify(city=each.city).ok


# --- verified pledges ------------------------------------------------------------------------------


@pytest.fixture
def need(world):
    lines = [
        dict(kind=ResourceKind.MONEY, label="Contributo", quantity=500_000, value_cents=500_000),
        dict(kind=ResourceKind.VOLUNTEER_TIME, label="Tutor", quantity=40, value_cents=120_000),
    ]
    area = next(iter(world.areas.values()))
    return NeedFactory(city=world.city, owner=world.city_hall, lines=lines, published=True, area=area)


def verified_pledge(world, need):
    money, hours = need.lines.order_by("pk")
    pledge = pledge_propose(
        actor=world.representative, need=need, organisation=world.company, items=[(money, 200_000), (hours, 10)]
    )
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=world.representative, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=world.representative, pledge=pledge, to=Pledge.State.DELIVERED)
    return pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.VERIFIED)


def test_verifying_a_pledge_posts_one_movement_per_item(world, need):
    pledge = verified_pledge(world, need)
    groups = list(PostingGroup.objects.order_by("seq"))
    assert [(g.source, g.resource_kind, g.valuation, g.motivation) for g in groups] == [
        ("pledge", "money", "face_value", "community_investment"),
        ("pledge", "volunteer_time", "cost", "community_investment"),
    ]
    money, hours = groups
    assert money.effective_on == pledge.verified_at.date() and money.area_code == need.area.code
    assert sorted(money.postings.values_list("account__kind", "amount_cents", "quantity")) == [
        ("giver", -200_000, 0),
        ("need", 200_000, 0),
    ]
    assert sorted(hours.postings.values_list("account__kind", "amount_cents", "quantity", "unit")) == [
        ("giver", -30_000, -10, "hours"),
        ("need", 30_000, 10, "hours"),
    ]
    assert account_of(city=world.city, kind="need", ref_id=need.pk).balance_cents == 230_000
    assert ledger_chain_verify(city=world.city).ok
    assert AuditEvent.objects.filter(verb="ledger.post").count() == 2


def test_the_backfill_posts_verified_pledges_once(world, need, monkeypatch):
    """Pledges verified before the ledger existed: the migration writes them, once."""
    monkeypatch.setattr(pledge_services, "pledge_ledger_post", lambda **kwargs: 0)  # as before this work
    verified_pledge(world, need)
    monkeypatch.undo()
    assert not PostingGroup.objects.exists()
    assert pledges_ledger_backfill() == 2
    assert pledges_ledger_backfill() == 0
    assert PostingGroup.objects.count() == 2 and ledger_chain_verify(city=world.city).ok


def test_the_migration_runs_the_backfill(world, need, monkeypatch):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cities4csr.pledges.migrations.0005_verified_pledges_into_ledger")
    migration._backfill(apps, None)  # nothing verified: nothing to do
    assert not PostingGroup.objects.exists()
    monkeypatch.setattr(pledge_services, "pledge_ledger_post", lambda **kwargs: 0)
    verified_pledge(world, need)
    monkeypatch.undo()
    migration._backfill(apps, None)
    migration._backfill(apps, None)
    assert PostingGroup.objects.count() == 2


# --- the officers' read-only API -------------------------------------------------------------------


def test_officers_read_the_city_ledger_through_the_api_and_no_one_else(world, client):
    gift = give(world, 10_000)
    group_reverse(actor=world.officer, group=gift, reason_code=ReasonCode.ENTERED_IN_ERROR)
    url = f"/api/v1/cities/{world.city.slug}/ledger/"
    client.force_login(world.officer)
    answer = client.get(url)
    assert answer.status_code == 200
    first, second = answer.json()["results"]
    assert (first["seq"], first["source"], first["hash"], first["reverses"]) == (
        1,
        "fund_contribution",
        gift.hash,
        None,
    )
    assert (second["reverses"], second["reason_code"]) == (1, "entered_in_error")
    assert sorted((p["account_kind"], p["amount_cents"]) for p in first["postings"]) == [
        ("fund", 10_000),
        ("giver", -10_000),
    ]
    for who in (world.representative, world.resident):
        client.force_login(who)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code in (401, 403)
    assert client.post(url, {}).status_code in (401, 403, 405)


def test_emptying_the_whole_database_takes_the_ledger_with_it_and_nothing_else_deletes(world):
    """flush (the tests' teardown, restore --force) deletes row by row on SQLite: allowed then only."""
    give(world, 100)
    connection.check_constraints()  # PostgreSQL does not truncate with deferred checks pending
    call_command("flush", interactive=False, verbosity=0)
    assert not Posting.objects.exists() and not PostingGroup.objects.exists()
    from cities4csr.cities.tests.factories import CityFactory

    city = CityFactory(slug="again")
    group = group_post(
        actor=None,
        city=city,
        legs=[Leg("giver", 1, -100), Leg("fund", FUND, 100)],
        source=Source.FUND_CONTRIBUTION,
        resource_kind=ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_posting WHERE group_id = %s", [group.pk])


def test_ledger_verify_finds_a_running_balance_that_was_changed(world):
    for cents in (100, 200):
        give(world, cents)
    second = PostingGroup.objects.get(seq=2)
    _tamper(
        (
            "UPDATE ledger_posting SET balance_after_cents = 999 WHERE group_id = %s AND amount_cents > 0",
            [second.pk],
        ),
    )
    assert ledger_chain_verify(city=world.city).broken == (2, "the running balance of Fondo is not the sum before it")
