"""The statement API: /api/v1/cities/<city>/organisations/<pk>/statement/ (JSON), its files
(``statement.pdf``, ``statement.xlsx``) and the management costs of the company's programme.
The same rules as the page: the company's representatives and the city's officers read; only
the representatives record or cancel a cost."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin

from .. import exporting, selectors, services
from ..statement import statement_build
from ..views import document_language, statement_response
from .serializers import (
    ManagementCostResultSerializer,
    ManagementCostSerializer,
    StatementQuerySerializer,
    StatementSerializer,
)


class _FileRenderer(BaseRenderer):
    """Lets content negotiation accept the file's type; the view returns the bytes itself."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XLSXRenderer(_FileRenderer):
    media_type = exporting.XLSX_TYPE
    format = "xlsx"


NOT_YOURS = OpenApiResponse(description="Not your company")


class StatementAPIView(CityAPIMixin, APIView):
    """A company's sustainability statement for a period (``from``, ``to``; default this year so
    far): B4SI inputs by how, why, what and where, leverage, outputs and impacts, the ESRS S3
    evidence pack and GRI 413-1, every figure read from the city's ledger. For the company's
    representatives and the city's officers."""

    rules_permissions = {"GET": None}
    fmt = "json"

    def statement(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        organisation = selectors.statement_organisation_get(actor=request.user, city=self.city, pk=pk)
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        today = timezone.localdate()
        return statement_build(
            city=self.city,
            organisation=organisation,
            since=data.get("from") or datetime.date(today.year, 1, 1),
            until=data.get("to") or today,
            language=document_language(data.get("lang") or translation.get_language()),
        )

    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses={200: StatementSerializer, 400: ErrorSerializer, 403: NOT_YOURS},
    )
    def get(self, request, city_slug, pk):
        return Response(exporting.statement_data(self.statement(request, pk)))


class StatementPDFView(StatementAPIView):
    renderer_classes = [PDFRenderer, JSONRenderer]

    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 400: ErrorSerializer, 403: NOT_YOURS},
    )
    def get(self, request, city_slug, pk):
        return statement_response(self.statement(request, pk), "pdf")


class StatementXLSXView(StatementAPIView):
    renderer_classes = [XLSXRenderer, JSONRenderer]

    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses={(200, exporting.XLSX_TYPE): OpenApiTypes.BINARY, 400: ErrorSerializer, 403: NOT_YOURS},
    )
    def get(self, request, city_slug, pk):
        return statement_response(self.statement(request, pk), "xlsx")


def _cost(group) -> dict:
    return {
        "id": group.pk,
        "seq": group.seq,
        "amount_cents": getattr(group, "amount_cents", 0),
        "on": group.effective_on,
        "memo": group.memo,
        "cancelled": getattr(group, "cancelled", False),
    }


class ManagementCostListView(CityAPIMixin, APIView):
    """The management costs of the company's community programme (B4SI's fourth input), newest
    first; POST records one (its representatives): a ledger movement from the company to its
    programme."""

    rules_permissions = {"GET": None, "POST": None}

    def organisation(self, request, pk, perm: str):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        organisation = selectors.statement_organisation_get(actor=request.user, city=self.city, pk=pk)
        if not request.user.has_perm(perm, organisation):
            self.permission_denied(request)
        return organisation

    @extend_schema(responses={200: ManagementCostResultSerializer(many=True), 403: NOT_YOURS})
    def get(self, request, city_slug, pk):
        organisation = self.organisation(request, pk, "reporting.view_statement")
        costs = selectors.management_costs_of(city=self.city, organisation=organisation)
        return Response(ManagementCostResultSerializer([_cost(g) for g in costs], many=True).data)

    @extend_schema(
        request=ManagementCostSerializer,
        responses={201: ManagementCostResultSerializer, 400: ErrorSerializer, 403: NOT_YOURS},
    )
    def post(self, request, city_slug, pk):
        organisation = self.organisation(request, pk, "reporting.record_management_cost")
        data = ManagementCostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.management_cost_record(
            actor=request.user,
            organisation=organisation,
            amount_cents=data.validated_data["amount_cents"],
            on=data.validated_data["on"],
            memo=data.validated_data["memo"],
        )
        group.amount_cents = data.validated_data["amount_cents"]
        return Response(ManagementCostResultSerializer(_cost(group)).data, status=status.HTTP_201_CREATED)


class ManagementCostCancelView(ManagementCostListView):
    """Cancel a management cost entered in error: a reversing movement (the first stays)."""

    rules_permissions = {"POST": None}

    @extend_schema(request=None, responses={200: ManagementCostResultSerializer, 400: ErrorSerializer, 403: NOT_YOURS})
    def post(self, request, city_slug, pk, group_pk):
        organisation = self.organisation(request, pk, "reporting.record_management_cost")
        group = selectors.management_cost_get(city=self.city, organisation=organisation, pk=group_pk)
        services.management_cost_reverse(actor=request.user, organisation=organisation, group=group)
        group.amount_cents = max(p.amount_cents for p in group.postings.all())
        group.cancelled = True
        return Response(ManagementCostResultSerializer(_cost(group)).data)
