"""The open-data API: /api/v1/cities/<city>/open-data/… (public, read only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.renderers import GeoJSONRenderer
from cities4csr.opendata import catalogue, dcat, selectors
from cities4csr.opendata.views import giving_package_of

from .serializers import DatasetSerializer, ResultRowSerializer


class DatasetListView(CityAPIMixin, APIView):
    """The city's open datasets, each with its licence, attribution and files."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=DatasetSerializer(many=True))
    def get(self, request, city_slug):
        settings = selectors.opendata_settings(city=self.city)
        rows = [
            {
                "key": d.key,
                "title": d.title,
                "description": d.description,
                "themes": list(d.themes),
                "modified": d.modified,
                "licence": settings.licence,
                "licence_uri": settings.licence_uri,
                "attribution": settings.attribution,
                "distributions": [
                    {"title": f.title, "url": f.url, "fmt": f.fmt, "media_type": dcat.FORMATS[f.fmt][1]}
                    for f in d.distributions
                ],
            }
            for d in catalogue.datasets_of_city(city=self.city, absolute=request.build_absolute_uri)
        ]
        return Response(DatasetSerializer(rows, many=True).data)


class GivingPackageView(CityAPIMixin, APIView):
    """The city's grants as a 360Giving data package (JSON, schema 1.4)."""

    rules_permissions = {"GET": None}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, city_slug):
        return Response(giving_package_of(request, self.city))


class AreasGeoJSONView(CityAPIMixin, APIView):
    """One feature per neighbourhood: public needs, money, hours and value received, results."""

    rules_permissions = {"GET": None}
    renderer_classes = [GeoJSONRenderer]

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request, city_slug):
        return Response(selectors.areas_feature_collection(city=self.city))


class ResultListView(CityAPIMixin, APIView):
    """Every public indicator with its latest approved value and progress."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=ResultRowSerializer(many=True))
    def get(self, request, city_slug):
        return Response(ResultRowSerializer(selectors.results_rows(city=self.city), many=True).data)
