"""The city's catalogue of open datasets in DCAT-AP, and DCAT-AP_IT for an Italian city, built
as one RDF graph with rdflib and written as Turtle, RDF/XML or JSON-LD (ADR 0037). A CKAN
harvester (ckanext-dcat, ckanext-dcatapit) reads any of them.

Vocabularies: the EU Publications Office's authority tables for licences, data themes, file
types, languages and frequencies; IANA media types; DCAT-AP_IT's classes for Italy (each
dataset's ``dct:identifier`` is "<publisher's IPA code>:<dataset>", its rights holder the city).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
FREQUENCY = Namespace(EU + "frequency/")
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
LANGUAGES = {"it": "ITA", "en": "ENG", "fr": "FRA", "de": "DEU", "es": "SPA"}

#: a file's EU file type and IANA media type, by the short name the datasets use
FORMATS = {
    "json": ("JSON", "application/json"),
    "csv": ("CSV", "text/csv"),
    "zip": ("ZIP", "application/zip"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
    "jsonld": ("JSON_LD", "application/ld+json"),
}
#: serialisations of the catalogue: name -> (rdflib format, media type)
SERIALISATIONS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}


@dataclass(frozen=True)
class Distribution:
    title: str
    url: str
    fmt: str  # a key of FORMATS


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    themes: tuple[str, ...]  # EU data-theme codes: SOCI, GOVE, ECON, REGI…
    modified: datetime.date
    distributions: list[Distribution] = field(default_factory=list)
    page: str = ""  # a page about it


@dataclass(frozen=True)
class Publisher:
    name: str
    identifier: str  # the IPA code of an Italian public body, a SIREN…
    url: str


def catalogue_graph(
    *,
    url: str,
    title: str,
    description: str,
    publisher: Publisher,
    licence_uri: str,
    licence_name: str,
    language: str,
    italian: bool,
    datasets: list[Dataset],
    modified: datetime.date,
) -> Graph:
    """The catalogue at ``url`` with its datasets, each under the licence ``licence_uri``."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    if italian:
        graph.bind("dcatapit", DCATAPIT)
    lang = LANGUAGE[LANGUAGES.get(language, "ENG")]
    catalogue = URIRef(url)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    if italian:
        graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal(title, lang=language)))
    graph.add((catalogue, DCTERMS.description, Literal(description, lang=language)))
    graph.add((catalogue, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
    graph.add((catalogue, DCTERMS.language, lang))
    graph.add((catalogue, FOAF.homepage, URIRef(publisher.url)))

    agent = URIRef(f"{url}#publisher")
    graph.add((agent, RDF.type, FOAF.Agent))
    if italian:
        graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, FOAF.name, Literal(publisher.name)))
    if publisher.identifier:
        graph.add((agent, DCTERMS.identifier, Literal(publisher.identifier)))
    graph.add((catalogue, DCTERMS.publisher, agent))

    licence = URIRef(licence_uri)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if italian:
        graph.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((licence, FOAF.name, Literal(licence_name)))

    for dataset in datasets:
        node = URIRef(f"{url}#{dataset.key}")
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        if italian:
            graph.add((node, RDF.type, DCATAPIT.Dataset))
        identifier = f"{publisher.identifier}:{dataset.key}" if publisher.identifier else dataset.key
        graph.add((node, DCTERMS.identifier, Literal(identifier)))
        graph.add((node, DCTERMS.title, Literal(dataset.title, lang=language)))
        graph.add((node, DCTERMS.description, Literal(dataset.description, lang=language)))
        graph.add((node, DCTERMS.modified, Literal(dataset.modified.isoformat(), datatype=XSD.date)))
        graph.add((node, DCTERMS.publisher, agent))
        graph.add((node, DCTERMS.rightsHolder, agent))
        graph.add((node, DCTERMS.license, licence))
        graph.add((node, DCTERMS.language, lang))
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY.UPDATE_CONT))
        for theme in dataset.themes:
            graph.add((node, DCAT.theme, THEME[theme]))
        if dataset.page:
            graph.add((node, DCAT.landingPage, URIRef(dataset.page)))
        for index, dist in enumerate(dataset.distributions, start=1):
            file_type, media_type = FORMATS[dist.fmt]
            part = URIRef(f"{url}#{dataset.key}-{index}")
            graph.add((node, DCAT.distribution, part))
            graph.add((part, RDF.type, DCAT.Distribution))
            if italian:
                graph.add((part, RDF.type, DCATAPIT.Distribution))
            graph.add((part, DCTERMS.title, Literal(dist.title, lang=language)))
            graph.add((part, DCAT.accessURL, URIRef(dist.url)))
            graph.add((part, DCAT.downloadURL, URIRef(dist.url)))
            graph.add((part, DCTERMS.format, FILE_TYPE[file_type]))
            graph.add((part, DCAT.mediaType, URIRef(MEDIA_TYPE + media_type)))
            graph.add((part, DCTERMS.license, licence))
    return graph


def serialise(graph: Graph, name: str) -> bytes:
    """The graph in the serialisation ``name`` (a key of SERIALISATIONS)."""
    rdf_format, _media_type = SERIALISATIONS[name]
    return graph.serialize(format=rdf_format, encoding="utf-8")
