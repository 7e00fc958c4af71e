"""Income per postcode mapped to NIL through the schools file (impact/income.py, pure)."""

import json

import pytest

from cities4csr.impact.income import by_area, figures_by_postcode, income_by_area, schools_by_area


def school(cap, nil):
    return {"type": "Feature", "properties": {"CAPSCUOLA": cap, "ID_NIL": nil}, "geometry": None}


SCHOOLS = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [school("20139", "35")] * 3 + [school("20121", "1")] * 2 + [school("20122", "1"), school("", "9")],
    }
)
INCOME = (
    "CAP,reddito_imponibile_medio_eur,quota_contribuenti_reddito_complessivo_fino_15000_pct\n"
    "20121,100000,20.0\n20122,40000,50.0\n20139,26000,\n"
)


def test_a_nil_takes_the_school_weighted_mean_of_its_postcodes():
    assert schools_by_area(SCHOOLS) == {"35": {"20139": 3}, "1": {"20121": 2, "20122": 1}}
    figures = income_by_area(INCOME, SCHOOLS)
    assert figures["income_mean"] == {"35": 26_000, "1": pytest.approx((2 * 100_000 + 40_000) / 3)}
    # a blank cell is "not published": NIL 35 has no low-income share, NIL 1 its mean of two
    assert figures["low_income_share"] == {"1": pytest.approx((2 * 20 + 50) / 3)}


def test_postcodes_without_a_figure_are_left_out_of_the_weights():
    values = figures_by_postcode(INCOME)["income_mean"]
    assert by_area(values, {"7": {"20121": 1, "99999": 5}}) == {"7": 100_000}
    assert by_area(values, {"8": {"99999": 5}}) == {}


@pytest.mark.django_db
def test_the_command_loads_a_city_s_income_per_area(world, tmp_path):
    from django.core.management import call_command

    from cities4csr.cities.models import IndicatorValue

    (tmp_path / "income.csv").write_text(INCOME)
    (tmp_path / "schools.geojson").write_text(SCHOOLS)
    files = ["--income", str(tmp_path / "income.csv"), "--schools", str(tmp_path / "schools.geojson")]
    call_command("income_import", "--city", world.city.slug, *files, "--date", "2021-12-31", "--source", "MEF 2021")
    values = {
        (v.indicator.key, v.area.code): v.value
        for v in IndicatorValue.objects.filter(city=world.city).select_related("indicator", "area")
    }
    assert values == {("income_mean", "35"): 26_000, ("income_mean", "1"): 80_000, ("low_income_share", "1"): 30.0}


@pytest.mark.parametrize(
    "income, schools, message",
    [
        ("CAP;reddito\n20121;1\n", SCHOOLS, "has no column"),
        (INCOME.replace("100000", "centomila"), SCHOOLS, "line 2: reddito_imponibile_medio_eur 'centomila'"),
        (INCOME, "{not json", "not GeoJSON"),
        (INCOME, "[1, 2]", "not a GeoJSON FeatureCollection"),
        (INCOME.replace("201", "999"), SCHOOLS, "no area has a figure"),
        (None, SCHOOLS, "cannot read"),
    ],
)
def test_the_command_refuses_a_bad_file_and_writes_nothing(world, tmp_path, income, schools, message):
    from django.core.management import CommandError, call_command

    from cities4csr.cities.models import Indicator, IndicatorValue

    if income is not None:
        (tmp_path / "income.csv").write_text(income)
    (tmp_path / "schools.geojson").write_text(schools)
    files = ["--income", str(tmp_path / "income.csv"), "--schools", str(tmp_path / "schools.geojson")]
    with pytest.raises(CommandError, match=message):
        call_command("income_import", "--city", world.city.slug, *files, "--date", "2021-12-31", "--source", "MEF")
    assert not Indicator.objects.filter(city=world.city, key__in=["income_mean", "low_income_share"]).exists()
    assert not IndicatorValue.objects.filter(city=world.city).exists()
