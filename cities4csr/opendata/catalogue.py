"""The datasets the city publishes, with their files (ADR 0037): what the /open-data/ page lists
and the DCAT-AP catalogue describes. Titles in the reader's language; addresses absolute."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import dcat, selectors


def datasets_of_city(*, city, absolute) -> list[dcat.Dataset]:
    """``absolute(path)`` makes an address absolute (``request.build_absolute_uri``)."""
    slug = {"city_slug": city.slug}
    modified = selectors.modified_dates(city=city)

    def page(name, **kwargs):
        return absolute(reverse(name, kwargs={**slug, **kwargs}))

    datasets = [
        dcat.Dataset(
            key="needs",
            title=_("Needs of the city"),
            description=_("The published needs: what is asked, where, by whom, and how much of it was pledged."),
            themes=("SOCI", "GOVE"),
            modified=modified["needs"],
            page=page("need_catalogue"),
            distributions=[
                dcat.Distribution(_("Needs (CSV)"), page("api:need-export-csv"), "csv"),
                dcat.Distribution(_("Needs (XLSX)"), page("api:need-export-xlsx"), "xlsx"),
                dcat.Distribution(_("Needs on the map (GeoJSON)"), page("api:need-export-geojson"), "geojson"),
            ],
        ),
        dcat.Dataset(
            key="grants-360giving",
            title=_("Grants and contributions (360Giving)"),
            description=_(
                "Fund awards and the contributions of public organisations to needs, funds and campaigns, "
                "in the 360Giving Data Standard."
            ),
            themes=("SOCI", "ECON", "GOVE"),
            modified=modified["grants"],
            distributions=[
                dcat.Distribution(_("360Giving data package (JSON)"), page("opendata_giving_json"), "json"),
                dcat.Distribution(_("360Giving flattened (CSV files in a ZIP)"), page("opendata_giving_csv"), "zip"),
                dcat.Distribution(_("360Giving flattened (XLSX)"), page("opendata_giving_xlsx"), "xlsx"),
            ],
        ),
        dcat.Dataset(
            key="areas",
            title=_("Needs, results and contributions per neighbourhood"),
            description=_(
                "One feature per neighbourhood: its public needs, the money, hours and value it received "
                "and the progress of its results."
            ),
            themes=("REGI", "SOCI"),
            modified=modified["areas"],
            distributions=[dcat.Distribution(_("Per neighbourhood (GeoJSON)"), page("opendata_areas"), "geojson")],
        ),
        dcat.Dataset(
            key="results",
            title=_("Results and indicators"),
            description=_("The indicators of the action plan and of the needs, with their latest approved value."),
            themes=("SOCI", "GOVE"),
            modified=modified["results"],
            distributions=[dcat.Distribution(_("Results (JSON)"), page("opendata_results"), "json")],
        ),
        dcat.Dataset(
            key="boundaries",
            title=_("Neighbourhood boundaries"),
            description=_("The areas the city's figures are given for, as polygons."),
            themes=("REGI",),
            modified=modified["boundaries"],
            distributions=[dcat.Distribution(_("Boundaries (GeoJSON)"), page("api:area-geojson"), "geojson")],
        ),
    ]
    if _exists("api:equity", slug):  # the equity lens, when this deployment has it
        datasets.append(
            dcat.Dataset(
                key="equity",
                title=_("Equity per neighbourhood"),
                description=_("Euros and hours received per resident in each neighbourhood, against its needs."),
                themes=("SOCI", "REGI"),
                modified=modified["areas"],
                distributions=[dcat.Distribution(_("Equity (JSON)"), page("api:equity"), "json")],
            )
        )
    for fund in selectors.funds_of_city(city=city):
        datasets.append(
            dcat.Dataset(
                key=f"fund-{fund.slug}",
                title=_("Ledger of the fund “%(title)s”") % {"title": fund.title},
                description=_("Every movement of the fund's account, oldest first, with the chain's hashes."),
                themes=("GOVE", "ECON"),
                modified=modified["funds"],
                page=page("fund_ledger", slug=fund.slug),
                distributions=[
                    dcat.Distribution(_("Ledger (CSV)"), page("fund_ledger_csv", slug=fund.slug), "csv"),
                    dcat.Distribution(_("Ledger (JSON)"), page("fund_ledger_json", slug=fund.slug), "json"),
                ],
            )
        )
    return datasets


def _exists(name: str, kwargs: dict) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


def catalogue_of_city(*, city, absolute, language: str):
    """The DCAT-AP (DCAT-AP_IT for an Italian city) graph of the city's datasets."""
    settings = selectors.opendata_settings(city=city)
    home = absolute(reverse("opendata_index", kwargs={"city_slug": city.slug}))
    datasets = datasets_of_city(city=city, absolute=absolute)
    return dcat.catalogue_graph(
        url=absolute(reverse("opendata_catalogue", kwargs={"city_slug": city.slug, "fmt": "ttl"})).rsplit(".", 1)[0],
        title=_("Open data of %(city)s") % {"city": city.name},
        description=_("The datasets of %(city)s on Cities4CSR: needs, grants, results and figures per area.")
        % {"city": city.name},
        publisher=dcat.Publisher(name=city.name, identifier=settings.publisher_id, url=home),
        licence_uri=settings.licence_uri,
        licence_name=settings.licence,
        language=language,
        italian=city.country == "IT",
        datasets=datasets,
        modified=max(d.modified for d in datasets),
    )
