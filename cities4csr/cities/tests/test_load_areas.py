"""manage.py load_areas: imports a city's areas; a broken file names the feature and the reason,
exits non-zero and leaves the database exactly as it was."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from cities4csr.cities.models import Area, AreaLayer
from cities4csr.core.models import AuditEvent

from .test_geo import BOWTIE, collection, feature

pytestmark = pytest.mark.usefixtures("demo")  # these tests read the demo cities

BROKEN = {
    "invalid_json": ("{ this is not json", "not valid JSON"),
    "invalid_geometry": (
        collection(feature("1", "A"), feature("2", "B", coords=BOWTIE)),
        "feature 2 (code=2): invalid geometry",
    ),
    "wrong_crs": (collection(feature("1", "A"), crs="EPSG:32632"), "CRS is 'EPSG:32632'"),
    "projected_without_crs": (
        collection(
            feature("1", "A", coords=[[[500000, 5000000], [500100, 5000000], [500100, 5000100], [500000, 5000000]]])
        ),
        "feature 1 (code=1): coordinates out of longitude/latitude range",
    ),
    "missing_code": (collection(feature("1", "A"), feature(None, "B")), "feature 2: the code property"),
    "duplicate_code": (collection(feature("1", "A"), feature("1", "B")), "duplicate code '1'"),
    "missing_name": (collection(feature("1", "A"), feature("2", None)), "feature 2 (code=2): the name is missing"),
    "duplicate_name": (collection(feature("1", "A"), feature("2", "A")), "duplicate name 'A'"),
}


def snapshot():
    with scopes_disabled():
        return (
            sorted(Area.objects.values_list("city__slug", "kind", "code", "name", "min_lon")),
            AreaLayer.objects.count(),
            AuditEvent.objects.count(),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_refused_whole(case, tmp_path, capsys):
    content, reason = BROKEN[case]
    path = tmp_path / f"{case}.geojson"
    path.write_text(content)
    before = snapshot()
    # "nil" exists in Milan: a partial write would show as changed or new NIL rows.
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("load_areas", str(path), city="milano", kind="nil", code_field="code", name_field="name")
    assert reason in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.django_db
def test_good_file_creates_then_updates_and_audits(tmp_path, milano):
    path = tmp_path / "zones.geojson"
    path.write_text(collection(feature("Z1", "Zone one"), feature("Z2", "Zone two")))
    call_command("load_areas", str(path), city="milano", kind="zone", label=["en=Zones"], parent_kind="municipio")
    with scopes_disabled():
        zones = {a.code: a for a in Area.objects.filter(city=milano, kind="zone")}
        assert set(zones) == {"Z1", "Z2"}
        assert AuditEvent.objects.filter(city=milano, verb="areas.import", payload__kind="zone").count() == 1
    path.write_text(collection(feature("Z1", "Zone one renamed")))
    call_command("load_areas", str(path), city="milano", kind="zone")
    with scopes_disabled():
        assert Area.objects.get(city=milano, kind="zone", code="Z1").name == "Zone one renamed"
        assert Area.objects.filter(city=milano, kind="zone").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"city": "atlantis", "kind": "nil"}, "no city with slug 'atlantis'"),
        ({"city": "milano", "kind": "zone", "parent_kind": "nowhere"}, "no areas of kind 'nowhere'"),
        ({"city": "milano", "kind": "zone", "label": ["Zones"]}, "LANG=TEXT"),
    ],
)
def test_bad_options_are_refused(tmp_path, options, message):
    path = tmp_path / "zones.geojson"
    path.write_text(collection(feature("Z1", "Zone one")))
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("load_areas", str(path), **options)
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_areas", str(tmp_path / "nope.geojson"), city="milano", kind="nil")
