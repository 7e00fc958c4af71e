"""The CITIES4CSR network's ten cities are tenants: Milan and Nantes with their data, the other
eight with their country, currency and time zone and no areas yet, which their home page says.
The advisor answers from the Spanish and Portuguese packs for Molina de Segura and Guimarães and
plainly says that no rules are loaded for the others."""

import html

import pytest
from django.test import Client

from cities4csr.cities.models import City

pytestmark = pytest.mark.usefixtures("demo")  # about the demo's cities

NETWORK = {
    # slug: (country, currency, time zone, the advisor's jurisdiction or None)
    "milano": ("IT", "EUR", "Europe/Rome", "IT"),
    "nantes": ("FR", "EUR", "Europe/Paris", "FR"),
    "sofia": ("BG", "EUR", "Europe/Sofia", None),
    "vratsa": ("BG", "EUR", "Europe/Sofia", None),
    "kekava": ("LV", "EUR", "Europe/Riga", None),
    "rijeka": ("HR", "EUR", "Europe/Zagreb", None),
    "guimaraes": ("PT", "EUR", "Europe/Lisbon", "PT"),
    "molina-de-segura": ("ES", "EUR", "Europe/Madrid", "ES"),
    "budaors": ("HU", "HUF", "Europe/Budapest", None),
    "bratislava": ("SK", "EUR", "Europe/Bratislava", None),
}
GIFT = {
    "contribution_kind": "money",
    "return_expected": "none",
    "duration_months": 0,
    "value_eur": 5000,
    "beneficiary": "municipality",
    "counterpart": "company",
    "public_asset": "none",
}


@pytest.mark.django_db
def test_the_ten_cities_are_tenants_with_their_country_currency_and_time_zone():
    cities = {c.slug: c for c in City.objects.filter(slug__in=NETWORK)}
    assert {slug: (c.country, c.currency, c.timezone) for slug, c in cities.items()} == {
        slug: facts[:3] for slug, facts in NETWORK.items()
    }
    listed = Client().get("/en/").content.decode()
    assert all(c.name in listed for c in cities.values())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_a_city_without_areas_says_so_on_its_home_page(lang):
    for slug in NETWORK:
        page = Client().get(f"/{lang}/{slug}/")
        assert page.status_code == 200
        says_so = 'data-testid="no-areas"' in page.content.decode()
        assert says_so is (slug not in ("milano", "nantes")), slug


@pytest.mark.django_db
@pytest.mark.parametrize("slug", NETWORK)
def test_the_advisor_answers_from_the_citys_country_or_says_no_rules_are_loaded(slug):
    response = Client().post(f"/api/v1/cities/{slug}/advisor/", GIFT, content_type="application/json")
    assert response.status_code == 200
    advice = response.json()
    jurisdiction = NETWORK[slug][3]
    if jurisdiction:
        assert advice["jurisdiction"] == jurisdiction and advice["recommended"] != "needs_review", advice
        assert not advice["no_rules_loaded"]
    else:
        assert advice["recommended"] == "needs_review" and advice["no_rules_loaded"] is True
        assert "No rules are loaded" in advice["explanation"]["en"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("it", "Per questo Paese non sono caricate regole"),
        ("en", "No rules are loaded for this country"),
        ("fr", "Aucune règle n'est chargée pour ce pays"),
    ],
)
def test_the_advisor_page_of_a_city_without_rules_says_so(lang, said):
    client = Client()
    assert client.get(f"/{lang}/sofia/advisor/").status_code == 200
    answers = {**GIFT, "value_eur": "5000"}
    result = client.get(f"/{lang}/sofia/advisor/result/", answers)
    assert result.status_code == 200 and said in html.unescape(result.content.decode())
