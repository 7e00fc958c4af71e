"""The funds API: /api/v1/cities/<city>/funds/…"""

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.organisations.models import Organisation

from .. import receipts as receipt_docs
from ..forms import STATEMENT_MAX_DAYS
from ..selectors import contribution_for_receipt, gift_statement_contributions
from ..views import pdf_response

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=list(receipt_docs.LANGUAGES),
    description="The language of the document (default: the request's, else the city's)",
)
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class ReceiptRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="not_received (still pending) or cancelled")


def _language(request, city) -> str:
    return receipt_docs.receipt_language(request.query_params.get("lang") or translation.get_language(), city)


class ContributionReceiptAPIView(CityAPIMixin, APIView):
    """A received contribution's receipt as PDF, in the requested language, with the data the
    country's receipt rules list for a deductible gift and "check with your legal office" beside
    every uncertain point (ADR 0032). For the city's officers and the contribution's donor (or a
    representative of its organisation); 404 for anyone else. A contribution whose money has not
    arrived has no receipt: 409 with the reason."""

    rules_permissions = {"GET": None}

    @extend_schema(
        parameters=[LANG],
        responses={
            **PDF,
            404: OpenApiResponse(description="No such contribution, or not yours"),
            409: ReceiptRefusedSerializer,
        },
    )
    def get(self, request, city_slug, pk):
        contribution = contribution_for_receipt(actor=request.user, city=self.city, pk=pk)
        refusal = receipt_docs.receipt_refusal(contribution)
        if refusal is not None:
            return Response({"detail": refusal.messages[0], "code": refusal.code}, status=status.HTTP_409_CONFLICT)
        data = receipt_docs.receipt_pdf(contribution, language=_language(request, self.city))
        return pdf_response(data, f"{contribution.reference}.pdf")


class GiftStatementQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the period (received on or after)")
    end = serializers.DateField(help_text="Last day of the period (received on or before)")
    organisation = serializers.IntegerField(
        required=False, help_text="An organisation's gifts: for its representatives and the city's officers"
    )
    email = serializers.EmailField(
        required=False, help_text="The gifts under an e-mail address: for the city's officers only"
    )

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "The end of the period comes after its start."})
        if (data["end"] - data["start"]).days > STATEMENT_MAX_DAYS:
            raise serializers.ValidationError({"end": "A statement covers at most ten years."})
        if "organisation" in data and "email" in data:
            raise serializers.ValidationError({"email": "Ask for an organisation or an e-mail address, not both."})
        return data


class GiftStatementLineSerializer(serializers.Serializer):
    reference = serializers.CharField()
    received_on = serializers.DateField()
    target = serializers.CharField(help_text="the fund or campaign")
    channel = serializers.CharField()
    received_cents = serializers.IntegerField()
    refunded_cents = serializers.IntegerField()
    net_cents = serializers.IntegerField(help_text="received less refunded: the gift")
    state = serializers.CharField()


class GiftStatementSerializer(serializers.Serializer):
    donor = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    count = serializers.IntegerField()
    received_cents = serializers.IntegerField()
    refunded_cents = serializers.IntegerField()
    net_cents = serializers.IntegerField()
    contributions = GiftStatementLineSerializer(many=True)


class GiftStatementAPIView(CityAPIMixin, APIView):
    """A donor's statement over a period: every contribution the city received between ``start``
    and ``end``, with totals. Without ``organisation`` or ``email``: the caller's own gifts;
    ``organisation``: its gifts, for its representatives and the city's officers; ``email``: any
    donor's, for the city's officers. ``gift-statement.pdf`` gives the same as a PDF (ADR 0032)."""

    rules_permissions = {"GET": None}
    pdf = False

    def _statement(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        query = GiftStatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        window = {"city": self.city, "start": data["start"], "end": data["end"]}
        if "organisation" in data:
            organisation = Organisation.objects.filter(city=self.city, pk=data["organisation"]).first()
            if organisation is None:
                raise Http404("No such organisation")
            if not request.user.has_perm("funds.view_statement", organisation):
                raise PermissionDenied
            return data, organisation.name, list(gift_statement_contributions(organisation=organisation, **window))
        if "email" in data:
            if not request.user.has_perm("funds.view_contributions", self.city):
                raise PermissionDenied
            contributions = list(gift_statement_contributions(email=data["email"], **window))
            return data, (contributions[-1].donor_name if contributions else data["email"]), contributions
        return data, str(request.user), list(gift_statement_contributions(person=request.user, **window))

    def get(self, request, city_slug):
        data, donor, contributions = self._statement(request)
        if self.pdf:
            statement = receipt_docs.gift_statement_build(
                contributions,
                city=self.city,
                donor=donor,
                start=data["start"],
                end=data["end"],
                language=_language(request, self.city),
            )
            name = f"statement-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.pdf"
            return pdf_response(receipt_docs.gift_statement_pdf(statement), name)
        totals = receipt_docs.gift_statement_totals(contributions)
        body = {
            "donor": donor,
            "start": data["start"],
            "end": data["end"],
            "currency": self.city.currency,
            "count": len(contributions),
            **totals,
            "contributions": [
                {
                    "reference": c.reference,
                    "received_on": c.received_on,
                    "target": c.target.label,
                    "channel": c.channel,
                    "received_cents": c.received_cents,
                    "refunded_cents": c.refunded_cents,
                    "net_cents": c.open_cents,
                    "state": c.state,
                }
                for c in contributions
            ],
        }
        return Response(GiftStatementSerializer(body).data)


class GiftStatementJSONView(GiftStatementAPIView):
    @extend_schema(
        parameters=[GiftStatementQuerySerializer],
        responses={200: GiftStatementSerializer, 403: OpenApiResponse(description="Not your organisation")},
    )
    def get(self, request, city_slug):
        return super().get(request, city_slug)


class GiftStatementPDFView(GiftStatementAPIView):
    pdf = True

    @extend_schema(
        parameters=[GiftStatementQuerySerializer, LANG],
        responses={**PDF, 403: OpenApiResponse(description="Not your organisation")},
    )
    def get(self, request, city_slug):
        return super().get(request, city_slug)
