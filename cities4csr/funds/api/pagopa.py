"""pagoPA reporting flows in the API (ADR 0028): the flows a city imported, and the import of a
new one, with the same rule as the officers' page (``funds.import_pagopa_report``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.funds.pagopa_models import PagopaFlowLine
from cities4csr.funds.pagopa_selectors import flows_of
from cities4csr.funds.pagopa_services import pagopa_report_import

RESULTS = [choice for choice, _label in PagopaFlowLine.Result.choices] + ["already_reconciled", "duplicate_in_flow"]


class PagopaFlowLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Where the payment starts in the file (1-based).")
    iuv = serializers.CharField(help_text="identificativoUnivocoVersamento")
    iur = serializers.CharField(help_text="identificativoUnivocoRiscossione: the provider's reference.")
    amount_cents = serializers.IntegerField()
    outcome = serializers.CharField(help_text="codiceEsitoSingoloPagamento as written (0, 4, 8, 9: paid; 3: revoked).")
    outcome_on = serializers.DateField()
    result = serializers.ChoiceField(choices=RESULTS)


class PagopaFlowSerializer(serializers.Serializer):
    flow_id = serializers.CharField(help_text="identificativoFlusso")
    flow_at = serializers.DateTimeField()
    settlement_ref = serializers.CharField(help_text="identificativoUnivocoRegolamento: the transfer's reference.")
    settlement_on = serializers.DateField()
    sender_id = serializers.CharField()
    sender_name = serializers.CharField()
    total_cents = serializers.IntegerField(help_text="importoTotalePagamenti, in cents.")
    payments = serializers.IntegerField()
    received_count = serializers.IntegerField()
    received_cents = serializers.IntegerField(allow_null=True)
    left = PagopaFlowLineSerializer(many=True, source="left_lines", help_text="The payments not received, with why.")


class PagopaImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The FlussoRiversamento XML, at most 20 MB.")


class PagopaImportedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="payment.line")
    iuv = serializers.CharField(source="payment.iuv")
    iur = serializers.CharField(source="payment.iur")
    amount_cents = serializers.IntegerField(source="payment.amount_cents")
    outcome = serializers.CharField(source="payment.outcome")
    outcome_on = serializers.DateField(source="payment.outcome_on")
    result = serializers.ChoiceField(choices=RESULTS)
    amount_differs = serializers.BooleanField()
    contribution = serializers.IntegerField(source="contribution.pk", allow_null=True, default=None)
    reference = serializers.CharField(source="contribution.reference", allow_null=True, default=None)


class PagopaImportResultSerializer(serializers.Serializer):
    flow_id = serializers.CharField(source="flow.flow_id")
    new_flow = serializers.BooleanField(help_text="False when the flow had been imported before.")
    received = serializers.IntegerField(source="received_count")
    received_cents = serializers.IntegerField()
    lines = PagopaImportedLineSerializer(many=True)


class PagopaFlowsView(CityAPIMixin, APIView):
    """The city's pagoPA reporting flows (GET), and the import of one (POST): each paid notice
    of a contribution is received once; a malformed file is refused with the line and the
    reason in ``file`` (its code in ``codes``), and nothing is written."""

    rules_permissions = {"GET": "funds.import_pagopa_report", "POST": "funds.import_pagopa_report"}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: PagopaFlowSerializer(many=True)})
    def get(self, request, city_slug):
        flows = flows_of(actor=request.user, city=self.city)[:100]
        return Response(PagopaFlowSerializer(flows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": PagopaImportRequestSerializer},
        responses={200: PagopaImportResultSerializer, 201: PagopaImportResultSerializer},
        description="201: a new flow was imported. 200: the flow had been imported before (only payments new to "
        "it were received). 400: the file is refused (its line and reason in `file`); nothing was written.",
    )
    def post(self, request, city_slug):
        data = PagopaImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = pagopa_report_import(actor=request.user, city=self.city, file=data.validated_data["file"])
        code = status.HTTP_201_CREATED if result.new_flow else status.HTTP_200_OK
        return Response(PagopaImportResultSerializer(result).data, status=code)
