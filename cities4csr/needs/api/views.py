from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.renderers import GeoJSONRenderer
from cities4csr.needs import selectors, services
from cities4csr.needs.exporting import FORMATS, export_response
from cities4csr.needs.filters import NeedFilter
from cities4csr.needs.importing import needs_import
from cities4csr.needs.models import Action, Theme
from cities4csr.organisations.models import Organisation

from .serializers import (
    GapByAreaQuerySerializer,
    GapByAreaSerializer,
    LineSerializer,
    LineWriteSerializer,
    NeedSerializer,
    NeedUpdateSerializer,
    NeedWriteSerializer,
    TransitionSerializer,
)


class NeedListView(CityAPIMixin, generics.ListAPIView):
    """The public menu of opportunities, with the same filters as the page. POST creates a draft need."""

    rules_permissions = {"GET": None, "POST": None}  # who may create is decided per owner by the service
    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def city_queryset(self):
        return selectors.needs_public(city=self.city)

    @extend_schema(request=NeedWriteSerializer, responses={201: NeedSerializer})
    def post(self, request, city_slug):
        data = NeedWriteSerializer(data=request.data, context={"city": self.city})
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
    """The catalogue's needs (same filters) as GeoJSON points; with ``page``, those of that page
    of the catalogue (what its map shows)."""

    rules_permissions = {"GET": None}
    renderer_classes = [GeoJSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("page", int, description="only the needs of this page of the catalogue")],
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, city_slug):
        page_size = selectors.CATALOGUE_PAGE_SIZE if "page" in request.query_params else None
        return Response(selectors.need_points(city=self.city, params=request.query_params, page_size=page_size))


class NeedGapByAreaView(CityAPIMixin, APIView):
    """Published and in-progress needs per area, for the catalogue's choropleth: their open gap in
    the city's currency (``measure=gap``) or their number (``measure=count``)."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[GapByAreaQuerySerializer], responses=GapByAreaSerializer)
    def get(self, request, city_slug):
        query = GapByAreaQuerySerializer(data=request.query_params, context={"city": self.city})
        query.is_valid(raise_exception=True)
        kind = query.validated_data.get("kind") or self.city.settings.primary_area_kind
        measure = query.validated_data["measure"]
        values = selectors.open_gap_by_area(city=self.city, kind=kind, measure=measure)
        return Response(
            {"kind": kind, "measure": measure, "unit": self.city.currency if measure == "gap" else "", "values": values}
        )


class NeedDetailView(CityAPIMixin, APIView):
    """A need. PATCH corrects it while it is open (officers, its owner's representative); DELETE
    removes a draft nobody pledged to (others are withdrawn through ``transition``)."""

    rules_permissions = {"GET": None, "PATCH": None, "DELETE": None}  # decided per need by the services

    @extend_schema(responses=NeedSerializer)
    def get(self, request, city_slug, pk):
        return Response(NeedSerializer(selectors.need_get(actor=request.user, city=self.city, pk=pk)).data)

    @extend_schema(request=NeedUpdateSerializer, responses=NeedSerializer)
    def patch(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        data = NeedUpdateSerializer(data=request.data, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        themes = fields.pop("themes", None)
        if themes is not None:
            themes = list(Theme.objects.filter(city=self.city, key__in=themes).order_by("key"))
        if "action" in fields:
            number = fields.pop("action")
            fields["action"] = None if number is None else get_object_or_404(Action, city=self.city, number=number)
        services.need_update(actor=request.user, need=need, themes=themes, **fields)
        return Response(NeedSerializer(selectors.need_get(actor=request.user, city=self.city, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        services.need_delete(actor=request.user, need=need)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _line(request, city, pk, line_pk):
    need = selectors.need_get(actor=request.user, city=city, pk=pk)
    line = next((line for line in need.lines.all() if line.pk == line_pk), None)
    if line is None:
        raise Http404("No such line")
    line.need = need
    return line


class NeedLineDetailView(CityAPIMixin, APIView):
    """One line of a need. PATCH corrects it: never below what pledges already took, and a
    pledged line keeps its kind; DELETE removes a line nobody ever pledged to."""

    rules_permissions = {"PATCH": None, "DELETE": None}  # decided per need by the services

    @extend_schema(request=LineWriteSerializer(partial=True), responses=LineSerializer)
    def patch(self, request, city_slug, pk, line_pk):
        line = _line(request, self.city, pk, line_pk)
        payload = {"kind": line.kind, **{key: request.data[key] for key in request.data}}
        data = LineWriteSerializer(data=payload, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        return Response(LineSerializer(services.line_update(actor=request.user, line=line, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, city_slug, pk, line_pk):
        services.line_delete(actor=request.user, line=_line(request, self.city, pk, line_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NeedLinesView(CityAPIMixin, APIView):
    """Add a resource line to a need."""

    rules_permissions = {"POST": None}

    @extend_schema(request=LineWriteSerializer, responses={201: LineSerializer})
    def post(self, request, city_slug, pk):
        need = selectors.need_get(actor=request.user, city=self.city, pk=pk)
        data = LineWriteSerializer(data=request.data, context={"city": self.city})
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


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX, at most 5 MB; the first row names the columns.")
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="Only check the file and report (the default). false to import."
    )
    locale = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language amounts and numbers typed as text are written in: it reads 60.000,50, fr "
        "60 000,50, en 60,000.50 (docs/adr/0009-money-input.md). Default: the request's language "
        "(Accept-Language). Numeric XLSX cells are read as numbers.",
    )


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the spreadsheet; the header is row 1.")
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))
    errors = serializers.ListField(child=serializers.CharField())
    outcome = serializers.ChoiceField(
        choices=["create", "update", "unchanged", ""],
        help_text="What the row does to the city's needs (empty while the file has errors).",
    )


class ImportOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["create", "update", "unchanged"])
    row = serializers.IntegerField(help_text="The need's first row.")
    label = serializers.CharField(help_text="The need's title.")
    url = serializers.CharField(allow_blank=True, help_text="The need's page; empty for one a dry run would create.")


class ImportRowErrorsSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="True when the file was imported (new needs as drafts).")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='e.g. {"needs": 3, "lines": 5, "create": 1, "update": 1, "unchanged": 1}',
    )
    file_errors = serializers.ListField(child=serializers.CharField())
    columns = serializers.ListField(child=serializers.CharField())
    rows = ImportRowSerializer(many=True)
    outcomes = ImportOutcomeSerializer(
        many=True, help_text="Each need of the file: created, updated or unchanged, with its page."
    )
    errors = ImportRowErrorsSerializer(many=True, help_text="Only the bad rows, with every reason.")


class NeedImportView(CityAPIMixin, APIView):
    """Import needs from a CSV or XLSX table, as drafts. Nothing is written if any row is bad. Importing
    again is idempotent: a need with the same `ref` (or owner and title) is updated or left unchanged."""

    rules_permissions = {"POST": "needs.change_action"}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportReportSerializer, 201: ImportReportSerializer, 400: ImportReportSerializer},
        description="200: dry run, the file is good. 201: the file was imported. 400: the file or rows have "
        "errors (listed in `errors` and `file_errors`); nothing was written.",
    )
    def post(self, request, city_slug):
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # an HTML form leaves out an unchecked box: only an explicit "false" imports
        dry_run = data.validated_data["dry_run"] if "dry_run" in request.data else True
        report = needs_import(
            actor=request.user,
            city=self.city,
            file=data.validated_data["file"],
            dry_run=dry_run,
            locale=data.validated_data.get("locale"),
        )
        if not report.ok:
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_201_CREATED if report.written else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)


class _DownloadRenderer(BaseRenderer):
    """Lets content negotiation accept the file's media type; the view returns the bytes itself."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(_DownloadRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_DownloadRenderer):
    media_type = FORMATS["xlsx"]
    format = "xlsx"


FILTER_PARAMETERS = [
    OpenApiParameter(name, kind, description=description)
    for name, kind, description in (
        ("q", OpenApiTypes.STR, "Words to search in the title, description, beneficiaries and neighbourhood"),
        ("theme", OpenApiTypes.STR, "Theme key, e.g. education"),
        ("sdg", OpenApiTypes.INT, "SDG goal number, 1 to 17"),
        ("municipio", OpenApiTypes.STR, "District code"),
        ("nil", OpenApiTypes.STR, "Neighbourhood code (of the city's primary area kind)"),
        ("kind", OpenApiTypes.STR, "Needs with a line of this kind: money, goods, volunteer_time, expertise, space"),
        ("action", OpenApiTypes.INT, "Action plan number"),
        ("status", OpenApiTypes.STR, "State of the need, e.g. published"),
        ("open", OpenApiTypes.BOOL, "true: still open needs only; false: the others"),
        ("sort", OpenApiTypes.STR, "newest (default), gap, ending or title"),
    )
]


class NeedExportView(CityAPIMixin, APIView):
    """The public catalogue, with the catalogue's filters, one row per resource line."""

    rules_permissions = {"GET": None}
    fmt = "csv"

    def get(self, request, city_slug):
        needs = selectors.needs_catalogue(city=self.city, params=request.query_params).qs
        return export_response(city=self.city, needs=needs, fmt=self.fmt)


class NeedExportCSVView(NeedExportView):
    renderer_classes = [CSVRenderer]
    fmt = "csv"

    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, city_slug):
        return super().get(request, city_slug)


class NeedExportXLSXView(NeedExportView):
    renderer_classes = [XLSXRenderer]
    fmt = "xlsx"

    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, FORMATS["xlsx"]): OpenApiTypes.BINARY})
    def get(self, request, city_slug):
        return super().get(request, city_slug)


class NeedExportGeoJSONView(NeedExportView):
    renderer_classes = [GeoJSONRenderer]
    fmt = "geojson"

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
        description="A FeatureCollection: one Point per need with a place, its resource lines in its properties.",
    )
    def get(self, request, city_slug):
        return super().get(request, city_slug)
