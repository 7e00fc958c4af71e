"""Management costs of a company's community programme: B4SI's fourth input, on the ledger."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.ledger.models import Account, PostingGroup
from cities4csr.ledger.selectors import RECEIVERS, flows, ledger_chain_verify
from cities4csr.reporting.services import management_cost_record, management_cost_reverse

ON = datetime.date(2026, 3, 1)


def test_a_representative_records_a_cost_from_the_company_to_its_programme(world):
    group = management_cost_record(
        actor=world.representative, organisation=world.company, amount_cents=150_000, on=ON, memo="Coordinatrice"
    )
    legs = sorted(group.postings.values_list("account__kind", "account__ref_id", "amount_cents"))
    assert legs == [("giver", world.company.pk, -150_000), ("programme", world.company.pk, 150_000)]
    assert (group.source, group.resource_kind, group.motivation, group.valuation) == (
        "management_cost",
        "money",
        "community_investment",
        "declared",
    )
    assert AuditEvent.objects.filter(verb="management_cost.record", object_id=str(world.company.pk)).count() == 1
    # nobody in the city received it: it is not among what needs and recipients got
    assert flows(city=world.city, kinds=RECEIVERS, by=("resource_kind",)) == []
    assert ledger_chain_verify(city=world.city).ok


@pytest.mark.parametrize("who", ["officer", "member", "other_representative", "resident"])
def test_only_the_companys_representatives_record_its_costs(world, who):
    with pytest.raises(PermissionDenied):
        management_cost_record(actor=getattr(world, who), organisation=world.company, amount_cents=100, on=ON)
    assert not PostingGroup.objects.exists()


@pytest.mark.parametrize(
    ("amount", "on", "code"),
    [
        (0, ON, "not_positive"),
        (-5, ON, "not_positive"),
        (10**15, ON, "too_large"),
        (100, datetime.date(2999, 1, 1), "future"),
    ],
)
def test_a_cost_must_be_positive_bounded_and_borne(world, amount, on, code):
    with pytest.raises(ValidationError) as refused:
        management_cost_record(actor=world.representative, organisation=world.company, amount_cents=amount, on=on)
    codes = [e.code for errors in refused.value.error_dict.values() for e in errors]
    assert codes == [code]


def test_a_cost_entered_in_error_is_reversed_once(world):
    group = management_cost_record(actor=world.representative, organisation=world.company, amount_cents=900, on=ON)
    management_cost_reverse(actor=world.representative, organisation=world.company, group=group)
    giver = flows(city=world.city, kinds=(Account.Kind.GIVER,), ref_id=world.company.pk, by=("source",), outgoing=True)
    assert [(f.source, f.value_cents) for f in giver] == [("correction", -900), ("management_cost", 900)]
    with pytest.raises(ValidationError):
        management_cost_reverse(actor=world.representative, organisation=world.company, group=group)
    with pytest.raises(PermissionDenied):
        management_cost_reverse(actor=world.other_representative, organisation=world.company, group=group)
    assert AuditEvent.objects.filter(verb="management_cost.reverse").count() == 1


def test_a_cost_of_another_company_cannot_be_reversed_as_ones_own(world):
    group = management_cost_record(actor=world.representative, organisation=world.company, amount_cents=900, on=ON)
    with pytest.raises(ValidationError):
        management_cost_reverse(actor=world.other_representative, organisation=world.other_company, group=group)


def test_the_page_form_reads_the_amount_in_the_page_language(world):
    client = Client()
    client.force_login(world.representative)
    url = f"/it/{world.city.slug}/workspace/company/statement/{world.company.pk}/costs/"
    response = client.post(url, {"amount": "1.234,50", "on": "01/03/2026", "memo": "Valutazione"})
    assert response.status_code == 302, response.content.decode()[:2000]
    (group,) = PostingGroup.objects.filter(source="management_cost")
    assert group.postings.get(account__kind="programme").amount_cents == 123_450
    page = client.get(response["Location"]).content.decode()
    assert "Valutazione" in page and "1.234,50" in page
    cancel = f"/it/{world.city.slug}/workspace/company/statement/{world.company.pk}/costs/{group.pk}/cancel/"
    assert client.post(cancel).status_code == 302
    assert PostingGroup.objects.filter(reverses=group).count() == 1


def test_the_api_records_and_cancels_a_cost(world):
    client = Client()
    client.force_login(world.representative)
    base = f"/api/v1/cities/{world.city.slug}/organisations/{world.company.pk}/management-costs/"
    created = client.post(base, {"amount_cents": 5000, "on": "2026-03-01"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["amount_cents"] == 5000
    listed = client.get(base).json()
    assert [c["amount_cents"] for c in listed] == [5000]
    cancelled = client.post(f"{base}{created.json()['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    refused = client.post(base, {"amount_cents": 0, "on": "2026-03-01"}, content_type="application/json")
    assert refused.status_code == 400 and "codes" in refused.json()
    officer = Client()
    officer.force_login(world.officer)
    assert officer.get(base).status_code == 200
    assert (
        officer.post(base, {"amount_cents": 5, "on": "2026-03-01"}, content_type="application/json").status_code == 403
    )
    other = Client()
    other.force_login(world.other_representative)
    assert other.get(base).status_code == 403
