"""The officer's lists: every state (drafts too), counts per state, filters, search, pages;
officers only."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from cities4csr.instruments.models import Agreement, ChecklistStep
from cities4csr.needs.models import Need
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory
from cities4csr.web.officer import PAGE_SIZE


def page(world, user, path, **params):
    client = Client()
    client.force_login(user)
    return client.get(f"/en/{world.city.slug}/workspace/officer/{path}/", params)


@pytest.fixture
def needs(world):
    draft = NeedFactory(city=world.city, owner=world.third_sector, title="Orto della scuola Rinaldi")
    published = NeedFactory(city=world.city, owner=world.city_hall, title="Aule all'aperto", published=True)
    return draft, published


@pytest.mark.django_db
def test_a_draft_need_is_in_the_officers_list_with_counts_per_state(world, needs):
    draft, published = needs
    response = page(world, world.officer, "needs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orto della scuola Rinaldi" in html and "Aule all&#x27;aperto" in html
    assert response.context["total"] == 2
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts["draft"] == 1 and counts["published"] == 1 and counts["withdrawn"] == 0

    drafts = page(world, world.officer, "needs", state="draft")
    assert [n.pk for n in drafts.context["rows"]] == [draft.pk]
    found = page(world, world.officer, "needs", q="orto RINALDI")
    assert [n.pk for n in found.context["rows"]] == [draft.pk]
    assert page(world, world.officer, "needs", q="nowhere").context["rows"].__len__() == 0


@pytest.mark.django_db
def test_an_unknown_state_shows_everything(world, needs):
    response = page(world, world.officer, "needs", state="bogus")
    assert response.status_code == 200 and len(response.context["rows"]) == 2


@pytest.mark.django_db
def test_the_list_is_paged(world):
    for _ in range(PAGE_SIZE + 1):
        NeedFactory(city=world.city, owner=world.city_hall)
    first = page(world, world.officer, "needs")
    second = page(world, world.officer, "needs", page=2)
    assert len(first.context["rows"]) == PAGE_SIZE and len(second.context["rows"]) == 1
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.django_db
def test_htmx_gets_only_the_results(world, needs):
    client = Client()
    client.force_login(world.officer)
    response = client.get(f"/en/{world.city.slug}/workspace/officer/needs/", {"q": "orto"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="officer-results">') and "<html" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["representative", "third_sector_representative", "volunteer", "resident"])
@pytest.mark.parametrize("path", ["needs", "pledges", "collective", "agreements", "steps"])
def test_only_officers_see_the_lists(world, needs, who, path):
    assert page(world, getattr(world, who), path).status_code == 403


@pytest.mark.django_db
def test_the_other_citys_officer_is_refused(two_cities):
    with scope(city=two_cities.milan.city.pk):
        NeedFactory(city=two_cities.milan.city, owner=two_cities.milan.city_hall)
    assert page(two_cities.milan, two_cities.nantes.officer, "needs").status_code == 403


@pytest.mark.django_db
def test_pledges_by_state_and_search(world, needs):
    _draft, published = needs
    line = published.lines.first()
    pledge = PledgeFactory(need=published, organisation=world.company, items=[(line, 1000)])
    other = PledgeFactory(need=published, organisation=world.other_company, items=[(line, 1)])
    response = page(world, world.officer, "pledges", q="altra")
    assert [p.pk for p in response.context["rows"]] == [other.pk]
    assert {p.pk for p in page(world, world.officer, "pledges", q="aperto").context["rows"]} == {pledge.pk, other.pk}
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts["proposed"] == 1 and counts["accepted"] == 0
    assert page(world, world.officer, "pledges").context["total"] == 2


@pytest.fixture
def agreement(world, needs):
    """An agreement with one step overdue, one still to do and one done (made directly: the
    advisor's own tests make agreements through the service)."""
    _draft, published = needs
    pledge = PledgeFactory(need=published, organisation=world.company)
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        city=world.city,
        pledge=pledge,
        instrument="sponsorship",
        jurisdiction="it",
        pack_version="test",
        advice={"instrument_names": {"en": "Sponsorship"}},
        advised_on=today,
    )
    for position, (code, due, done) in enumerate(
        [
            ("notice", today - datetime.timedelta(days=2), None),
            ("contract", today + datetime.timedelta(days=5), None),
            ("decision", today - datetime.timedelta(days=9), today - datetime.timedelta(days=10)),
        ]
    ):
        ChecklistStep.objects.create(
            city=world.city,
            agreement=agreement,
            position=position,
            code=code,
            labels={"en": f"Step {code}"},
            due_on=due,
            done_on=done,
        )
    return agreement


@pytest.mark.django_db
def test_agreements_show_their_overdue_steps(world, agreement):
    response = page(world, world.officer, "agreements")
    (row,) = response.context["rows"]
    assert row.overdue == 1 and "Sponsorship" in response.content.decode()


@pytest.mark.django_db
def test_overdue_steps_come_first_and_filter(world, agreement):
    everything = page(world, world.officer, "steps")
    assert [s.code for s in everything.context["rows"]] == ["notice", "contract", "decision"]
    counts = {value: n for value, _label, n in everything.context["counts"]}
    assert counts == {"overdue": 1, "open": 1, "done": 1}
    overdue = page(world, world.officer, "steps", state="overdue")
    assert [s.code for s in overdue.context["rows"]] == ["notice"]
    assert "Overdue" in overdue.content.decode()


@pytest.mark.django_db
def test_collective_actions_list(world, needs):
    from cities4csr.matching.models import CollectiveAction

    _draft, published = needs
    CollectiveAction.objects.create(city=world.city, need=published)
    response = page(world, world.officer, "collective", state="open")
    assert len(response.context["rows"]) == 1 and response.context["rows"][0].invited == 0
    assert Need.objects.count() == 2
