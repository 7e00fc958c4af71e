"""Hours: proposed from attendance, confirmed by the host and the company (verified delivery) or
at once under the city's automatic modes, in bulk, declined with a reason, corrected by a new
entry; approved hours are time contributions in the ledger and fill the need's line."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cities4csr.ledger.models import Account, Posting, PostingGroup, Source
from cities4csr.ledger.selectors import group_of_source, ledger_chain_verify
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.offers.models import CsrProfile
from cities4csr.volunteering import selectors, services
from cities4csr.volunteering.models import HoursEntry
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
START = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=ROME)


def hours(n):
    return datetime.timedelta(hours=n)


@pytest.fixture
def need(world):
    need = NeedFactory(
        city=world.city,
        owner=world.city_hall,
        published=True,
        lines=[dict(kind=ResourceKind.VOLUNTEER_TIME, label="Ore di volontariato", quantity=40, value_cents=80_000)],
    )
    return need


@pytest.fixture
def activity(world, need):
    return an_activity(world, need=need, line=need.lines.get(), preparation_minutes=30)


@pytest.fixture
def slot(activity):
    return a_slot(activity, starts_at=START, ends_at=START + hours(4))


def policy(world, **volunteering):
    world.city.policy = {**world.city.policy, "volunteering": volunteering}
    world.city.save()


def attend(world, registration, *, stay=4):
    """Check ``registration`` in at 9:00 and out ``stay`` hours later (as the host)."""
    host = world.third_sector_representative
    with time_machine.travel(START, tick=False):
        services.registration_check_in(actor=host, registration=registration)
    with time_machine.travel(START + hours(stay), tick=False):
        services.registration_check_out(actor=host, registration=registration)
    return HoursEntry.objects.get(registration=registration, corrects__isnull=True)


def movement(entry):
    group = group_of_source(city=entry.city, source_ref=f"volunteering.hoursentry:{entry.pk}")
    return group, {
        (p.account.kind, p.account.ref_id): (p.amount_cents, p.quantity, p.unit) for p in group.postings.all()
    }


def test_an_employees_hours_need_both_the_host_and_the_company(world, need, slot):
    CsrProfile.objects.create(city=world.city, organisation=world.company, volunteer_hour_cost_cents=3_000)
    entry = attend(world, a_registration(slot, world.member, company=world.company))
    assert entry.minutes == 4 * 60 + 30 and entry.state == HoursEntry.State.PROPOSED

    (entry,) = services.hours_approve(actor=world.third_sector_representative, entries=[entry])
    assert entry.state == HoursEntry.State.PROPOSED and entry.host_approved_by == world.third_sector_representative
    assert not PostingGroup.objects.filter(source=Source.VOLUNTEERING).exists()

    (entry,) = services.hours_approve(actor=world.representative, entries=[entry])
    entry.refresh_from_db()
    assert entry.state == HoursEntry.State.APPROVED
    assert (entry.rate_cents, entry.rate_source) == (3_000, "company")
    group, legs = movement(entry)
    assert legs == {
        (Account.Kind.GIVER, world.company.pk): (-13_500, -270, "minutes"),  # 4.5 h at €30
        (Account.Kind.NEED, need.pk): (13_500, 270, "minutes"),
    }
    assert group.resource_kind == ResourceKind.VOLUNTEER_TIME and group.valuation == "cost"
    assert group.motivation == "community_investment" and group.effective_on == datetime.date(2027, 3, 15)
    line = need.lines.get()
    assert line.committed == 4  # whole hours of 4 h 30
    assert ledger_chain_verify(city=world.city).ok


def test_a_person_on_their_own_needs_only_the_host_and_gives_from_the_citizens_account(world, need, slot):
    policy(world, hour_rate_cents=1_800)
    entry = attend(world, a_registration(slot, world.resident), stay=2)
    (entry,) = services.hours_approve(actor=world.third_sector_representative, entries=[entry])
    assert entry.state == HoursEntry.State.APPROVED and entry.rate_source == "city"
    _group, legs = movement(entry)
    assert legs[Account.Kind.PUBLIC, 0] == (-4_500, -150, "minutes")  # 2.5 h at €18


def test_an_activity_without_a_need_credits_its_host(world):
    activity = an_activity(world, slug="senza-bisogno")
    slot = a_slot(activity, starts_at=START, ends_at=START + hours(2))
    entry = attend(world, a_registration(slot, world.resident), stay=2)
    (entry,) = services.hours_approve(actor=world.third_sector_representative, entries=[entry])
    _group, legs = movement(entry)
    assert legs[Account.Kind.RECIPIENT, world.third_sector.pk] == (0, 120, "minutes")  # no rate: hours, no value


@pytest.mark.parametrize("who", ["member", "other_representative", "officer", "resident"])
def test_nobody_else_approves(world, slot, who):
    entry = attend(world, a_registration(slot, world.member, company=world.company))
    with pytest.raises(PermissionDenied):
        services.hours_approve(actor=getattr(world, who), entries=[entry])
    entry.refresh_from_db()
    assert entry.host_approved_at is None and entry.company_approved_at is None


def test_automatic_approval_at_check_out(world, need, slot):
    policy(world, hours_approval="automatic", hour_rate_cents=2_000)
    entry = attend(world, a_registration(slot, world.member, company=world.company))
    assert entry.state == HoursEntry.State.APPROVED
    assert group_of_source(city=world.city, source_ref=f"volunteering.hoursentry:{entry.pk}") is not None


def test_automatic_under_a_number_of_hours(world, need, slot):
    policy(world, hours_approval="automatic_under", auto_max_hours=3)
    short = attend(world, a_registration(slot, world.resident), stay=2)  # 2.5 h with preparation
    long = attend(world, a_registration(slot, world.member), stay=4)  # 4.5 h
    assert short.state == HoursEntry.State.APPROVED and long.state == HoursEntry.State.PROPOSED


def test_bulk_approval_is_all_or_nothing(world, need, slot):
    entries = [attend(world, a_registration(slot, user), stay=2) for user in (world.resident, world.volunteer)]
    other = an_activity(world, slug="altra", host=world.other_company)
    foreign = attend_other(world, other)
    with pytest.raises(PermissionDenied):
        services.hours_approve(actor=world.third_sector_representative, entries=[*entries, foreign])
    assert not HoursEntry.objects.filter(state=HoursEntry.State.APPROVED).exists()
    approved = services.hours_approve(actor=world.third_sector_representative, entries=entries)
    assert {e.state for e in approved} == {HoursEntry.State.APPROVED}
    assert need.lines.get().committed == 5  # 2 × 2.5 h
    assert ledger_chain_verify(city=world.city).ok


def attend_other(world, activity):
    slot = a_slot(activity, starts_at=START, ends_at=START + hours(2))
    registration = a_registration(slot, world.member)
    with time_machine.travel(START, tick=False):
        services.registration_check_in(actor=world.other_representative, registration=registration)
    with time_machine.travel(START + hours(2), tick=False):
        services.registration_check_out(actor=world.other_representative, registration=registration)
    return HoursEntry.objects.get(registration=registration)


def test_decline_says_why(world, slot):
    entry = attend(world, a_registration(slot, world.member, company=world.company))
    with pytest.raises(ValidationError):
        services.hours_decline(actor=world.representative, entry=entry, reason=" ")
    services.hours_decline(actor=world.representative, entry=entry, reason="Non era una giornata aziendale")
    entry.refresh_from_db()
    assert entry.state == HoursEntry.State.DECLINED


def test_a_correction_reverses_the_movement_posts_a_new_one_and_moves_the_line(world, need, slot):
    policy(world, hours_approval="automatic", hour_rate_cents=2_000)
    old = attend(world, a_registration(slot, world.resident))  # 4.5 h, approved at once
    assert need.lines.get().committed == 4
    new = services.hours_correct(
        actor=world.third_sector_representative, entry=old, minutes=6 * 60, reason="Ha aiutato anche a pulire"
    )
    old.refresh_from_db()
    assert old.state == HoursEntry.State.CORRECTED and new.corrects == old
    assert new.state == HoursEntry.State.APPROVED and new.minutes == 360
    old_group, _legs = movement(old)
    reversal = PostingGroup.objects.get(reverses=old_group)
    assert reversal.source == Source.CORRECTION and reversal.reason_code == "entered_in_error"
    _group, legs = movement(new)
    assert legs[Account.Kind.NEED, need.pk] == (12_000, 360, "minutes")
    need_account = Account.objects.get(kind=Account.Kind.NEED, ref_id=need.pk)
    assert sum(Posting.objects.filter(account=need_account).values_list("quantity", flat=True)) == 360
    assert need.lines.get().committed == 6
    need.refresh_from_db()
    assert need.value_committed_cents == 12_000  # 6 of the line's 40 hours worth €800
    assert ledger_chain_verify(city=world.city).ok
    with pytest.raises(ValidationError):  # a corrected entry is not corrected again
        services.hours_correct(actor=world.third_sector_representative, entry=old, minutes=60, reason="ancora")


def test_declared_hours_of_a_flexible_task(world):
    activity = an_activity(world, slug="compito", kind="flexible")
    slot = a_slot(activity, starts_at=START, ends_at=START + datetime.timedelta(days=30))
    registration = a_registration(slot, world.resident)
    with pytest.raises(PermissionDenied):
        services.hours_declare(actor=world.member, registration=registration, minutes=90)
    entry = services.hours_declare(actor=world.resident, registration=registration, minutes=90, note="Traduzioni")
    assert entry.state == HoursEntry.State.PROPOSED and entry.minutes == 90
    with pytest.raises(ValidationError):
        services.hours_declare(actor=world.resident, registration=registration, minutes=30)


def test_the_company_sees_its_employees_hours_and_no_one_elses(world, slot):
    mine = attend(world, a_registration(slot, world.member, company=world.company))
    other_employee = attend(world, a_registration(slot, world.other_representative, company=world.other_company))
    alone = attend(world, a_registration(slot, world.resident))
    assert list(selectors.hours_visible(actor=world.representative, city=world.city)) == [mine]
    assert list(selectors.hours_visible(actor=world.other_representative, city=world.city)) == [other_employee]
    assert set(selectors.hours_visible(actor=world.third_sector_representative, city=world.city)) == {
        mine,
        other_employee,
        alone,
    }
    assert list(selectors.hours_visible(actor=world.resident, city=world.city)) == [alone]
    assert not selectors.hours_visible(actor=world.officer, city=world.city).exists()


# --- the API ---------------------------------------------------------------------------------


def api(world, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    base = f"/api/v1/cities/{world.city.slug}/volunteering/"
    return client, base


def test_the_api_lists_approves_declines_and_corrects(world, need, slot):
    CsrProfile.objects.create(city=world.city, organisation=world.company, volunteer_hour_cost_cents=3_000)
    mine = attend(world, a_registration(slot, world.member, company=world.company))
    other = attend(world, a_registration(slot, world.other_representative, company=world.other_company))

    company, base = api(world, world.representative)
    listed = company.get(base + "hours/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [mine.pk]
    refused = company.post(base + "hours/approve/", {"ids": [mine.pk, other.pk]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["codes"] == {"ids": ["not_found"]}

    host, _base = api(world, world.third_sector_representative)
    answer = host.post(base + "hours/approve/", {"ids": [mine.pk, other.pk]}, content_type="application/json")
    assert answer.status_code == 200 and {row["state"] for row in answer.json()} == {"proposed"}
    answer = company.post(base + "hours/approve/", {"ids": [mine.pk]}, content_type="application/json")
    assert answer.json()[0]["state"] == "approved" and answer.json()[0]["rate_source"] == "company"

    declined = host.post(f"{base}hours/{other.pk}/decline/", {"reason": ""}, content_type="application/json")
    assert declined.status_code == 400
    declined = host.post(f"{base}hours/{other.pk}/decline/", {"reason": "Doppione"}, content_type="application/json")
    assert declined.json()["state"] == "declined"

    corrected = host.post(
        f"{base}hours/{mine.pk}/correct/", {"minutes": 300, "reason": "Orario errato"}, content_type="application/json"
    )
    assert corrected.status_code == 201 and corrected.json()["corrects"] == mine.pk
    assert ledger_chain_verify(city=world.city).ok
