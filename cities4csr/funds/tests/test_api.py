"""The funds API with the pages' permissions: anyone reads funds and gives without an account;
officers receive, refund, award and pay out; refusals carry stable codes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from rest_framework.test import APIClient

from cities4csr.funds.models import Award, Contribution
from cities4csr.funds.services import award_propose
from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose

pytestmark = pytest.mark.django_db


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _base(world):
    return f"/api/v1/cities/{world.city.slug}/funds/"


def test_anyone_reads_the_funds_with_their_figures(world):
    fund = a_fund(world, target_cents=1_000_000)
    a_gift(world, fund, 250_000)
    listing = _api().get(_base(world)).json()
    (item,) = listing
    assert item["slug"] == fund.slug
    assert item["figures"]["balance_cents"] == 250_000 and item["figures"]["available_cents"] == 250_000
    assert item["figures"]["percent"] == 25
    detail = _api().get(_base(world) + f"{fund.slug}/").json()
    assert detail["figures"]["raised_cents"] == 250_000
    assert _api().get(_base(world) + "nope/").status_code == 404


def test_an_anonymous_donor_gives_once_and_gets_the_payment_instruction(world):
    fund = a_fund(world)
    body = {"fund": fund.slug, "amount_cents": 2000, "donor_kind": "citizen", "donor_name": "Maria Rossi"}
    first = _api().post(_base(world) + "contributions/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["payment"]["iban"] == fund.iban and data["payment"]["amount_cents"] == 2000
    assert data["payment"]["reference"].startswith("RF") and data["state"] == "pending"
    again = _api().post(_base(world) + "contributions/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["id"] == data["id"]
    with scope(city=world.city.pk):
        assert Contribution.objects.count() == 1
    token = data["link"].rstrip("/").rsplit("/", 1)[-1]
    mine = _api().get(_base(world) + f"contributions/by-token/{token}/")
    assert mine.status_code == 200 and mine.json()["reference"] == data["reference"]
    assert "donor_email" not in mine.json()
    assert _api().get(_base(world) + "contributions/by-token/not-a-token-at-all-xx/").status_code == 404


@pytest.mark.parametrize("amount", ["abc", 0, -5, 10**20, "1.234"])
def test_a_bad_amount_is_a_400_with_a_code_and_writes_nothing(world, amount):
    fund = a_fund(world)
    body = {"fund": fund.slug, "amount_cents": amount, "donor_kind": "citizen", "donor_name": "X"}
    response = _api().post(_base(world) + "contributions/", body, format="json")
    assert response.status_code == 400
    assert "amount_cents" in response.json()["codes"]
    with scope(city=world.city.pk):
        assert not Contribution.objects.exists()


def test_an_unavailable_channel_is_refused(world):
    fund = a_fund(world)
    body = {"fund": fund.slug, "amount_cents": 100, "donor_kind": "citizen", "donor_name": "X", "channel": "card"}
    response = _api().post(_base(world) + "contributions/", body, format="json")
    assert response.status_code == 400 and response.json()["codes"]["channel"] == ["unavailable"]


def test_only_officers_list_and_act_on_contributions(world):
    fund = a_fund(world)
    pending = a_gift(world, fund, 10_000, received=False)
    for user in (None, world.representative):
        assert _api(user).get(_base(world) + "contributions/").status_code in (401, 403)
        assert _api(user).post(_base(world) + f"contributions/{pending.pk}/receive/", {}).status_code in (401, 403)
    officer = _api(world.officer)
    listing = officer.get(_base(world) + "contributions/", {"state": "pending", "q": "rossi"}).json()
    assert [row["id"] for row in listing["results"]] == [pending.pk]
    received = officer.post(
        _base(world) + f"contributions/{pending.pk}/receive/", {"received_on": "2026-04-02"}, format="json"
    )
    assert received.status_code == 200 and received.json()["state"] == "received"
    too_much = officer.post(
        _base(world) + f"contributions/{pending.pk}/refund/", {"amount_cents": 20_000, "reason": "x"}, format="json"
    )
    assert too_much.status_code == 400 and too_much.json()["codes"]["amount_cents"] == ["too_much"]
    part = officer.post(
        _base(world) + f"contributions/{pending.pk}/refund/", {"amount_cents": 4000, "reason": "asked"}, format="json"
    )
    assert part.json()["state"] == "partly_refunded" and part.json()["refunded_cents"] == 4000


def test_officers_award_within_the_available_money_and_pay_out_with_a_receipt(world):
    from cities4csr.core.tests.test_upload_cleaning import pdf

    fund = a_fund(world)
    a_gift(world, fund, 100_000)
    purpose = a_purpose(world)
    officer = _api(world.officer)
    assert _api(world.representative).get(_base(world) + "awards/").status_code == 403
    body = {
        "fund": fund.slug,
        "purpose": purpose.pk,
        "description": "Buoni spesa",
        "act_number": "DG 412",
        "act_on": "2026-04-02",
        "amount_cents": 150_000,
        "organisation": world.third_sector.pk,
    }
    created = officer.post(_base(world) + "awards/", body, format="json")
    assert created.status_code == 201, created.json()
    award_id = created.json()["id"]
    refused = officer.post(_base(world) + f"awards/{award_id}/transition/", {"to": "approved"}, format="json")
    assert refused.status_code == 400 and "over_available" in str(refused.json()["codes"])
    smaller = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=purpose,
        description="Nidi",
        act_number="DG 413",
        act_on=datetime.date(2026, 4, 3),
        amount_cents=60_000,
        organisation=world.third_sector,
    )
    approved = officer.post(_base(world) + f"awards/{smaller.pk}/transition/", {"to": "approved"}, format="json")
    assert approved.json()["state"] == "approved"
    receipt = SimpleUploadedFile("ricevuta.pdf", pdf(), content_type="application/pdf")
    paid = officer.post(
        _base(world) + f"awards/{smaller.pk}/disbursements/",
        {"amount_cents": "60000", "paid_on": "2026-04-05", "receipt": receipt},
        format="multipart",
    )
    assert paid.status_code == 201, paid.json()
    assert paid.json()["receipt"]
    with scope(city=world.city.pk):
        assert Award.objects.get(pk=smaller.pk).state == Award.State.PAID


def test_officers_create_and_correct_a_fund_and_others_cannot(world):
    body = {
        "slug": "scuole",
        "title": "Fondo scuole",
        "purpose": "Arredi",
        "opens_on": "2026-03-01",
        "iban": "IT60 X054 2811 1010 0000 0123 456",
        "beneficiary": "Comune",
        "target_cents": 5_000_000,
    }
    assert _api(world.representative).post(_base(world), body, format="json").status_code == 403
    bad = _api(world.officer).post(_base(world), {**body, "iban": "IT00 0000"}, format="json")
    assert bad.status_code == 400 and bad.json()["codes"]["iban"] == ["invalid_iban"]
    created = _api(world.officer).post(_base(world), body, format="json")
    assert created.status_code == 201 and created.json()["iban"] == "IT60X0542811101000000123456"
    patched = _api(world.officer).patch(_base(world) + "scuole/", {"title": "Scuole belle"}, format="json")
    assert patched.status_code == 200 and patched.json()["title"] == "Scuole belle"
    assert _api(world.representative).patch(_base(world) + "scuole/", {"title": "x"}, format="json").status_code == 403
