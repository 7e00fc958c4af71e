"""The city's dashboard (issue 12, item 5): its figures against ledger rows posted through the
services, the funnel by theme, area and action, its filters, the page, its files and the API."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cities4csr.homes.selectors import officer_home
from cities4csr.impact.dashboard import Filters, dashboard, dashboard_build, funnel_by, pipeline
from cities4csr.ledger.models import PostingGroup, ReasonCode
from cities4csr.ledger.services import group_reverse
from cities4csr.needs.models import Need, ResourceKind, Theme
from cities4csr.needs.services import need_transition
from cities4csr.needs.tests.factories import ActionFactory, NeedFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition
from cities4csr.pledges.tests.test_pledges import PNG

pytestmark = pytest.mark.django_db


def theme(world, key):
    return Theme.objects.get(city=world.city, key=key)


def a_need(world, *, area_code, theme_key="education", action=None):
    lines = [
        dict(kind=ResourceKind.MONEY, label="Contributo", quantity=500_000, value_cents=500_000),
        dict(kind=ResourceKind.VOLUNTEER_TIME, label="Tutor", quantity=40, value_cents=120_000),
        dict(kind=ResourceKind.GOODS, label="Banchi", quantity=10, value_cents=80_000),
    ]
    return NeedFactory(
        city=world.city,
        owner=world.city_hall,
        lines=lines,
        published=True,
        area=world.areas[area_code],
        themes=[theme(world, theme_key)],
        action=action,
    )


def pledge(world, need, *, money=0, hours=0, goods=0, organisation=None, to=Pledge.State.VERIFIED):
    """A pledge of the company (by default) taken through its lifecycle to ``to``."""
    organisation = organisation or world.company
    representative = world.representative if organisation == world.company else world.other_representative
    lines = dict(zip(("money", "hours", "goods"), need.lines.order_by("pk"), strict=True))
    items = [(lines[k], q) for k, q in (("money", money), ("hours", hours), ("goods", goods)) if q]
    made = pledge_propose(actor=representative, need=need, organisation=organisation, items=items)
    if to == Pledge.State.PROPOSED:
        return made
    made = pledge_transition(actor=world.officer, pledge=made, to=Pledge.State.ACCEPTED)
    if to == Pledge.State.ACCEPTED:
        return made
    evidence_add(actor=representative, pledge=made, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    made = pledge_transition(actor=representative, pledge=made, to=Pledge.State.DELIVERED)
    if to == Pledge.State.DELIVERED:
        return made
    return pledge_transition(actor=world.officer, pledge=made, to=Pledge.State.VERIFIED)


@pytest.fixture
def codes(world):
    first, second = sorted(world.areas)[:2]
    return first, second


@pytest.fixture
def ledger(world, codes):
    """Two needs in two NIL and themes; verified pledges of two companies; one delivered, one
    accepted; one movement reversed (ledger rows through the services)."""
    cache.clear()
    first, second = codes
    action = ActionFactory(city=world.city, number=7)
    school = a_need(world, area_code=first, theme_key="education", action=action)
    garden = a_need(world, area_code=second, theme_key="greening")
    # money 2,000 € + 10 hours (volunteer time valued at 300 € by the line) + 4 desks (32,000 c)
    pledge(world, school, money=200_000, hours=10, goods=4)
    # the other company: 500 € to the garden, then a correction reverses it; 100 € stays
    pledge(world, garden, money=50_000, organisation=world.other_company)
    wrong = PostingGroup.objects.filter(source="pledge", resource_kind="money", area_code=second).get()
    group_reverse(actor=world.officer, group=wrong, reason_code=ReasonCode.ENTERED_IN_ERROR)
    pledge(world, garden, money=10_000, organisation=world.other_company)
    pledge(world, school, money=30_000, to=Pledge.State.DELIVERED)  # not verified: not in the ledger
    pledge(world, garden, money=5_000, to=Pledge.State.ACCEPTED)
    return {"school": school, "garden": garden, "action": action}


def test_totals_read_the_ledger_net_of_reversals(world, ledger):
    data = dashboard_build(city=world.city, filters=Filters())
    totals = data.totals
    assert totals.cash_cents == 200_000 + 10_000  # the reversed 500 € is out
    assert totals.in_kind_cents == 4 * 8_000
    assert totals.time_cents == 10 * 3_000 and totals.hours == 10
    assert totals.givers == 2  # both companies gave (one net of its reversal)
    month = timezone.localdate().replace(day=1)
    assert [p.start for p in data.periods] == [month]
    assert data.periods[0].cash_cents == totals.cash_cents


def test_theme_area_and_action_narrow_the_ledger(world, ledger, codes):
    first, second = codes
    school = dashboard_build(city=world.city, filters=Filters(theme="education")).totals
    assert (school.cash_cents, school.in_kind_cents, school.hours, school.givers) == (200_000, 32_000, 10, 1)
    garden = dashboard_build(city=world.city, filters=Filters(area=second)).totals
    assert (garden.cash_cents, garden.in_kind_cents, garden.hours, garden.givers) == (10_000, 0, 0, 1)
    action = dashboard_build(city=world.city, filters=Filters(action=7)).totals
    assert (action.cash_cents, action.givers) == (200_000, 1)
    none = dashboard_build(city=world.city, filters=Filters(action=99)).totals
    assert (none.cash_cents, none.givers) == (0, 0)


def test_the_period_narrows_everything(world, ledger):
    today = timezone.localdate()
    later = dashboard_build(city=world.city, filters=Filters(since=today + datetime.timedelta(days=1)))
    assert later.periods == [] and later.totals.cash_cents == 0
    assert [s.count for s in later.funnel] == [0, 0, 0, 0]
    now = dashboard_build(city=world.city, filters=Filters(since=today, until=today, step="quarter"))
    assert now.totals.cash_cents == 210_000
    assert now.periods[0].start == datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    # months without a movement read as zeros between the start of the period and the figures
    since = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    filled = dashboard_build(city=world.city, filters=Filters(since=since))
    assert [p.start for p in filled.periods][0] == since and len(filled.periods) == 3
    assert [p.cash_cents for p in filled.periods] == [0, 0, 210_000]


def test_needs_fulfilled_counts_each_need_once(world, ledger):
    garden = ledger["garden"]
    need_transition(actor=world.officer, need=garden, to=Need.State.FULFILLED)
    need_transition(actor=world.officer, need=garden, to=Need.State.DELIVERED)  # the same need, again
    data = dashboard_build(city=world.city, filters=Filters())
    assert data.totals.needs_fulfilled == 1 and data.periods[0].needs_fulfilled == 1
    assert dashboard_build(city=world.city, filters=Filters(theme="education")).totals.needs_fulfilled == 0


def test_the_funnel_counts_needs_then_pledges_by_stage(world, ledger):
    stages, _ = pipeline(city=world.city)
    value_published = 2 * (500_000 + 120_000 + 80_000)
    verified = 200_000 + 30_000 + 32_000 + 50_000 + 10_000  # pledges keep their value; the ledger its net
    assert [(s.key, s.count) for s in stages] == [("published", 2), ("pledged", 5), ("delivered", 4), ("verified", 3)]
    assert stages[0].value_cents == value_published
    assert stages[1].value_cents == verified + 30_000 + 5_000
    assert stages[2].value_cents == verified + 30_000
    assert stages[3].value_cents == verified
    assert stages[3].percent == round(100 * verified / value_published)


def test_the_funnel_by_theme_area_and_action(world, ledger, codes):
    first, second = codes
    by_theme = {row.key: [s.count for s in row.stages] for row in funnel_by(city=world.city, dimension="theme")}
    assert by_theme == {"education": [1, 2, 2, 1], "greening": [1, 3, 2, 2]}
    by_area = {row.key: [s.count for s in row.stages] for row in funnel_by(city=world.city, dimension="area")}
    assert by_area == {first: [1, 2, 2, 1], second: [1, 3, 2, 2]}
    by_action = {row.key: [s.count for s in row.stages] for row in funnel_by(city=world.city, dimension="action")}
    assert by_action == {"7": [1, 2, 2, 1]}


def test_the_officer_home_shows_the_same_funnel(world, ledger):
    home = officer_home(city=world.city, on=timezone.localdate())
    stages, _ = pipeline(city=world.city)
    assert home.pipeline == stages
    assert (home.to_accept, home.to_verify) == (0, 1)


def test_the_cache_follows_the_ledger(world, ledger, codes):
    before = dashboard(city=world.city, filters=Filters()).totals.cash_cents
    pledge(world, ledger["garden"], money=1_000, organisation=world.other_company)
    assert dashboard(city=world.city, filters=Filters()).totals.cash_cents == before + 1_000


def page(world, path, language="it"):
    return Client().get(f"/{language}/{world.city.slug}/dashboard/{path}")


def test_the_page_shows_the_figures_in_the_readers_language(world, ledger):
    response = page(world, "")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-cash">2.100,00' in html.replace("\xa0", "").replace("€", "").replace(" ", "")
    assert "Cruscotto" in html
    assert 'id="dashboard-chart-data"' in html and "dashboard-charts.js" in html
    english = page(world, "?theme=education", "en").content.decode()
    assert "2,000.00" in english and "Dashboard" in english


def test_a_bad_period_is_said_and_shows_everything(world, ledger):
    html = page(world, "?since=10/10/2026&until=01/01/2026").content.decode()
    assert "non può essere prima" in html


def test_the_files_parse_back_with_the_same_figures(world, ledger, codes):
    first, _second = codes
    rows = list(csv.reader(io.StringIO(page(world, "dashboard.csv").content.decode("utf-8-sig"))))
    over_time = [row for row in rows if row[0] == "totals_over_time"]
    assert over_time[-1][1:] == ["total", "2100.00", "320.00", "300.00", "10", "2", "0"]
    by_area = {row[1]: row for row in rows if row[0] == "funnel_by_area"}
    assert by_area[first][3:5] == ["1", "7000.00"] and by_area[first][-2:] == ["1", "2620.00"]
    workbook = load_workbook(io.BytesIO(page(world, "dashboard.xlsx").content), read_only=True)
    sheet = list(workbook["totals_over_time"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("period_start", "cash", "in_kind_value")
    assert sheet[-1][:3] == ("total", 2100, 320)
    funnel = list(workbook["funnel"].iter_rows(values_only=True))
    assert funnel[1][2:4] == (2, 14000)


def test_the_api_gives_the_same_figures(world, ledger):
    response = Client().get(f"/api/v1/cities/{world.city.slug}/dashboard/?theme=greening", HTTP_ACCEPT="*/*")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["totals"]["cash_cents"] == 10_000 and body["totals"]["companies_engaged"] == 1
    assert [s["count"] for s in body["funnel"]] == [1, 3, 2, 2]
    assert {row["key"] for row in body["by_theme"]} == {"greening"}
    bad = Client().get(f"/api/v1/cities/{world.city.slug}/dashboard/?step=year", HTTP_ACCEPT="*/*")
    assert bad.status_code == 400
