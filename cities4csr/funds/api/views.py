"""The funds API's views."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.permissions import CityRulesPermission
from cities4csr.funds import selectors, services
from cities4csr.funds.models import Contribution, Earmark, Fund, PurposeCategory
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.selectors import organisation_get

from .. import receipts as receipt_docs
from .. import selectors as funds_selectors
from .. import services as funds_services
from ..forms import STATEMENT_MAX_DAYS, LedgerLookupForm
from ..models import BankLine
from ..providers import PROVIDERS, SignatureError, card_provider
from ..providers.services import card_notification_apply
from ..selectors import contribution_for_receipt, gift_statement_contributions
from ..views import ledger_fund, pdf_response, purpose_names
from .serializers import (
    AwardSerializer,
    AwardTransitionSerializer,
    AwardWriteSerializer,
    BankLineIgnoreSerializer,
    BankLineMatchSerializer,
    BankLineSerializer,
    ContributionOfficerSerializer,
    ContributionSerializer,
    ContributionWriteSerializer,
    DisbursementSerializer,
    DisbursementWriteSerializer,
    FundSerializer,
    FundWriteSerializer,
    LedgerPageSerializer,
    LedgerQuerySerializer,
    LedgerTotalsSerializer,
    ReasonSerializer,
    ReceiveSerializer,
    RefundSerializer,
    StatementImportSerializer,
    StatementUploadSerializer,
)

# --- card payments: the providers' webhooks (ADR 0029) ----------------------------------------


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


# The funds API: funds and their figures (public), giving (anyone, no account), the donor's
# contribution by its secret link, and the officers' work (contributions, awards, payments) with
# the same permissions as the pages.

# --- funds, contributions, awards and payments (fundpages) -------------------------------------


IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any string up to 64 characters: repeating a request with the same key returns the "
    "contribution the first one made and writes nothing.",
)


class GiveOpenPermission(CityRulesPermission):
    """Anyone may give, without an account: POST is open; the other methods follow the rules."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return True
        return super().has_permission(request, view)


def _funds_by_account(city) -> dict:
    return {f.account_id: f for f in Fund.objects.filter(city=city).order_by("pk")}


def _earmarks_by_fund(funds) -> dict:
    out: dict[int, list] = {}
    if not funds:
        return out
    for earmark in Earmark.objects.filter(city=funds[0].city, fund__in=funds).order_by("title", "pk"):
        out.setdefault(earmark.fund_id, []).append(earmark)
    return out


def _fund_data(request, city, fund) -> dict:
    (fund,) = selectors.funds_with_figures(actor=request.user, city=city, funds=[fund])
    return FundSerializer(fund, context={"earmarks": _earmarks_by_fund([fund])}).data


class FundListView(CityAPIMixin, generics.ListAPIView):
    """The city's funds with their figures (anyone); POST opens a fund (officers)."""

    rules_permissions = {"GET": None, "POST": "funds.add_fund"}
    serializer_class = FundSerializer
    pagination_class = None

    def city_queryset(self):
        return selectors.funds_visible(actor=self.request.user, city=self.city)

    def list(self, request, *args, **kwargs):
        funds = selectors.funds_with_figures(actor=request.user, city=self.city)
        return Response(FundSerializer(funds, many=True, context={"earmarks": _earmarks_by_fund(funds)}).data)

    @extend_schema(request=FundWriteSerializer, responses={201: FundSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug):
        data = FundWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        slug = fields.pop("slug", "")
        if not slug:
            return Response(
                {"slug": [_("Give the fund's short name.")], "codes": {"slug": ["required"]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        fund = services.fund_create(actor=request.user, city=self.city, slug=slug, **fields)
        return Response(_fund_data(request, self.city, fund), status=status.HTTP_201_CREATED)


class FundDetailView(CityAPIMixin, APIView):
    """A fund with its figures and earmarks (anyone); PATCH corrects it (officers)."""

    rules_permissions = {"GET": None, "PATCH": "funds.change_fund"}

    @extend_schema(responses=FundSerializer)
    def get(self, request, city_slug, slug):
        fund = selectors.fund_get(actor=request.user, city=self.city, slug=slug)
        return Response(_fund_data(request, self.city, fund))

    @extend_schema(request=FundWriteSerializer, responses={200: FundSerializer, 400: ErrorSerializer})
    def patch(self, request, city_slug, slug):
        fund = selectors.fund_get(actor=request.user, city=self.city, slug=slug)
        data = FundWriteSerializer(data=request.data, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "slug"}
        fund = services.fund_update(actor=request.user, fund=fund, **fields)
        return Response(_fund_data(request, self.city, fund))


class ContributionListView(CityAPIMixin, generics.ListAPIView):
    """Officers: the city's contributions, filtered by ``fund`` (short name), ``channel``,
    ``state`` and ``q`` (reference or name). POST: anyone gives to an open fund, without an
    account; the answer has the payment instruction and the donor's private link."""

    rules_permissions = {"GET": "funds.view_contributions", "POST": None}
    permission_classes = [GiveOpenPermission]
    serializer_class = ContributionOfficerSerializer

    def city_queryset(self):
        fund = None
        slug = self.request.query_params.get("fund", "")
        if slug:
            fund = selectors.fund_get(actor=self.request.user, city=self.city, slug=slug)
        return selectors.contributions_for_officer(
            actor=self.request.user,
            city=self.city,
            fund=fund,
            channel=self.request.query_params.get("channel", "")[:20],
            state=self.request.query_params.get("state", "")[:20],
            q=self.request.query_params.get("q", ""),
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["funds"] = _funds_by_account(self.city)
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter("fund", str, description="a fund's short name"),
            OpenApiParameter("channel", str, enum=Contribution.Channel.values),
            OpenApiParameter("state", str, enum=Contribution.State.values),
            OpenApiParameter("q", str, description="payment reference or donor's name"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ContributionWriteSerializer,
        responses={201: ContributionSerializer, 400: ErrorSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request, city_slug):
        data = ContributionWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        actor = request.user if request.user.is_authenticated else None
        fund = selectors.fund_get(actor=request.user, city=self.city, slug=fields.pop("fund"))
        if fields["channel"] not in selectors.channels_available(self.city):
            return Response(
                {
                    "channel": [_("This way of paying is not available in this city.")],
                    "codes": {"channel": ["unavailable"]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        organisation_pk, earmark_pk = fields.pop("organisation", None), fields.pop("earmark", None)
        organisation = None
        if organisation_pk is not None:
            if actor is None:
                return Response(
                    {
                        "organisation": [_("Sign in as its representative to give in an organisation's name.")],
                        "codes": {"organisation": ["not_yours"]},
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            organisation = organisation_get(actor=request.user, city=self.city, pk=organisation_pk)
        earmark = None
        if earmark_pk is not None:
            earmark = selectors.earmarks_of(fund=fund).filter(pk=earmark_pk).first()
            if earmark is None:
                return Response(
                    {"earmark": [_("Choose a purpose of this fund.")], "codes": {"earmark": ["wrong_earmark"]}},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        contribution = services.contribution_create(
            actor=actor,
            target=fund,
            organisation=organisation,
            earmark=earmark,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            **fields,
        )
        return Response(
            ContributionSerializer(contribution, context={"funds": {fund.account_id: fund}}).data,
            status=status.HTTP_201_CREATED,
        )


class ContributionByTokenView(CityAPIMixin, APIView):
    """The donor's contribution by the secret of its link (no account): 404 for anything else."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=ContributionSerializer)
    def get(self, request, city_slug, access_token):
        contribution = selectors.contribution_by_token(city=self.city, token=access_token)
        return Response(ContributionSerializer(contribution, context={"funds": _funds_by_account(self.city)}).data)


class ContributionActionView(CityAPIMixin, APIView):
    """Officers: ``receive/`` (the money arrived), ``cancel/`` (a pending one), ``refund/`` (part
    or all of a received one, with the reason)."""

    rules_permissions = {"POST": "funds.view_contributions"}
    action = "receive"

    @extend_schema(
        request={"application/json": ReceiveSerializer},
        responses={200: ContributionOfficerSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        description="receive/: `received_on`, `received_cents` (the whole amount when left out); cancel/: "
        "`reason`; refund/: `amount_cents` and `reason`.",
    )
    def post(self, request, city_slug, pk):
        contribution = selectors.contribution_get(actor=request.user, city=self.city, pk=pk)
        if self.action == "receive":
            data = ReceiveSerializer(data=request.data, context={"city": self.city})
            data.is_valid(raise_exception=True)
            contribution = services.contribution_receive(
                actor=request.user,
                contribution=contribution,
                received_cents=data.validated_data.get("received_cents"),
                received_on=data.validated_data.get("received_on"),
            )
        elif self.action == "cancel":
            data = ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            contribution = services.contribution_cancel(
                actor=request.user, contribution=contribution, reason=data.validated_data["reason"]
            )
        else:
            data = RefundSerializer(data=request.data, context={"city": self.city})
            data.is_valid(raise_exception=True)
            contribution = services.contribution_refund(
                actor=request.user, contribution=contribution, **data.validated_data
            )
        contribution = selectors.contribution_get(actor=request.user, city=self.city, pk=pk)
        return Response(
            ContributionOfficerSerializer(contribution, context={"funds": _funds_by_account(self.city)}).data
        )


class AwardListView(CityAPIMixin, generics.ListAPIView):
    """Officers: the city's awards (``state`` filters); POST proposes one."""

    rules_permissions = {"GET": "funds.add_award", "POST": "funds.add_award"}
    serializer_class = AwardSerializer

    def city_queryset(self):
        return selectors.awards_for_officer(
            actor=self.request.user, city=self.city, state=self.request.query_params.get("state", "")[:20]
        )

    @extend_schema(request=AwardWriteSerializer, responses={201: AwardSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug):
        data = AwardWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fund = selectors.fund_get(actor=request.user, city=self.city, slug=fields.pop("fund"))
        try:
            purpose = PurposeCategory.objects.get(city=self.city, pk=fields.pop("purpose"))
        except PurposeCategory.DoesNotExist:
            raise Http404("No such purpose") from None
        organisation_pk, need_pk = fields.pop("organisation", None), fields.pop("need", None)
        organisation = (
            organisation_get(actor=request.user, city=self.city, pk=organisation_pk) if organisation_pk else None
        )
        need = selectors.need_for_award(actor=request.user, city=self.city, pk=need_pk) if need_pk else None
        award = services.award_propose(
            actor=request.user, fund=fund, purpose=purpose, organisation=organisation, need=need, **fields
        )
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardTransitionView(CityAPIMixin, APIView):
    """Approve an award (within the fund's available money, else 400 with the code
    ``over_available``) or cancel it (with the reason)."""

    rules_permissions = {"POST": "funds.add_award"}

    @extend_schema(
        request=AwardTransitionSerializer,
        responses={200: AwardSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request, city_slug, pk):
        award = selectors.award_get(actor=request.user, city=self.city, pk=pk)
        data = AwardTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.award_transition(actor=request.user, award=award, **data.validated_data)
        return Response(AwardSerializer(selectors.award_get(actor=request.user, city=self.city, pk=pk)).data)


class DisbursementCreateView(CityAPIMixin, APIView):
    """Record a payment of an approved award, with its receipt (multipart)."""

    rules_permissions = {"POST": "funds.add_award"}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": DisbursementWriteSerializer},
        responses={201: DisbursementSerializer, 400: ErrorSerializer},
    )
    def post(self, request, city_slug, pk):
        award = selectors.award_get(actor=request.user, city=self.city, pk=pk)
        data = DisbursementWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        disbursement = services.disbursement_record(actor=request.user, award=award, **data.validated_data)
        return Response(DisbursementSerializer(disbursement).data, status=status.HTTP_201_CREATED)


# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------


def _head(city):
    head = selectors.fund_chain_head(city=city)
    return {"number": head.seq, "hash": head.last_hash} if head else None


class FundLedgerView(CityAPIMixin, APIView):
    """A fund's public ledger, newest first, 50 movements a page (anyone may read it). Pages go by
    movement number (``before``, ``after``: keyset, as fast at the millionth movement as at the
    first); ``reference`` gives one contribution's movements."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[LedgerQuerySerializer], responses={200: LedgerPageSerializer, 400: ErrorSerializer})
    def get(self, request, city_slug, slug):
        fund = ledger_fund(request, self.city, slug)
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        base = request.build_absolute_uri(request.path)
        if "reference" in asked:
            form = LedgerLookupForm({"reference": asked["reference"]})
            if not form.is_valid():
                raise serializers.ValidationError(
                    {"reference": [serializers.ErrorDetail(str(form.errors["reference"][0]), code="invalid_reference")]}
                )
            lines = selectors.fund_ledger_lookup(fund=fund, reference=form.cleaned_data["reference"])
            body = {"next": None, "previous": None, "results": lines}
        else:
            page = selectors.fund_ledger_page(
                fund=fund, **{k: asked[k] for k in ("before", "after") if asked.get(k) is not None}
            )
            body = {
                "next": f"{base}?{urlencode({'before': page.older})}" if page.older else None,
                "previous": f"{base}?{urlencode({'after': page.newer})}" if page.newer else None,
                "results": page.lines,
            }
        body["head"] = _head(self.city)
        return Response(LedgerPageSerializer(body).data)


class FundLedgerTotalsView(CityAPIMixin, APIView):
    """A fund's totals: received by source (net of refunds), awarded and paid out by purpose, its
    balance, what approved awards reserve and what is available; the head of the city's chain."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=LedgerTotalsSerializer)
    def get(self, request, city_slug, slug):
        fund = ledger_fund(request, self.city, slug)
        totals = selectors.fund_ledger_totals(fund=fund)
        purpose_names(self.city, totals)
        totals["currency"] = self.city.currency
        totals["head"] = _head(self.city)
        return Response(LedgerTotalsSerializer(totals).data)


# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------


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
