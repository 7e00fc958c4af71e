"""A city's settings are validated data: languages, policy, slug."""

import pytest
from django.core.exceptions import ValidationError

from cities4csr.cities.models import City
from cities4csr.cities.policy import CityPolicy
from cities4csr.cities.services import city_create


def test_policy_defaults_and_known_keys():
    assert CityPolicy.from_data({}).primary_area_kind == ""
    assert CityPolicy.from_data({"primary_area_kind": "nil"}).primary_area_kind == "nil"
    assert CityPolicy.from_data({"sponsor_exclusions": ["gambling"]}).sponsor_exclusions == ["gambling"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "red"}, "unknown policy keys: colour"),
        ({"primary_area_kind": 3}, "must be a str"),
        ({"map_tile_url": "http://tiles.example/{z}/{x}/{y}.png"}, "https://"),
        ({"sponsor_exclusions": "tobacco"}, "must be a list"),
        ({"sponsor_exclusions": ["Tobacco!"]}, "sponsor_exclusions"),
    ],
)
def test_bad_policy_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        CityPolicy.from_data(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "api"}, "slug"),
        ({"languages": ["it", "de"]}, "languages"),
        ({"default_language": "fr"}, "default_language"),
        ({"country": "Italy"}, "country"),
        ({"policy": {"nope": 1}}, "policy"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"currency": "EURO"}, "currency"),
    ],
)
def test_city_create_refuses_bad_settings(fields, field):
    values = {
        "slug": "torino",
        "name": "Torino",
        "country": "IT",
        "default_language": "it",
        "languages": ["it"],
        **fields,
    }
    before = City.objects.count()
    with pytest.raises(ValidationError) as info:
        city_create(actor=None, **values)
    assert field in info.value.message_dict
    assert City.objects.count() == before
