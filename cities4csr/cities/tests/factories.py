"""Cities and their areas, made through the services (city_create, area_layer_import).

A tiny Milan-like city has two Municipi and three NIL drawn as squares; a tiny Nantes-like
one a commune and two quartiers. The points below fall inside the named areas.
"""

import json

import factory

from cities4csr.cities.geo import parse_area_file
from cities4csr.cities.models import City
from cities4csr.cities.services import area_layer_import, city_create

#: (kind, level, parent kind, {code: (name, (min_lon, min_lat, max_lon, max_lat))})
MILAN_AREAS = [
    (
        "municipio",
        0,
        "",
        {"1": ("Municipio 1", (9.14, 45.46, 9.20, 45.50)), "4": ("Municipio 4", (9.20, 45.40, 9.26, 45.46))},
    ),
    (
        "nil",
        1,
        "municipio",
        {
            "1": ("DUOMO", (9.14, 45.46, 9.20, 45.50)),
            "35": ("LODI - CORVETTO", (9.20, 45.40, 9.23, 45.46)),
            "36": ("SCALO ROMANA", (9.23, 45.40, 9.26, 45.46)),
        },
    ),
]
NANTES_AREAS = [
    ("commune", 0, "", {"44109": ("Nantes", (-1.62, 47.18, -1.48, 47.26))}),
    (
        "quartier",
        1,
        "commune",
        {
            "1": ("Centre-ville (Nantes)", (-1.62, 47.18, -1.56, 47.26)),
            "2": ("Île de Nantes (Nantes)", (-1.56, 47.18, -1.48, 47.26)),
        },
    ),
]
#: (lat, lon) inside the named area
CORVETTO = (45.4403, 9.2235)
DUOMO = (45.4642, 9.1900)
ILE_DE_NANTES = (47.2060, -1.5400)


def square(min_lon, min_lat, max_lon, max_lat) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def area_file(areas: dict) -> str:
    """A GeoJSON FeatureCollection of squares, as a city would upload it."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": square(*box)}
                for code, (name, box) in areas.items()
            ],
        }
    )


def areas_load(city: City, layers=None) -> None:
    """Load area layers (widest first) through the import service."""
    for kind, level, parent_kind, areas in layers if layers is not None else area_layers_of(city):
        area_layer_import(
            actor=None,
            city=city,
            kind=kind,
            features=parse_area_file(area_file(areas)),
            names={"en": kind.title()},
            level=level,
            parent_kind=parent_kind,
            source="factory",
        )


def area_layers_of(city: City):
    return MILAN_AREAS if city.country == "IT" else NANTES_AREAS


class CityFactory(factory.django.DjangoModelFactory):
    """An Italian city with Milan's kinds of areas (``CityFactory(areas=True)`` loads them);
    ``CityFactory(french=True)`` is Nantes-like."""

    class Meta:
        model = City
        skip_postgeneration_save = True

    class Params:
        french = factory.Trait(
            name=factory.Sequence(lambda n: f"Petit Nantes {n}"),
            country="FR",
            default_language="fr",
            languages=["fr", "en", "it"],
            timezone="Europe/Paris",
            theme=City.Theme.BOOTSTRAP,
            policy={"primary_area_kind": "quartier", "district_area_kind": "commune"},
        )

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"Piccola Milano {n}")
    country = "IT"
    default_language = "it"
    languages = ["it", "en", "fr"]
    currency = "EUR"
    timezone = "Europe/Rome"
    theme = City.Theme.BOOTSTRAP_ITALIA
    policy = factory.LazyFunction(lambda: {"primary_area_kind": "nil", "district_area_kind": "municipio"})

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return city_create(actor=None, **kwargs)

    @factory.post_generation
    def areas(city, create, extracted, **kwargs):
        if create and extracted:
            areas_load(city)
