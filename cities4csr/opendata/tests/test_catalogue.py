"""The DCAT-AP catalogue (DCAT-AP_IT for an Italian city) parses as RDF with datasets, each with
its licence and distributions; the licence and the publisher's identifier come from the city's
policy, which refuses what it does not know."""

import pytest
from django.urls import reverse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from cities4csr.cities.policy import CityPolicy
from cities4csr.opendata.dcat import DCATAPIT, FILE_TYPE, THEME

pytestmark = pytest.mark.django_db

CC_BY = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
RDF_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def catalogue(client, city, fmt="ttl") -> Graph:
    response = client.get(reverse("opendata_catalogue", kwargs={"city_slug": city.slug, "fmt": fmt}))
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=RDF_FORMATS[fmt])


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
def test_the_catalogue_parses_as_rdf_with_datasets_licences_and_distributions(world, client, fmt):
    graph = catalogue(client, world.city, fmt)

    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(catalogues) == 1
    assert set(graph.objects(catalogues[0], DCAT.dataset)) == datasets
    assert len(datasets) >= 5
    for dataset in datasets:
        assert graph.value(dataset, DCTERMS.license) == CC_BY
        assert graph.value(dataset, DCTERMS.title) is not None
        assert graph.value(dataset, DCTERMS.modified) is not None
        assert list(graph.objects(dataset, DCAT.theme))
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert str(graph.value(distribution, DCAT.downloadURL)).startswith("http://testserver/")
            assert str(graph.value(distribution, DCTERMS.format)).startswith(str(FILE_TYPE))
            assert graph.value(distribution, DCTERMS.license) == CC_BY
    publisher = graph.value(catalogues[0], DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == world.city.name


def test_an_italian_city_catalogue_is_dcat_ap_it_with_its_ipa_code(world, client):
    world.city.policy = {**world.city.policy, "opendata": {"publisher_id": "c_f205", "licence": "CC-BY-SA-4.0"}}
    world.city.save()

    graph = catalogue(client, world.city)

    datasets = set(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert datasets and datasets == set(graph.subjects(RDF.type, DCAT.Dataset))
    grants = next(d for d in datasets if str(d).endswith("#grants-360giving"))
    assert str(graph.value(grants, DCTERMS.identifier)) == "c_f205:grants-360giving"
    assert str(graph.value(graph.value(grants, DCTERMS.rightsHolder), DCTERMS.identifier)) == "c_f205"
    assert graph.value(grants, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BYSA_4_0"
    )
    assert THEME.SOCI in set(graph.objects(grants, DCAT.theme))
    assert (None, RDF.type, DCATAPIT.Distribution) in graph


def test_a_french_city_catalogue_is_plain_dcat_ap(two_cities, client):
    from django_scopes import scope

    nantes = two_cities.nantes.city
    with scope(city=nantes.pk):
        graph = catalogue(client, nantes)

    assert set(graph.subjects(RDF.type, DCAT.Dataset))
    assert not set(graph.subjects(RDF.type, DCATAPIT.Dataset))


def test_each_fund_ledger_is_a_dataset(world, client):
    from cities4csr.funds.tests.factories import a_fund

    fund = a_fund(world)

    graph = catalogue(client, world.city)

    node = URIRef(reverse("opendata_catalogue", kwargs={"city_slug": world.city.slug, "fmt": "ttl"}).rsplit(".", 1)[0])
    ledger = [d for d in graph.subjects(RDF.type, DCAT.Dataset) if str(d).endswith(f"#fund-{fund.slug}")]
    assert ledger and str(node) in str(ledger[0])
    urls = {str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(ledger[0], DCAT.distribution)}
    assert any(url.endswith("/ledger.csv") for url in urls)


@pytest.mark.parametrize(
    "opendata",
    [
        {"licence": "all rights reserved"},
        {"prefix": "cities4csr-milano"},
        {"prefix": 360},
        {"publisher_id": "c f205"},
        {"mirror": "https://example.org"},
    ],
)
def test_the_city_policy_refuses_wrong_open_data_settings(opendata):
    with pytest.raises(ValueError, match="open data"):
        CityPolicy.from_data({"opendata": opendata})


def test_the_city_policy_takes_open_data_settings():
    policy = CityPolicy.from_data(
        {
            "opendata": {
                "prefix": "360G-comunemilano",
                "licence": "CC0-1.0",
                "publisher_id": "c_f205",
                "attribution": "x",
            }
        }
    )

    assert policy.opendata["licence"] == "CC0-1.0"
