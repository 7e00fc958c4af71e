"""The public open-data page and its files (ADR 0037). Everyone may read them: they hold only
what is public. Each file is built on request (the city's data change all day)."""

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.mixins import CityMixin

from . import catalogue, dcat, giving, selectors


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class OpenDataView(CityMixin, TemplateView):
    """The datasets, each with its licence, attribution and files, and the catalogue's files."""

    template_name = "opendata/index.html"

    def get_context_data(self, **kwargs):
        settings = selectors.opendata_settings(city=self.city)
        return super().get_context_data(
            datasets=catalogue.datasets_of_city(city=self.city, absolute=self.request.build_absolute_uri),
            settings=settings,
            catalogue_files=[
                (fmt, reverse("opendata_catalogue", kwargs={"city_slug": self.city.slug, "fmt": fmt}))
                for fmt in dcat.SERIALISATIONS
            ],
            **kwargs,
        )


def giving_package_of(request, city) -> dict:
    slug = {"city_slug": city.slug}
    return selectors.giving_package(
        city=city,
        download_url=request.build_absolute_uri(reverse("opendata_giving_json", kwargs=slug)),
        access_url=request.build_absolute_uri(reverse("opendata_index", kwargs=slug)),
    )


class GivingFileView(CityMixin, View):
    """The 360Giving grants: the JSON package, or flattened to CSV (a ZIP) or XLSX."""

    fmt = "json"

    def get(self, request, city_slug):
        package = giving_package_of(request, self.city)
        stem = f"{self.city.slug}-360giving-{timezone.localdate().isoformat()}"
        if self.fmt == "json":
            body = json.dumps(package, ensure_ascii=False, indent=1)
            return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), f"{stem}.json")
        if not package["grants"]:
            raise Http404("no grants yet")
        if self.fmt == "csv":
            return _attachment(
                HttpResponse(giving.flatten(package, "csv"), content_type="application/zip"), f"{stem}-csv.zip"
            )
        media = dcat.FORMATS["xlsx"][1]
        return _attachment(HttpResponse(giving.flatten(package, "xlsx"), content_type=media), f"{stem}.xlsx")


class AreasGeoJSONView(CityMixin, View):
    def get(self, request, city_slug):
        data = selectors.areas_feature_collection(city=self.city)
        return JsonResponse(data, content_type="application/geo+json")


class ResultsJSONView(CityMixin, View):
    def get(self, request, city_slug):
        return JsonResponse({"city": self.city.slug, "results": selectors.results_rows(city=self.city)})


class CatalogueView(CityMixin, View):
    """The DCAT-AP catalogue (DCAT-AP_IT for an Italian city) as Turtle, RDF/XML or JSON-LD."""

    def get(self, request, city_slug, fmt):
        if fmt not in dcat.SERIALISATIONS:
            raise Http404(fmt)
        graph = catalogue.catalogue_of_city(
            city=self.city, absolute=request.build_absolute_uri, language=translation.get_language()
        )
        media = dcat.SERIALISATIONS[fmt][1]
        return HttpResponse(dcat.serialise(graph, fmt), content_type=f"{media}; charset=utf-8")
