"""Known places (schools, sports facilities, cascine) and the location picker's searches:
load_places is idempotent and keeps each place's attribution; the searches never show another
city's places; the address search is off unless the city configures it, and a slow or broken
geocoder answers in the reader's language (the geocoder is always mocked: no network in tests)."""

import json
from urllib.error import URLError

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_scopes import scope, scopes_disabled

from cities4csr.cities import geocoding
from cities4csr.cities.geo import parse_place_file
from cities4csr.cities.models import Place
from cities4csr.cities.services import city_update, places_import
from cities4csr.cities.tests.factories import CORVETTO, DUOMO, ILE_DE_NANTES
from cities4csr.core.models import AuditEvent

OUTSIDE = (45.60, 9.40)  # north-east of the tiny Milan's squares


def school(code, name, point, **extra):
    lat, lon = point
    return {
        "type": "Feature",
        "properties": {"CODICE": code, "NOME": name, "VIA": "VIA DEI MILLE 1", **extra},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def schools_file(tmp_path, *features, name="scuole.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def load(path, city, **options):
    call_command(
        "load_places",
        city.slug,
        str(path),
        kind=options.pop("kind", "school"),
        name_field="NOME",
        ref_field=options.pop("ref_field", "CODICE"),
        address_format="{VIA}",
        title_case=True,
        source="Comune di prova, elenco scuole",
        licence="CC BY 4.0",
        attribution="Comune di prova",
        **options,
    )


def places_of(city):
    with scopes_disabled():
        return sorted(
            Place.objects.filter(city=city).values_list("external_ref", "name", "area__code", "attribution", "licence")
        )


@pytest.mark.django_db
def test_load_places_creates_then_updates_by_reference_with_attribution(two_cities, tmp_path, capsys):
    city = two_cities.milan.city
    first = schools_file(
        tmp_path,
        school("MI001", "SCUOLA PRIMARIA RODARI", CORVETTO),
        school("MI002", "LICEO PARINI", DUOMO),
        school("MI003", "SCUOLA FUORI", OUTSIDE),
    )
    load(first, city)
    assert "2 created, 0 updated, 1 outside" in capsys.readouterr().out
    assert places_of(city) == [
        ("MI001", "Scuola Primaria Rodari", "35", "Comune di prova", "CC BY 4.0"),
        ("MI002", "Liceo Parini", "1", "Comune di prova", "CC BY 4.0"),
    ]
    # the same file again, one school renamed: updated in place, nothing doubled
    again = schools_file(
        tmp_path,
        school("MI001", "SCUOLA PRIMARIA GIANNI RODARI", CORVETTO),
        school("MI002", "LICEO PARINI", DUOMO),
        name="again.geojson",
    )
    load(again, city)
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert [row[:3] for row in places_of(city)] == [
        ("MI001", "Scuola Primaria Gianni Rodari", "35"),
        ("MI002", "Liceo Parini", "1"),
    ]
    with scopes_disabled():
        assert AuditEvent.objects.filter(city=city, verb="places.import").count() == 2


@pytest.mark.django_db
def test_without_a_reference_one_facility_listed_per_activity_is_one_place(two_cities, tmp_path, capsys):
    city = two_cities.milan.city
    path = schools_file(
        tmp_path,
        school(None, "Centro sportivo Carraro", CORVETTO, Tipo="Tennis"),
        school(None, "Centro sportivo Carraro", CORVETTO, Tipo="Nuoto"),
        school(None, "Piscina Cozzi", DUOMO, Tipo="Nuoto"),
    )
    load(path, city, kind="sports", ref_field=None)
    load(path, city, kind="sports", ref_field=None)
    out = capsys.readouterr().out
    assert "2 created, 0 updated" in out and "0 created, 0 updated" in out
    assert [row[1] for row in places_of(city)] == ["Centro sportivo Carraro", "Piscina Cozzi"]


@pytest.mark.django_db
def test_a_broken_place_file_is_refused_whole(two_cities, tmp_path, capsys):
    city = two_cities.milan.city
    path = schools_file(tmp_path, school("MI001", "Rodari", CORVETTO), school("", "Senza codice", DUOMO))
    with pytest.raises(CommandError, match="nothing was loaded"):
        load(path, city)
    assert "feature 2: the reference property 'CODICE' is missing" in capsys.readouterr().err
    assert places_of(city) == []


def test_parse_place_file_takes_a_polygons_inner_point_and_refuses_a_projected_file():
    square = {"type": "Polygon", "coordinates": [[[9.0, 45.0], [9.1, 45.0], [9.1, 45.1], [9.0, 45.1], [9.0, 45.0]]]}
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Parco"}, "geometry": square}],
    }
    (place,) = parse_place_file(json.dumps(doc))
    assert 9.0 < place.lon < 9.1 and 45.0 < place.lat < 45.1
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:32632"}}
    with pytest.raises(ValueError, match="CRS"):
        parse_place_file(json.dumps(doc))


def seed_places(two_cities):
    """The same school name in both cities, and a few others in the Milan-like one."""
    milan, nantes = two_cities.milan.city, two_cities.nantes.city
    for city, rows in (
        (milan, [("1", "Scuola Gianni Rodari", CORVETTO), ("2", "Liceo Parini", DUOMO), ("3", "Asilo Rodari", DUOMO)]),
        (nantes, [("9", "École Gianni Rodari", ILE_DE_NANTES)]),
    ):
        doc = {"type": "FeatureCollection", "features": [school(code, name, point) for code, name, point in rows]}
        features = parse_place_file(json.dumps(doc), name_field="NOME", ref_field="CODICE", address_format="{VIA}")
        places_import(
            actor=None, city=city, kind="school", features=features, attribution="Comune", licence="CC BY 4.0"
        )
    return milan, nantes


@pytest.mark.django_db
def test_the_api_finds_a_citys_places_never_another_citys(two_cities):
    milan, nantes = seed_places(two_cities)
    client = Client()
    found = client.get(f"/api/v1/cities/{milan.slug}/places/", {"q": "rodari"}).json()
    assert [p["name"] for p in found] == ["Scuola Gianni Rodari", "Asilo Rodari"] or [p["name"] for p in found] == [
        "Asilo Rodari",
        "Scuola Gianni Rodari",
    ]
    assert {p["area"]["code"] for p in found} == {"35", "1"}
    assert all(p["attribution"] == "Comune" and p["licence"] == "CC BY 4.0" for p in found)
    theirs = client.get(f"/api/v1/cities/{nantes.slug}/places/", {"q": "rodari"}).json()
    assert [p["name"] for p in theirs] == ["École Gianni Rodari"]
    # names beginning with the words typed come first; every word must match
    assert [p["name"] for p in client.get(f"/api/v1/cities/{milan.slug}/places/", {"q": "scuola rod"}).json()] == [
        "Scuola Gianni Rodari"
    ]
    assert client.get(f"/api/v1/cities/{milan.slug}/places/").status_code == 400
    assert client.get(f"/api/v1/cities/{milan.slug}/places/", {"q": "r"}).json() == []


@pytest.mark.django_db
def test_the_pickers_search_names_kinds_in_the_pages_language_and_stays_in_its_city(two_cities):
    milan, nantes = seed_places(two_cities)
    found = Client().get(f"/it/{milan.slug}/places/search/", {"q": "rodari"}).json()["results"]
    assert {p["name"] for p in found} == {"Scuola Gianni Rodari", "Asilo Rodari"}
    assert {p["kind_label"] for p in found} == {"scuola"}
    assert "Gianni Rodari" not in json.dumps(Client().get(f"/fr/{nantes.slug}/places/search/", {"q": "scuola"}).json())


@pytest.mark.django_db
def test_search_queries_stay_few(two_cities, django_assert_max_num_queries):
    milan, _nantes = seed_places(two_cities)
    client = Client()
    client.get(f"/api/v1/cities/{milan.slug}/places/", {"q": "rodari"})
    with django_assert_max_num_queries(3):
        client.get(f"/api/v1/cities/{milan.slug}/places/", {"q": "rodari"})


# --- the address search (geocoder) ---------------------------------------------------------------


class FakeResponse:
    def __init__(self, body):
        self.body = json.dumps(body).encode()

    def read(self, *_):
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def with_geocoder(city):
    with scope(city=city.pk):
        return city_update(
            actor=None,
            city=city,
            policy={**city.policy, "geocoder_url": "https://geocoder.example", "geocoder_attribution": "© OSM"},
        )


@pytest.mark.django_db
def test_the_address_search_is_off_by_default(two_cities, monkeypatch):
    world = two_cities.milan
    monkeypatch.setattr(geocoding, "urlopen", lambda *a, **k: pytest.fail("the geocoder was asked"))
    client = Client()
    client.force_login(world.officer)
    response = client.get(f"/en/{world.city.slug}/places/geocode/", {"q": "via dei mille 1"})
    assert response.status_code == 404 and response.json()["error"] == "This city has no address search."
    page = client.get(f"/en/{world.city.slug}/needs/new/").content.decode()
    assert 'id="picker-place-q"' in page and 'id="picker-address-q"' not in page


@pytest.mark.django_db
def test_the_address_search_asks_the_citys_geocoder_within_its_bounds(two_cities, monkeypatch):
    world = two_cities.milan
    city = with_geocoder(world.city)
    asked = []

    def fake_urlopen(request, timeout):
        asked.append((request.full_url, timeout))
        return FakeResponse([{"display_name": "Via dei Mille 1, Milano", "lat": "45.4403", "lon": "9.2235"}])

    monkeypatch.setattr(geocoding, "urlopen", fake_urlopen)
    client = Client()
    client.force_login(world.officer)
    response = client.get(f"/it/{city.slug}/places/geocode/", {"q": "via dei mille 1"})
    assert response.json() == {"results": [{"label": "Via dei Mille 1, Milano", "lat": 45.4403, "lon": 9.2235}]}
    ((url, timeout),) = asked
    assert url.startswith("https://geocoder.example/search?q=via+dei+mille+1") and "accept-language=it" in url
    assert "bounded=1" in url and timeout <= 5
    # the answer is cached: asking again does not reach the geocoder
    client.get(f"/it/{city.slug}/places/geocode/", {"q": "via dei mille 1"})
    assert len(asked) == 1
    page = client.get(f"/it/{city.slug}/needs/new/").content.decode()
    assert 'id="picker-address-q"' in page and "© OSM" in page
    # someone not signed in may not use the city's geocoder
    assert Client().get(f"/it/{city.slug}/places/geocode/", {"q": "via dei mille 1"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "failure", "said"),
    [
        ("it", TimeoutError("timed out"), "non ha risposto in tempo"),
        ("fr", URLError(TimeoutError("timed out")), "n’a pas répondu à temps"),
        ("en", URLError("connection refused"), "is not available now"),
        ("it", ValueError("not json"), "non è disponibile"),
    ],
)
def test_a_slow_or_broken_geocoder_answers_in_the_readers_language(two_cities, monkeypatch, lang, failure, said):
    world = two_cities.milan
    city = with_geocoder(world.city)

    def fail(*_a, **_k):
        raise failure

    monkeypatch.setattr(geocoding, "urlopen", fail)
    client = Client()
    client.force_login(world.officer)
    response = client.get(f"/{lang}/{city.slug}/places/geocode/", {"q": "via dei mille 1"})
    assert response.status_code == 502
    assert said in response.json()["error"]


# --- the forms ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_need_form_draws_the_picker_with_the_inputs_as_fallback_and_the_server_finds_the_area(two_cities):
    world = two_cities.milan
    seed_places(two_cities)
    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/it/{world.city.slug}/needs/new/").content.decode()
    assert "js/location-picker.js" in page and "vendor/leaflet/leaflet.js" in page
    assert page.count('name="lat"') == 1 and page.count('name="lon"') == 1
    assert "<details" in page and "Comune (CC BY 4.0)" in page  # the places' attribution under the search
    lat, lon = CORVETTO
    response = client.post(
        f"/it/{world.city.slug}/needs/new/",
        {"owner": world.city_hall.pk, "title": "Orto della scuola", "description": "Un orto", "lat": lat, "lon": lon},
    )
    assert response.status_code == 302
    with scope(city=world.city.pk):
        from cities4csr.needs.models import Need

        need = Need.objects.get(title="Orto della scuola")
        assert need.area.code == "35"
    assert "LODI - CORVETTO" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_site_forms_draw_the_picker(two_cities):
    world = two_cities.milan
    client = Client()
    client.force_login(world.representative)
    page = client.get(f"/en/{world.city.slug}/organisations/{world.company.pk}/").content.decode()
    assert "js/location-picker.js" in page and 'id="picker-map"' in page


@pytest.mark.django_db
def test_the_pickers_page_lets_the_citys_tiles_in_and_only_them(two_cities):
    world = two_cities.milan
    with scope(city=world.city.pk):
        city_update(
            actor=None,
            city=world.city,
            policy={**world.city.policy, "map_tile_url": "https://{s}.tiles.example/{z}/{x}/{y}.png"},
        )
    client = Client()
    client.force_login(world.officer)
    policy = client.get(f"/en/{world.city.slug}/needs/new/")["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://*.tiles.example" in img and "connect-src 'self'" in policy


@pytest.mark.django_db
def test_the_need_edit_form_moves_the_need_and_the_server_finds_the_new_area(two_cities):
    from cities4csr.needs.tests.factories import NeedFactory

    world = two_cities.milan
    with scope(city=world.city.pk):
        need = NeedFactory(city=world.city, owner=world.city_hall, title="Aule", lat=DUOMO[0], lon=DUOMO[1])
        assert need.area.code == "1"
    client = Client()
    client.force_login(world.officer)
    url = f"/fr/{world.city.slug}/needs/{need.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'id="picker-map"' in page and f'value="{DUOMO[0]}"' in page
    # the posted point decides; a neighbourhood sent by the client is not read
    response = client.post(
        url, {"title": "Aule", "description": "x", "lat": CORVETTO[0], "lon": CORVETTO[1], "area": "1"}
    )
    assert response.status_code == 302
    with scope(city=world.city.pk):
        need.refresh_from_db()
        assert need.area.code == "35"


@pytest.mark.django_db
def test_the_demo_loads_milans_schools_sports_facilities_and_cascine_with_their_attribution(milano):
    with scope(city=milano.pk):
        counts = {kind: Place.objects.filter(kind=kind).count() for kind in ("school", "sports", "farmstead")}
        parini = Place.objects.select_related("area").get(external_ref="MIPC170001")
    assert counts["school"] == 472 and counts["sports"] > 100 and counts["farmstead"] == 40
    assert (parini.name, parini.area.name, parini.attribution, parini.licence) == (
        "Liceo Classico Parini",
        "BRERA",
        "Comune di Milano",
        "CC BY 4.0",
    )
    page = Client().get("/it/milano/data/").content.decode()
    assert "Luoghi noti" in page and "ds629 Impianti sportivi" in page and "Scuola (472)" in page


@pytest.mark.django_db
def test_bad_searches_are_refused_in_the_readers_language(two_cities, monkeypatch):
    world = two_cities.milan
    city = with_geocoder(world.city)
    monkeypatch.setattr(geocoding, "urlopen", lambda *a, **k: pytest.fail("the geocoder was asked"))
    client = Client()
    client.force_login(world.officer)
    wrong_kind = client.get(f"/it/{city.slug}/places/search/", {"q": "rodari", "kind": "castello"})
    assert wrong_kind.status_code == 400 and wrong_kind.json()["error"] == "Tipo di luogo sconosciuto."
    too_short = client.get(f"/fr/{city.slug}/places/geocode/", {"q": "ab"})
    assert too_short.status_code == 400 and "au moins trois caractères" in too_short.json()["error"]
    api = client.get(f"/api/v1/cities/{city.slug}/places/", {"q": "rodari", "kind": "castello"})
    assert api.status_code == 400
