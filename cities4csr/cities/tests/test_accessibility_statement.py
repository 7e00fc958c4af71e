"""Each city's accessibility statement, in AgID's sections, in three languages, with the city's contact."""

import pytest
from django.test import Client

from cities4csr.cities.policy import CityPolicy

SECTIONS = {
    "it": [
        "Dichiarazione di accessibilità",
        "Stato di conformità",
        "Contenuti non accessibili",
        "Meccanismo di feedback e recapiti",
        "Procedura di attuazione",
        "Redazione della dichiarazione",
    ],
    "en": [
        "Accessibility statement",
        "Conformity status",
        "Content that is not accessible",
        "Feedback and contact details",
        "Enforcement procedure",
        "Preparation of this statement",
    ],
    "fr": [
        "Déclaration d'accessibilité",
        "État de conformité",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "Voies de recours",
        "Établissement de cette déclaration",
    ],
}


@pytest.fixture
def italian_city(world):
    world.city.policy = {
        **world.city.policy,
        "accessibility_email": "accessibilita@comune.test",
        "accessibility_statement_date": "2026-09-23",
    }
    world.city.save()
    return world.city


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_statement_has_agid_sections_in_every_language(italian_city, lang):
    response = Client().get(f"/{lang}/{italian_city.slug}/accessibility/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in SECTIONS[lang]:
        assert heading in body, (lang, heading)
    assert 'href="mailto:accessibilita@comune.test"' in body  # the feedback mechanism: the city's contact
    assert 'href="https://form.agid.gov.it/"' in body  # the enforcement procedure, through AgID
    assert "2026" in body and "23" in body  # the statement's date
    assert f"http://127.0.0.1:8000/{lang}/{italian_city.slug}/" in body  # the site it applies to


@pytest.mark.django_db
def test_statement_without_a_contact_says_so_and_is_linked_from_the_footer(world):
    body = Client().get(f"/en/{world.city.slug}/").content.decode()
    assert f'href="/en/{world.city.slug}/accessibility/"' in body
    body = Client().get(f"/en/{world.city.slug}/accessibility/").content.decode()
    assert "mailto:" not in body
    assert "no e-mail address has been given yet" in body
    assert "partially compliant" in body  # the default status


def test_policy_validates_the_statement_fields():
    assert CityPolicy.from_data({"accessibility_email": "a11y@city.test"}).accessibility_email == "a11y@city.test"
    for bad in (
        {"accessibility_email": "not an address"},
        {"accessibility_status": "mostly"},
        {"accessibility_statement_date": "23/09/2026"},
        {"accessibility_agid_url": "https://elsewhere.test/x"},
    ):
        with pytest.raises(ValueError):
            CityPolicy.from_data(bad)
