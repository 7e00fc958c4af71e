"""Correcting a need and its lines: who may, in which states, and never below what is pledged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.services import line_delete, line_update, need_delete, need_transition, need_update
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.tests.factories import PledgeFactory


@pytest.fixture
def pledged(world):
    """A published need of the third-sector body: €1,000 asked, €600 pledged by the company."""
    need = NeedFactory(
        city=world.city,
        owner=world.third_sector,
        lines=[
            dict(kind=ResourceKind.MONEY, label="Contributo", quantity=100_000),
            dict(kind=ResourceKind.GOODS, label="Banchi", quantity=10, value_cents=80_000),
        ],
        published=True,
    )
    money = need.lines.get(kind=ResourceKind.MONEY)
    pledge = PledgeFactory(need=need, organisation=world.company, items=[(money, 60_000)])
    return need, money, pledge


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "admin", "third_sector_representative"])
def test_officers_and_the_owner_correct_a_need(world, pledged, who):
    need, _money, pledge = pledged
    updated = need_update(actor=getattr(world, who), need=need, title="Aule all'aperto", beneficiary_group="Bambini")
    assert (updated.title, updated.beneficiary_group) == ("Aule all'aperto", "Bambini")
    assert "aule all'aperto" in updated.search_text
    event = AuditEvent.objects.filter(verb="need.update", object_id=str(need.pk)).get()
    assert event.payload == {"fields": ["beneficiary_group", "title"]}
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PROPOSED and pledge.value_cents == 60_000


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["representative", "member", "other_representative", "volunteer", "resident"])
def test_others_cannot_correct_a_need(world, pledged, who):
    need, money, _pledge = pledged
    for attempt in (
        lambda: need_update(actor=getattr(world, who), need=need, title="X"),
        lambda: line_update(actor=getattr(world, who), line=money, quantity=200_000),
        lambda: line_delete(actor=getattr(world, who), line=need.lines.get(kind=ResourceKind.GOODS)),
        lambda: need_delete(actor=getattr(world, who), need=need),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert Need.objects.get(pk=need.pk).title == need.title
    assert need.lines.count() == 2


@pytest.mark.django_db
def test_the_other_citys_officer_cannot_correct(two_cities):
    from django_scopes import scope

    with scope(city=two_cities.milan.city.pk):
        need = NeedFactory(city=two_cities.milan.city, published=True)
        with pytest.raises(PermissionDenied):
            need_update(actor=two_cities.nantes.officer, need=need, title="X")


@pytest.mark.django_db
def test_a_line_is_raised_and_lowered_but_never_below_what_is_pledged(world, pledged):
    need, money, pledge = pledged
    line_update(actor=world.officer, line=money, quantity=150_000)
    need.refresh_from_db()
    assert need.value_requested_cents == 150_000 + 80_000
    assert need.value_committed_cents == 60_000
    line_update(actor=world.officer, line=money, quantity=60_000)  # exactly what is pledged
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        line_update(actor=world.officer, line=money, quantity=59_999)
    assert refused.value.error_dict["quantity"][0].code == "below_committed"
    assert "600,00\u00a0€ de cette ligne sont déjà engagés" in refused.value.messages[0]
    money.refresh_from_db()
    assert (money.quantity, money.committed) == (60_000, 60_000)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PROPOSED
    assert list(pledge.items.values_list("quantity", "value_cents")) == [(60_000, 60_000)]
    assert AuditEvent.objects.filter(verb="line.update", object_id=str(money.pk)).count() == 2


@pytest.mark.django_db
def test_a_goods_line_keeps_its_unit_value_when_its_quantity_changes(world, pledged):
    need, _money, _pledge = pledged
    goods = need.lines.get(kind=ResourceKind.GOODS)
    line_update(actor=world.officer, line=goods, quantity=20, label="Banchi e sedie")
    goods.refresh_from_db()
    assert (goods.quantity, goods.value_cents, goods.label, goods.unit) == (20, 160_000, "Banchi e sedie", "units")


@pytest.mark.django_db
def test_a_pledged_line_keeps_its_kind_and_is_not_deleted(world, pledged):
    need, money, _pledge = pledged
    with pytest.raises(ValidationError) as refused:
        line_update(actor=world.officer, line=money, kind=ResourceKind.GOODS, quantity=5, value_cents=100)
    assert refused.value.error_dict["kind"][0].code == "line_pledged"
    with pytest.raises(ValidationError) as refused:
        line_delete(actor=world.officer, line=money)
    assert refused.value.code == "line_pledged"
    assert ResourceLine.objects.filter(pk=money.pk).exists()
    assert not AuditEvent.objects.filter(verb="line.delete").exists()


@pytest.mark.django_db
def test_a_declined_pledge_still_keeps_its_line(world, pledged):
    need, money, pledge = pledged
    from cities4csr.pledges.services import pledge_transition

    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.DECLINED, reason="Doppione")
    money.refresh_from_db()
    assert money.committed == 0
    line_update(actor=world.officer, line=money, quantity=1)  # nothing pledged any more
    with pytest.raises(ValidationError):
        line_delete(actor=world.officer, line=money)  # but the declined pledge's record stays


@pytest.mark.django_db
def test_an_unpledged_line_is_deleted_and_the_totals_follow(world, pledged):
    need, _money, _pledge = pledged
    goods = need.lines.get(kind=ResourceKind.GOODS)
    line_delete(actor=world.third_sector_representative, line=goods)
    need.refresh_from_db()
    assert need.value_requested_cents == 100_000 and need.kinds == "|money|"
    assert AuditEvent.objects.filter(verb="line.delete", object_id=str(goods.pk)).exists()


@pytest.mark.django_db
def test_a_closed_need_is_no_longer_corrected(world, pledged):
    need, money, _pledge = pledged
    need_transition(actor=world.officer, need=need, to=Need.State.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        need_update(actor=world.officer, need=need, title="X")
    assert refused.value.code == "not_editable"
    with pytest.raises(ValidationError):
        line_update(actor=world.officer, line=money, quantity=200_000)


@pytest.mark.django_db
def test_bad_input_writes_nothing(world, pledged):
    need, money, _pledge = pledged
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        need_update(actor=world.officer, need=need, title="Nuovo", starts_on="2027-05-01", ends_on="2027-04-01")
    assert refused.value.error_dict["ends_on"][0].code == "dates_order"
    with pytest.raises(ValidationError):
        need_update(actor=world.officer, need=need, sdgs=["99"])
    with pytest.raises(ValidationError):
        line_update(actor=world.officer, line=money, quantity=0)
    need.refresh_from_db()
    assert need.title != "Nuovo" and need.starts_on is None
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_only_an_unpledged_draft_is_deleted(world, pledged):
    need, _money, _pledge = pledged
    with pytest.raises(ValidationError) as refused:
        need_delete(actor=world.officer, need=need)
    assert refused.value.code == "not_deletable"
    draft = NeedFactory(city=world.city, owner=world.third_sector, lines=[dict(kind="money", label="X", quantity=5)])
    need_delete(actor=world.third_sector_representative, need=draft)
    assert not Need.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(verb="need.delete", object_id=str(draft.pk)).exists()
