"""The figures per neighbourhood (GeoJSON), the results (approved updates only), the public page
in three languages and the API."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from cities4csr.impact.models import IndicatorUpdate, ResultIndicator
from cities4csr.ledger.models import Source
from cities4csr.ledger.services import Leg, group_post
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.opendata import selectors

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 12)


def update(indicator, value, state, world, day):
    # the updates' services belong to the results work; their model is enough to read them back
    return IndicatorUpdate.objects.create(
        city=world.city,
        indicator=indicator,
        value=Decimal(value),
        measured_on=day,
        state=state,
        author=world.representative,
        organisation=world.third_sector,
    )


@pytest.fixture
def area_world(world):
    nil = sorted(world.areas)[0]
    school = NeedFactory(city=world.city, owner=world.third_sector, area=world.areas[nil], published=True)
    group_post(
        actor=None,
        city=world.city,
        legs=[Leg("giver", world.company.pk, -150_000, label="c"), Leg("need", school.pk, 150_000, label="n")],
        source=Source.PLEDGE,
        resource_kind=ResourceKind.MONEY,
        motivation="charitable_gift",
        valuation="face_value",
        effective_on=DAY,
        area_code=nil,
    )
    group_post(
        actor=None,
        city=world.city,
        legs=[
            Leg("giver", world.company.pk, -9_600, -180, "minutes", "c"),
            Leg("need", school.pk, 9_600, 180, "minutes", "n"),
        ],
        source=Source.VOLUNTEERING,
        resource_kind=ResourceKind.VOLUNTEER_TIME,
        motivation="community_investment",
        valuation="cost",
        effective_on=DAY,
        area_code=nil,
    )
    pupils = ResultIndicator.objects.create(
        city=world.city,
        need=school,
        name="Pupils in the after-school club",
        unit="pupils",
        baseline=Decimal(0),
        baseline_on=datetime.date(2026, 1, 1),
        target=Decimal(40),
        target_on=datetime.date(2026, 12, 31),
    )
    update(pupils, "10", IndicatorUpdate.State.APPROVED, world, datetime.date(2026, 3, 1))
    update(pupils, "20", IndicatorUpdate.State.APPROVED, world, datetime.date(2026, 6, 1))
    update(pupils, "39", IndicatorUpdate.State.SUBMITTED, world, datetime.date(2026, 7, 1))
    update(pupils, "38", IndicatorUpdate.State.DRAFT, world, datetime.date(2026, 7, 2))
    return {"nil": nil, "school": school, "pupils": pupils}


def test_one_feature_per_neighbourhood_with_needs_money_hours_and_progress(world, area_world, client):
    response = client.get(reverse("opendata_areas", kwargs={"city_slug": world.city.slug}))
    data = json.loads(response.content)

    assert response["Content-Type"] == "application/geo+json"
    features = {f["properties"]["code"]: f for f in data["features"]}
    assert set(features) == set(world.areas)
    school_area = features[area_world["nil"]]
    assert school_area["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert school_area["properties"] | {} == {
        "code": area_world["nil"],
        "name": world.areas[area_world["nil"]].name,
        "kind": "nil",
        "needs": 1,
        "money_eur": 1500.0,
        "value_eur": 1596.0,
        "hours": 3.0,
        "indicators": 1,
        "progress": 0.5,  # 20 of 40: the submitted 39 and the draft 38 do not count
    }
    other = next(f for code, f in features.items() if code != area_world["nil"])
    assert other["properties"]["needs"] == 0 and other["properties"]["progress"] is None


def test_results_show_only_approved_values(world, area_world, client):
    response = client.get(reverse("opendata_results", kwargs={"city_slug": world.city.slug}))
    rows = response.json()["results"]

    assert len(rows) == 1
    assert rows[0]["latest_value"] == "20.0000" and rows[0]["measured_on"] == "2026-06-01"
    assert "39" not in json.dumps(rows) and "38.0000" not in json.dumps(rows)


def test_results_of_a_need_taken_back_to_draft_are_not_public(world, area_world):
    from cities4csr.needs.models import Need

    Need.objects.filter(pk=area_world["school"].pk).update(state=Need.State.WITHDRAWN)

    assert selectors.results_rows(city=world.city) == []


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("it", ["Dati aperti", "Licenza", "Attribuzione", "Sovvenzioni e contributi (360Giving)"]),
        ("en", ["Open data", "Licence", "Attribution", "Grants and contributions (360Giving)"]),
        ("fr", ["Données ouvertes", "Licence", "Attribution", "Subventions et contributions (360Giving)"]),
    ],
)
def test_the_open_data_page_lists_datasets_with_licence_and_attribution(world, area_world, client, language, words):
    with translation.override(language):
        url = reverse("opendata_index", kwargs={"city_slug": world.city.slug})
    response = client.get(url)
    text = response.content.decode()

    assert response.status_code == 200
    for word in words:
        assert word in text
    assert "CC-BY-4.0" in text and "https://creativecommons.org/licenses/by/4.0/" in text
    assert "360giving.json" in text and "360giving.xlsx" in text and "areas.geojson" in text
    assert "catalog.ttl" in text and "catalog.jsonld" in text


def test_the_api_lists_the_datasets_and_serves_the_files(world, area_world, client):
    slug = {"city_slug": world.city.slug}

    datasets = client.get(reverse("api:opendata-dataset-list", kwargs=slug)).json()
    package = client.get(reverse("api:opendata-360giving", kwargs=slug)).json()
    areas = client.get(reverse("api:opendata-areas", kwargs=slug))
    results = client.get(reverse("api:opendata-results", kwargs=slug)).json()

    keys = [d["key"] for d in datasets]
    assert keys[:5] == ["needs", "grants-360giving", "areas", "results", "boundaries"]
    assert all(d["licence"] == "CC-BY-4.0" and d["distributions"] for d in datasets)
    assert package["grants"] and package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert areas.status_code == 200 and json.loads(areas.content)["type"] == "FeatureCollection"
    assert results[0]["progress"] == 0.5
