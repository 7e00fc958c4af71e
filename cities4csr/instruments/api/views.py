from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.api.throttles import AdvisorThrottle, AnonThrottle, UserThrottle
from cities4csr.instruments import selectors, services
from cities4csr.pledges.selectors import pledge_get

from .serializers import (
    AdviceSerializer,
    AgreementConfirmSerializer,
    AgreementSerializer,
    AgreementTermsSerializer,
    ChecklistStepSerializer,
    DraftSerializer,
    NoticeSerializer,
    QuestionnaireSerializer,
    ReturnItemSerializer,
    ReturnWriteSerializer,
    questionnaire_answers,
)


class AdvisorView(CityAPIMixin, APIView):
    """The instrument advisor (Milan's Vademecum): which legal route a contribution takes, why,
    the steps with deadlines, documents, approver, tax notes for the giver and warnings. The
    city's country selects the rule pack. Public: it computes advice and writes nothing."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, UserThrottle, AdvisorThrottle]

    @extend_schema(request=QuestionnaireSerializer, responses={200: AdviceSerializer})
    def post(self, request, city_slug):
        data = QuestionnaireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advice = services.advise(city=self.city, answers=data.answers(), on=data.validated_data.get("on"))
        body = advice.as_dict()
        funds = services.funds_for_advice(city=self.city, advice=advice)
        if funds is not None:
            body["funds"] = [
                {
                    "slug": f.slug,
                    "title": f.display_title,
                    "url": request.build_absolute_uri(f.page_url) if f.page_url else None,
                }
                for f in funds
            ]
        return Response(body)


class AgreementView(CityAPIMixin, APIView):
    """A pledge's agreement: GET it (instrument, advice snapshot, checklist with deadlines,
    returns register, drafts); POST the officer's confirmation of the advisor's instrument."""

    rules_permissions = {"GET": None, "POST": None}

    def _pledge(self, pk):
        return pledge_get(actor=self.request.user, city=self.city, pk=pk)

    @extend_schema(responses=AgreementSerializer)
    def get(self, request, city_slug, pk):
        agreement = selectors.agreement_for_pledge(city=self.city, pledge=self._pledge(pk))
        if agreement is None:
            raise Http404("No agreement yet")
        return Response(_agreement_data(agreement))

    @extend_schema(request=AgreementConfirmSerializer, responses={201: AgreementSerializer})
    def post(self, request, city_slug, pk):
        pledge = self._pledge(pk)
        data = AgreementConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_confirm(
            actor=request.user,
            pledge=pledge,
            answers=questionnaire_answers(data.validated_data["answers"]),
            instrument=data.validated_data["instrument"],
            notice_starts_on=data.validated_data.get("notice_starts_on"),
        )
        agreement = selectors.agreement_for_pledge(city=self.city, pledge=pledge)
        return Response(_agreement_data(agreement), status=status.HTTP_201_CREATED)


class AgreementNoticeView(CityAPIMixin, APIView):
    """Record the day the public notice went up on the website."""

    rules_permissions = {"POST": None}

    @extend_schema(request=NoticeSerializer, responses=AgreementSerializer)
    def post(self, request, city_slug, pk):
        agreement = _agreement_or_404(request, self.city, pk)
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_record_notice(
            actor=request.user, agreement=agreement, published_on=data.validated_data["published_on"]
        )
        return Response(_agreement_data(selectors.agreement_for_pledge(city=self.city, pledge=agreement.pledge)))


class AgreementConcludeView(CityAPIMixin, APIView):
    """Conclude the agreement: the pledge becomes "agreed" unless a blocking step has not run."""

    rules_permissions = {"POST": None}

    @extend_schema(request=None, responses=AgreementSerializer)
    def post(self, request, city_slug, pk):
        agreement = _agreement_or_404(request, self.city, pk)
        services.agreement_conclude(actor=request.user, agreement=agreement)
        return Response(_agreement_data(selectors.agreement_for_pledge(city=self.city, pledge=agreement.pledge)))


class AgreementReturnsView(CityAPIMixin, APIView):
    """Record what the giver receives in return (returns register)."""

    rules_permissions = {"POST": None}

    @extend_schema(request=ReturnWriteSerializer, responses={201: ReturnItemSerializer})
    def post(self, request, city_slug, pk):
        agreement = _agreement_or_404(request, self.city, pk)
        data = ReturnWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        item = services.return_add(actor=request.user, agreement=agreement, **data.validated_data)
        return Response(ReturnItemSerializer(item).data, status=status.HTTP_201_CREATED)


class AgreementTermsView(CityAPIMixin, APIView):
    """The terms the agreement's draft needs (signatories and their acts, the acts cited in the
    premises with dates, the agreement's dates, the payment term). Left-out fields are kept."""

    rules_permissions = {"PATCH": None}

    @extend_schema(request=AgreementTermsSerializer, responses=AgreementSerializer)
    def patch(self, request, city_slug, pk):
        agreement = _agreement_or_404(request, self.city, pk)
        data = AgreementTermsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.agreement_terms_update(actor=request.user, agreement=agreement, **data.validated_data)
        return Response(_agreement_data(selectors.agreement_for_pledge(city=self.city, pledge=agreement.pledge)))


def _agreement_or_404(request, city, pk):
    pledge = pledge_get(actor=request.user, city=city, pk=pk)
    agreement = selectors.agreement_for_pledge(city=city, pledge=pledge)
    if agreement is None:
        raise Http404("No agreement yet")
    return agreement


def _agreement_data(agreement) -> dict:
    data = AgreementSerializer(agreement).data
    data["steps"] = ChecklistStepSerializer(list(agreement.steps.all()), many=True).data
    data["returns"] = ReturnItemSerializer(list(agreement.returns.all()), many=True).data
    data["drafts"] = DraftSerializer(list(agreement.drafts.all()), many=True).data
    return data
