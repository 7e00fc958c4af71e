from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.renderers import GeoJSONRenderer

from .. import selectors
from .serializers import (
    AreaGeoJSONQuerySerializer,
    AreaLayerSerializer,
    AreaSerializer,
    CitySerializer,
    IndicatorSerializer,
    KindQuerySerializer,
    LocateQuerySerializer,
    PlaceQuerySerializer,
    PlaceSerializer,
)

KIND_PARAM = OpenApiParameter("kind", str, description="Area kind, e.g. nil, municipio, commune, quartier")
ZOOM_PARAM = OpenApiParameter(
    "zoom",
    int,
    description=(
        "The map's zoom (Web Mercator): boundaries are simplified to half a pixel at that zoom, "
        "shared edges once for both neighbours. Omitted: the stored geometry."
    ),
)


class CityListView(generics.ListAPIView):
    """The cities on this platform."""

    serializer_class = CitySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.cities_listed()


class CityDetailView(CityAPIMixin, APIView):
    """One city, with its area layers."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=CitySerializer)
    def get(self, request, city_slug):
        data = CitySerializer(self.city).data
        data["area_layers"] = AreaLayerSerializer(selectors.area_layers(city=self.city), many=True).data
        return Response(data)


class AreaListView(CityAPIMixin, generics.ListAPIView):
    """The city's areas (without geometry); filter by kind."""

    rules_permissions = {"GET": None}
    serializer_class = AreaSerializer
    pagination_class = None

    @extend_schema(parameters=[KIND_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def city_queryset(self):
        query = KindQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind")
        qs = selectors.areas_of_kind(city=self.city, kind=kind) if kind else selectors.areas_all(city=self.city)
        return qs


class AreaGeoJSONView(CityAPIMixin, APIView):
    """The city's areas as a GeoJSON FeatureCollection (WGS84), with code, name, kind and parent.

    Tagged, so that a browser asking again gets a 304 without a byte of geometry (compression
    makes the ETag weak: W/"…", compared as the same tag).
    """

    rules_permissions = {"GET": None}
    renderer_classes = [GeoJSONRenderer]

    @extend_schema(
        parameters=[KIND_PARAM, ZOOM_PARAM],
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT, 304: None},
    )
    def get(self, request, city_slug):
        query = AreaGeoJSONQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, zoom = query.validated_data.get("kind"), query.validated_data.get("zoom")
        version = selectors.areas_version(city=self.city, kind=kind, zoom=zoom)
        etag = f'"{version}"'
        asked = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
        if etag in asked:
            response = HttpResponseNotModified()
        else:
            features = selectors.area_features(city=self.city, kind=kind, zoom=zoom, version=version)
            response = Response({"type": "FeatureCollection", "features": features})
        response["ETag"] = etag
        # Boundaries change rarely; a browser keeps them ten minutes, then asks with the ETag.
        patch_cache_control(response, public=True, max_age=600)
        return response


class AreaLocateView(CityAPIMixin, APIView):
    """The areas that contain a point (latitude, longitude in WGS84), widest first."""

    rules_permissions = {"GET": None}

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True, description="Latitude, WGS84"),
            OpenApiParameter("lon", float, required=True, description="Longitude, WGS84"),
        ],
        responses=AreaSerializer(many=True),
    )
    def get(self, request, city_slug):
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        areas = selectors.areas_locate(city=self.city, **query.validated_data)
        return Response(AreaSerializer(areas, many=True).data)


class IndicatorListView(CityAPIMixin, APIView):
    """The city's indicators with their latest value per area code; filter by area kind."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[KIND_PARAM], responses=IndicatorSerializer(many=True))
    def get(self, request, city_slug):
        query = KindQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind")
        indicators = list(selectors.indicators_of_city(city=self.city, kind=kind or ""))
        values = selectors.indicator_latest_values(city=self.city, indicators=indicators)
        return Response(IndicatorSerializer(indicators, many=True, context={"values": values}).data)


class PlaceListView(CityAPIMixin, APIView):
    """The city's known places (schools, sports facilities, farmsteads…) whose name or address
    holds every word of ``q``, names beginning with it first; at most ten. Each with the
    neighbourhood it lies in and the source, licence and attribution of its data."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[PlaceQuerySerializer], responses=PlaceSerializer(many=True))
    def get(self, request, city_slug):
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        places = selectors.places_search(
            city=self.city, q=query.validated_data["q"], kind=query.validated_data.get("kind", "")
        )
        return Response(PlaceSerializer(places, many=True).data)
