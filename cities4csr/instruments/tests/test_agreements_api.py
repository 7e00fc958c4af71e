"""A pledge's agreement through the API: the same services, permissions and messages as the pages."""

import pytest
from django.test import Client

from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.pledges.models import Pledge

from .conftest import SPONSORSHIP


def api(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_confirm_notice_and_conclude_through_the_api(accepted_pledge, users, django_assert_max_num_queries):
    pledge = accepted_pledge(45_000)
    url = f"/api/v1/cities/milano/pledges/{pledge.pk}/agreement/"
    officer = api(users["milano", "officer"])
    answers = {**answers_from_pledge(pledge), **SPONSORSHIP}
    assert officer.get(url).status_code == 404
    wrong = officer.post(
        url, {"answers": {**answers, "colour": "red"}, "instrument": "sponsorship"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "colour" in wrong.json()["answers"]
    rep = api(users["milano", "representative"])
    assert (
        rep.post(url, {"answers": answers, "instrument": "sponsorship"}, content_type="application/json").status_code
        == 403
    )
    created = officer.post(url, {"answers": answers, "instrument": "sponsorship"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["instrument"] == "sponsorship" and body["advice"]["rule"] == "IT-04"
    assert body["steps"][0]["code"] == "public_notice" and body["steps"][0]["blocks_agreement"]
    refused = officer.post(url + "conclude/", content_type="application/json")
    assert refused.status_code == 400 and "Publish the public notice" in str(refused.json())
    officer.post(url + "notice/", {"published_on": "2026-01-05"}, content_type="application/json")
    concluded = officer.post(url + "conclude/", content_type="application/json")
    assert concluded.status_code == 200 and concluded.json()["agreed_on"]
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.AGREED
    item = officer.post(
        url + "returns/", {"kind": "naming", "description": "Sala «Brera»"}, content_type="application/json"
    )
    assert item.status_code == 201
    assert (
        officer.post(
            url + "returns/", {"kind": "bribe", "description": "x"}, content_type="application/json"
        ).status_code
        == 400
    )
    with django_assert_max_num_queries(16):
        shown = rep.get(url)  # the pledging company sees its agreement
    assert shown.status_code == 200 and shown.json()["returns"][0]["description"] == "Sala «Brera»"
    assert api(users["nantes", "officer"]).get(url).status_code in (403, 404)
