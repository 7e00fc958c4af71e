from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.api.mixins import CityAPIMixin
from cities4csr.api.renderers import GeoJSONRenderer
from cities4csr.needs import selectors, services
from cities4csr.needs.filters import NeedFilter
from cities4csr.needs.models import Action, Theme
from cities4csr.organisations.models import Organisation

from .serializers import LineSerializer, LineWriteSerializer, NeedSerializer, NeedWriteSerializer, TransitionSerializer


class NeedListView(CityAPIMixin, generics.ListAPIView):
    """The public menu of opportunities, with the same filters as the page. POST creates a draft need."""

    rules_permissions = {"GET": None, "POST": None}  # who may create is decided per owner by the service
    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def city_queryset(self):
        return selectors.needs_public(city=self.city)

    @extend_schema(request=NeedWriteSerializer, responses={201: NeedSerializer})
    def post(self, request, city_slug):
        data = NeedWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owner = get_object_or_404(Organisation, city=self.city, pk=fields.pop("owner"))
        action = fields.pop("action", None)
        themes = Theme.objects.filter(city=self.city, key__in=fields.pop("themes", []))
        if action is not None:
            fields["action"] = get_object_or_404(Action, city=self.city, number=action)
        need = services.need_create(actor=request.user, city=self.city, owner=owner, themes=list(themes), **fields)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class NeedGeoJSONView(CityAPIMixin, APIView):
    """The catalogue's needs (same filters) as GeoJSON points."""

    rules_permissions = {"GET": None}
    renderer_classes = [GeoJSONRenderer]

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request, city_slug):
        needs = selectors.needs_catalogue(city=self.city, params=request.query_params).qs.filter(lat__isnull=False)
        rows = needs.values("id", "title", "state", "lat", "lon", "area__code", "open_gap")
        features = [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {
                    "title": row["title"],
                    "state": row["state"],
                    "area_code": row["area__code"],
                    "value_open_cents": max(row["open_gap"], 0),
                    "url": reverse("need_detail", kwargs={"city_slug": city_slug, "pk": row["id"]}),
                },
            }
            for row in rows
        ]
        return Response({"type": "FeatureCollection", "features": features})


class NeedDetailView(CityAPIMixin, APIView):
    rules_permissions = {"GET": None}

    @extend_schema(responses=NeedSerializer)
    def get(self, request, city_slug, pk):
        return Response(NeedSerializer(selectors.need_get(actor=request.user, city=self.city, pk=pk)).data)


class NeedLinesView(CityAPIMixin, APIView):
    """Add a resource line to a need."""

    rules_permissions = {"POST": None}

    @extend_schema(request=LineWriteSerializer, responses={201: LineSerializer})
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        data = LineWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.line_add(actor=request.user, need=need, **data.validated_data)
        return Response(LineSerializer(line).data, status=status.HTTP_201_CREATED)


class NeedTransitionView(CityAPIMixin, APIView):
    """Move a need along its lifecycle: submit, publish, withdraw…"""

    rules_permissions = {"POST": None}

    @extend_schema(request=TransitionSerializer, responses=NeedSerializer)
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.need_transition(actor=request.user, need=need, **data.validated_data)
        return Response(NeedSerializer(selectors.need_get(actor=request.user, city=self.city, pk=pk)).data)
