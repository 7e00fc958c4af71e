from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.renderers import GeoJSONRenderer

from .. import selectors
from .serializers import (
    AreaLayerSerializer,
    AreaSerializer,
    CitySerializer,
    IndicatorSerializer,
    KindQuerySerializer,
    LocateQuerySerializer,
)

KIND_PARAM = OpenApiParameter("kind", str, description="Area kind, e.g. nil, municipio, commune, quartier")


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
    """The city's areas as a GeoJSON FeatureCollection (WGS84), with code, name, kind and parent."""

    rules_permissions = {"GET": None}
    renderer_classes = [GeoJSONRenderer]

    @extend_schema(parameters=[KIND_PARAM], responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request, city_slug):
        query = KindQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind")
        areas = (
            selectors.areas_of_kind(city=self.city, kind=kind, with_geometry=True)
            if kind
            else selectors.areas_all(city=self.city, with_geometry=True)
        )
        features = [
            {
                "type": "Feature",
                "id": f"{area.kind}:{area.code}",
                "properties": {
                    "kind": area.kind,
                    "code": area.code,
                    "name": area.name,
                    "parent_code": area.parent.code if area.parent else None,
                },
                "geometry": area.geometry,
            }
            for area in areas
        ]
        return Response({"type": "FeatureCollection", "features": features})


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
