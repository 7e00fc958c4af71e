"""The time a company's people gave, read from the ledger (``time_given``) and shown on the
company's public page: by need, net of a correction's reversal, money movements left out."""

import datetime

import pytest

from cities4csr.ledger.models import ReasonCode, Source
from cities4csr.ledger.selectors import time_given
from cities4csr.ledger.services import Leg, group_post, group_reverse
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 28)


def hours(world, need, minutes, rate_cents=3_200, *, ref):
    """Approved volunteering: ``minutes`` of the company's people to ``need``, valued at cost."""
    cents = minutes * rate_cents // 60
    return group_post(
        actor=None,
        city=world.city,
        legs=[
            Leg("giver", world.company.pk, -cents, -minutes, "minutes", world.company.name),
            Leg("need", need.pk, cents, minutes, "minutes", need.title),
        ],
        source=Source.VOLUNTEERING,
        source_ref=ref,
        resource_kind=ResourceKind.VOLUNTEER_TIME,
        motivation="community_investment",
        valuation="cost",
        effective_on=DAY,
    )


def test_the_time_a_company_gave_is_read_by_need_net_of_reversals(world):
    school, park = NeedFactory(city=world.city), NeedFactory(city=world.city)
    hours(world, school, 180, ref="volunteering.hoursentry:1")
    hours(world, school, 120, ref="volunteering.hoursentry:2")
    wrong = hours(world, park, 240, ref="volunteering.hoursentry:3")
    group_reverse(actor=None, group=wrong, reason_code=ReasonCode.ENTERED_IN_ERROR, source_ref="x:reversal")
    hours(world, park, 60, ref="volunteering.hoursentry:4")
    # money given to a fund is not time
    group_post(
        actor=None,
        city=world.city,
        legs=[Leg("giver", world.company.pk, -5_000, label="x"), Leg("fund", 7, 5_000, label="Fondo")],
        source=Source.FUND_CONTRIBUTION,
        resource_kind=ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
    )

    rows = time_given(city=world.city, giver_id=world.company.pk)

    assert [(r.kind, r.ref_id, r.minutes, r.value_cents) for r in rows] == [
        ("need", school.pk, 300, 16_000),
        ("need", park.pk, 60, 3_200),
    ]
    assert time_given(city=world.city, giver_id=world.other_company.pk) == []


def test_the_companys_page_shows_the_hours_its_people_gave(world, client):
    school = NeedFactory(city=world.city, title="Orto della scuola")
    hours(world, school, 180, ref="volunteering.hoursentry:1")

    response = client.get(f"/it/{world.city.slug}/organisations/{world.company.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="volunteering-given"' in page
    assert "Orto della scuola" in page and "3 ore" in page
