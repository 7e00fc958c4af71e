"""The equity lens on the demo's Milan (done when: equity figures for three Milan NIL match a
hand computation from the shared data, and the Gini equals an independent computation on the
same vector), its page and its API."""

from __future__ import annotations

import csv
import datetime as dt
import itertools

import pytest
from django.test import Client
from shapely.geometry import shape

from cities4csr.cities.models import Area, IndicatorValue
from cities4csr.demo.seed import DATA
from cities4csr.impact.equity_selectors import equity_of_city
from cities4csr.ledger.models import Account, Motivation, Source, Valuation
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.services import Leg, group_post
from cities4csr.needs.services import need_create
from cities4csr.organisations.models import Organisation

pytestmark = pytest.mark.django_db

#: a period of its own, after everything the demo records: only this test's movements fall in it
SINCE, UNTIL = dt.date(2031, 1, 1), dt.date(2031, 12, 31)


def population_2022() -> dict[str, int]:
    """Residents per NIL at 31/12/2022 (the shared data's population CSV, copied for the demo)."""
    with (DATA / "milano_popolazione_nil_2022.csv").open(encoding="utf-8") as handle:
        return {row["ID_NIL"]: int(row["residenti_totale"]) for row in csv.DictReader(handle)}


def need_in(city, officer, code: str, title: str):
    point = shape(Area.objects.get(kind="nil", code=code).geometry).representative_point()
    need = need_create(
        actor=officer,
        city=city,
        owner=Organisation.objects.get(name="Comune di Milano"),
        title=title,
        description="Per la prova dell'equità.",
        lat=point.y,
        lon=point.x,
    )
    assert need.area.code == code
    return need


def give(city, company, need, *, cents=0, minutes=0, on=dt.date(2031, 3, 1)):
    """A company's money (or time) reaching ``need``, posted on the ledger as the pledges and
    volunteering services post it."""
    if minutes:
        legs = [
            Leg(Account.Kind.GIVER, company.pk, -cents, -minutes, "minutes", company.name),
            Leg(Account.Kind.NEED, need.pk, cents, minutes, "minutes", need.title),
        ]
        kind, source, valuation = ResourceKind.VOLUNTEER_TIME, Source.VOLUNTEERING, Valuation.COST
    else:
        legs = [
            Leg(Account.Kind.GIVER, company.pk, -cents, label=company.name),
            Leg(Account.Kind.NEED, need.pk, cents, label=need.title),
        ]
        kind, source, valuation = ResourceKind.MONEY, Source.PLEDGE, Valuation.FACE_VALUE
    return group_post(
        actor=None,
        city=city,
        legs=legs,
        source=source,
        resource_kind=kind,
        motivation=Motivation.COMMUNITY_INVESTMENT,
        valuation=valuation,
        effective_on=on,
        area_code=need.area.code if need and need.area_id else "",
    )


@pytest.fixture
def posted(in_milano, users):
    """€10,000 and 120 hours to Lodi–Corvetto (35), €4,000 to San Siro (57), €2,500 in two gifts
    to Niguarda (14), €1,000 to Duomo (1), all in 2031; and a gift of 2030 (outside the period)."""
    officer = users["milano", "officer"]
    company = Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("name").first()
    needs = {code: need_in(in_milano, officer, code, f"Bisogno di prova {code}") for code in ("35", "57", "14", "1")}
    give(in_milano, company, needs["35"], cents=1_000_000)
    give(in_milano, company, needs["35"], cents=240_000, minutes=120 * 60)
    give(in_milano, company, needs["57"], cents=400_000)
    give(in_milano, company, needs["14"], cents=200_000)
    give(in_milano, company, needs["14"], cents=50_000, on=UNTIL)
    give(in_milano, company, needs["1"], cents=100_000)
    give(in_milano, company, needs["57"], cents=999_999, on=dt.date(2030, 12, 31))
    return needs


def test_three_milan_nil_match_a_hand_computation(posted, in_milano):
    residents = population_2022()
    # the shared data's rows: 35 LODI - CORVETTO 36,861; 57 SAN SIRO 26,653; 14 NIGUARDA 36,161
    assert (residents["35"], residents["57"], residents["14"]) == (36_861, 26_653, 36_161)
    view = equity_of_city(city=in_milano, since=SINCE, until=UNTIL)
    by_code = {a.code: a for a in view.equity.areas}
    corvetto, san_siro, niguarda = by_code["35"], by_code["57"], by_code["14"]
    # by hand: €10,000 ÷ 36,861 = €0.2712894 per resident; 120 h ÷ 36,861 = 0.0032555 h
    assert corvetto.population == 36_861 and corvetto.cents == 1_000_000 and corvetto.minutes == 7_200
    assert corvetto.cents_per_resident / 100 == pytest.approx(0.2712894, abs=5e-8)
    assert corvetto.hours_per_resident == pytest.approx(0.0032555, abs=5e-8)
    # €4,000 ÷ 26,653 = €0.1500769 (the 2030 gift is outside the period)
    assert san_siro.cents_per_resident / 100 == pytest.approx(0.1500769, abs=5e-8)
    assert san_siro.minutes == 0 and san_siro.hours_per_resident == 0
    # (€2,000 + €500, the second on the period's last day) ÷ 36,161 = €0.0691353
    assert niguarda.cents_per_resident / 100 == pytest.approx(0.0691353, abs=5e-8)
    # the three are target areas of the plan, Duomo is not: 16,500 of 17,500 euros
    assert corvetto.target and san_siro.target and niguarda.target and not by_code["1"].target
    assert view.equity.total_cents == 1_750_000
    assert view.equity.target_share == pytest.approx(16_500 / 17_500)
    # the city's euros per resident: €17,500 ÷ 1,396,673 residents; San Siro has 0.150077 / 0.0125298
    city_mean = 1_750_000 / 1_396_673
    assert sum(residents.values()) == 1_396_673 == view.equity.population
    assert san_siro.under_served == 0 and by_code["2"].under_served == 1
    assert niguarda.under_served == pytest.approx(max(0, 1 - (250_000 / 36_161) / city_mean))


def independent_gini(values, weights):
    """Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 W² x̄): every pair, no sort, no curve."""
    total = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
    pairs = sum(
        wi * wj * abs(vi - vj) for (vi, wi), (vj, wj) in itertools.product(zip(values, weights, strict=True), repeat=2)
    )
    return pairs / (2 * total * total * mean)


def test_the_gini_equals_an_independent_computation_on_the_same_vector(posted, in_milano):
    equity = equity_of_city(city=in_milano, since=SINCE, until=UNTIL).equity
    lived = [a for a in equity.areas if a.population > 0]
    assert len(lived) == 87  # Parco Sempione has no residents
    values = [a.cents / a.population for a in lived]
    weights = [a.population for a in lived]
    assert equity.gini == pytest.approx(independent_gini(values, weights), abs=1e-12)
    assert equity.gini_unweighted == pytest.approx(independent_gini(values, [1] * len(values)), abs=1e-12)
    assert 0.9 < equity.gini < 1  # four NIL of 87 received everything


def test_high_need_nil_that_received_nothing_are_listed(posted, in_milano):
    view = equity_of_city(city=in_milano, since=SINCE, until=UNTIL)
    listed = {a.code for a in view.equity.high_need_without}
    assert {i.key for i in view.ranked_by} == {"heatwave_risk", "low_income_share"}
    assert listed and not listed & {"35", "57", "14", "1"}
    for area in view.equity.areas:
        if area.code in listed:
            assert area.deprivation >= 0.75 and area.cents == 0 and area.minutes == 0


def test_income_per_nil_is_the_school_weighted_mean_of_its_postcodes(in_milano):
    """Lodi–Corvetto's ten schools are all in 20139 (€26,033, 36.9 %); Duomo's nine are in 20121 (3),
    20122 (1), 20123 (3), 20127 (1) and 20133 (1)."""
    values = {
        (v.indicator.key, v.area.code): v.value
        for v in IndicatorValue.objects.filter(indicator__key__in=["income_mean", "low_income_share"]).select_related(
            "indicator", "area"
        )
    }
    assert values["income_mean", "35"] == 26_033
    assert values["low_income_share", "35"] == 36.9
    duomo = (3 * 103_894 + 65_392 + 3 * 76_742 + 25_214 + 35_607) / 9
    assert values["income_mean", "1"] == round(duomo, 1)
    assert ("income_mean", "8") not in values  # Parco Sempione: no school, no estimate


def test_the_page_and_the_api_in_three_languages(posted, in_milano):
    client = Client()
    for language, words in (("it", "Equità"), ("en", "Equity"), ("fr", "Équité")):
        page = client.get(f"/{language}/milano/equity/?since=2031-01-01&until=2031-12-31")
        assert page.status_code == 200
        text = page.content.decode()
        assert words in text and "LODI - CORVETTO" in text and 'id="lorenz-table"' in text
    api = client.get("/api/v1/cities/milano/equity/?since=2031-01-01&until=2031-12-31").json()
    assert api["received_cents"] == 1_750_000
    corvetto = next(a for a in api["areas"] if a["code"] == "35")
    assert corvetto["received_cents"] == 1_000_000 and corvetto["minutes"] == 7_200
    assert api["gini"] == pytest.approx(equity_of_city(city=in_milano, since=SINCE, until=UNTIL).equity.gini)
    refused = client.get("/api/v1/cities/milano/equity/?since=2031-12-31&until=2031-01-01")
    assert refused.status_code == 400 and "until" in refused.json()


def test_the_cached_sums_follow_the_ledger(posted, in_milano):
    """The sums per area are cached with the ledger's last movement: a new one is added at the
    next read, and the figures are those of a read from scratch."""
    from django.core.cache import cache

    company = Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("name").first()
    before = {a.code: a.cents for a in equity_of_city(city=in_milano, since=SINCE, until=UNTIL).equity.areas}
    give(in_milano, company, posted["57"], cents=123_456)
    give(in_milano, company, posted["57"], cents=1, on=dt.date(2032, 1, 1))  # after the period
    after = {a.code: a.cents for a in equity_of_city(city=in_milano, since=SINCE, until=UNTIL).equity.areas}
    assert after["57"] == before["57"] + 123_456
    cache.clear()
    fresh = {a.code: a.cents for a in equity_of_city(city=in_milano, since=SINCE, until=UNTIL).equity.areas}
    assert fresh == after


def test_the_api_answers_what_its_schema_documents(posted, in_milano):
    from cities4csr.impact.api.equity import EquitySerializer

    data = Client().get("/api/v1/cities/milano/equity/?since=2031-01-01").json()
    documented = EquitySerializer(data=data)
    assert documented.is_valid(), {k: v for k, v in documented.errors.items() if k != "areas"}
    assert set(data) == set(EquitySerializer().fields)
    assert set(data["areas"][0]) == set(EquitySerializer().fields["areas"].child.fields)
