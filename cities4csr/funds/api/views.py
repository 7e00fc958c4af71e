"""The funds API's views."""

# --- card payments: the providers' webhooks (ADR 0029) ----------------------------------------

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin

from .. import selectors as funds_selectors
from .. import services as funds_services
from ..models import BankLine, Contribution, Fund
from ..providers import PROVIDERS, SignatureError, card_provider
from ..providers.services import card_notification_apply
from .serializers import (
    BankLineIgnoreSerializer,
    BankLineMatchSerializer,
    BankLineSerializer,
    StatementImportSerializer,
    StatementUploadSerializer,
)


class PaymentWebhookView(APIView):
    """A card payment provider's notification (Stripe's webhook): the payment of a checkout,
    its expiry, a refund. Its signature is checked against the provider's secret before
    anything of it is read; a notification sent again changes nothing. One address for every
    city of the site: the contribution named in the notification carries its city. 404 when
    the provider is not configured."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()  # the provider's retries must not be refused; the signature is the gate

    @extend_schema(
        operation_id="payments_webhook",
        tags=["payments"],
        auth=[],
        parameters=[
            OpenApiParameter(
                "provider", str, OpenApiParameter.PATH, enum=sorted(PROVIDERS), description="the card payment provider"
            ),
            OpenApiParameter(
                "Stripe-Signature",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Stripe's signature of the body (t=…,v1=…); without a valid one: 400",
            ),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: inline_serializer(
                "PaymentWebhookResult",
                {
                    "received": serializers.BooleanField(),
                    "outcomes": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="per notification: applied, unchanged, refused, repeated, ignored or unknown",
                    ),
                },
            )
        },
        examples=[OpenApiExample("applied", value={"received": True, "outcomes": ["applied"]}, response_only=True)],
    )
    def post(self, request, provider):
        card = card_provider(provider)
        if card is None:
            raise NotFound()
        try:
            events = card.webhook_events(request.body, request.headers)
        except SignatureError:
            raise ValidationError(
                {
                    "non_field_errors": [
                        serializers.ErrorDetail(
                            _("The signature of this notification is not valid."), code="bad_signature"
                        )
                    ]
                }
            ) from None
        return Response({"received": True, "outcomes": card_notification_apply(provider=provider, events=events)})


# === Bank statements and reconciliation ===========================================================


class FundStatementListView(CityAPIMixin, generics.ListAPIView):
    """A fund's uploaded statements, newest first (the city's officers). POST a statement (multipart:
    ``file``, ``format`` camt053 or csv, ``csv_profile``): it is read whole and refused (400, code and
    the line in the message) if any part cannot be read; else 201 and its reconciliation runs in the
    background (poll the statement). The same file again returns its first import."""

    rules_permissions = {"GET": "funds.reconcile", "POST": "funds.reconcile"}
    serializer_class = StatementImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def fund(self) -> Fund:
        return get_object_or_404(Fund.objects.filter(city=self.city), pk=self.kwargs["fund_pk"])

    def city_queryset(self):
        return funds_selectors.statements_of(actor=self.request.user, city=self.city, fund=self.fund())

    @extend_schema(request=StatementUploadSerializer, responses={201: StatementImportSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug, fund_pk):
        data = StatementUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = funds_services.statement_upload(
            actor=request.user,
            fund=self.fund(),
            file=data.validated_data["file"],
            format=data.validated_data["format"],
            csv_profile=data.validated_data.get("csv_profile") or {},
        )
        return Response(StatementImportSerializer(statement).data, status=status.HTTP_201_CREATED)


class StatementDetailView(CityAPIMixin, APIView):
    """A statement and how far its reconciliation is."""

    rules_permissions = {"GET": "funds.reconcile"}

    @extend_schema(responses=StatementImportSerializer)
    def get(self, request, city_slug, pk):
        statement = get_object_or_404(funds_selectors.statements_of(actor=request.user, city=self.city), pk=pk)
        return Response(StatementImportSerializer(statement).data)


class BankLineListView(CityAPIMixin, generics.ListAPIView):
    """Bank lines: ``?state=unmatched`` is the queue (default: every state); ``?statement=<id>``
    one statement's; ``?fund=<id>`` one fund's."""

    rules_permissions = {"GET": "funds.reconcile"}
    serializer_class = BankLineSerializer

    def city_queryset(self):
        lines = BankLine.objects.filter(city=self.city).select_related("contribution").order_by("-booking_date", "-pk")
        params = self.request.query_params
        if params.get("state") in BankLine.State.values:
            lines = lines.filter(state=params["state"])
        for name in ("statement", "fund"):
            if (params.get(name) or "").isdigit():
                lines = lines.filter(**{f"{name}_id": int(params[name])})
        return lines


class BankLineActionView(CityAPIMixin, APIView):
    rules_permissions = {"POST": "funds.reconcile"}
    action = "match"

    def line(self, pk) -> BankLine:
        return get_object_or_404(BankLine.objects.filter(city=self.city).select_related("fund"), pk=pk)


class BankLineMatchView(BankLineActionView):
    """Say which pending contribution an unmatched credit pays: it is received with the line's
    amount and date. 400 ``not_unmatched`` when the line was dealt with already, ``not_pending``
    when the contribution was received already."""

    @extend_schema(request=BankLineMatchSerializer, responses={200: BankLineSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug, pk):
        data = BankLineMatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = self.line(pk)
        contribution = get_object_or_404(
            Contribution.objects.filter(city=self.city), pk=data.validated_data["contribution"]
        )
        line = funds_services.bank_line_match(actor=request.user, line=line, contribution=contribution)
        return Response(BankLineSerializer(line).data)


class BankLineIgnoreView(BankLineActionView):
    """Set an unmatched line aside, saying why."""

    @extend_schema(request=BankLineIgnoreSerializer, responses={200: BankLineSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug, pk):
        data = BankLineIgnoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = funds_services.bank_line_ignore(
            actor=request.user, line=self.line(pk), reason=data.validated_data["reason"]
        )
        return Response(BankLineSerializer(line).data)
