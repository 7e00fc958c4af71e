from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.needs.selectors import need_get
from cities4csr.organisations.selectors import organisation_get
from cities4csr.pledges import selectors, services

from .serializers import (
    EvidenceReplaceSerializer,
    EvidenceSerializer,
    EvidenceWithdrawSerializer,
    EvidenceWriteSerializer,
    PartnershipTransitionSerializer,
    PledgeSerializer,
    PledgeTransitionSerializer,
    PledgeWriteSerializer,
)


class PledgeListView(CityAPIMixin, generics.ListAPIView):
    """Pledges the caller may see: officers all of the city's, others their organisations'. POST pledges."""

    rules_permissions = {"GET": None, "POST": None}
    serializer_class = PledgeSerializer

    def city_queryset(self):
        return selectors.pledges_visible(actor=self.request.user, city=self.city)

    @extend_schema(
        request=PledgeWriteSerializer,
        responses={201: PledgeSerializer, 400: ErrorSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Any string up to 64 characters: repeating a request with the same key returns the "
                "pledge the first one made and writes nothing.",
            )
        ],
    )
    def post(self, request, city_slug):
        data = PledgeWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        need = need_get(actor=request.user, city=self.city, pk=fields["need"])
        organisation = organisation_get(actor=request.user, city=self.city, pk=fields["organisation"])
        pledge = services.pledge_propose(
            actor=request.user,
            need=need,
            organisation=organisation,
            partners=fields["partners"],
            is_public=fields["is_public"],
            message=fields["message"],
            items=[(i["line"], i["quantity"]) for i in fields["items"]],
            costs={i["line"]: i["cost_cents"] for i in fields["items"] if "cost_cents" in i},
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)


class PledgeDetailView(CityAPIMixin, APIView):
    rules_permissions = {"GET": None}

    @extend_schema(responses=PledgeSerializer)
    def get(self, request, city_slug, pk):
        return Response(PledgeSerializer(selectors.pledge_get(actor=request.user, city=self.city, pk=pk)).data)


class PledgeTransitionView(CityAPIMixin, APIView):
    """Accept, decline, agree, start delivery, mark delivered, verify, return, withdraw."""

    rules_permissions = {"POST": None}

    @extend_schema(
        request=PledgeTransitionSerializer,
        responses={200: PledgeSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        description="409 with code `already` when the pledge is already in that state (a retried request): "
        "nothing is changed.",
    )
    def post(self, request, city_slug, pk):
        pledge = selectors.pledge_get(actor=request.user, city=self.city, pk=pk)
        data = PledgeTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.pledge_transition(actor=request.user, pledge=pledge, **data.validated_data)
        return Response(PledgeSerializer(selectors.pledge_get(actor=request.user, city=self.city, pk=pk)).data)


class PartnershipTransitionView(CityAPIMixin, APIView):
    """A named partner accepts or declines joining the pledge; the lead withdraws the invitation."""

    rules_permissions = {"POST": None}

    @extend_schema(
        request=PartnershipTransitionSerializer,
        responses={200: PledgeSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request, city_slug, pk, organisation_pk):
        partnership = selectors.partnership_get(
            actor=request.user, city=self.city, pledge_pk=pk, organisation_pk=organisation_pk
        )
        data = PartnershipTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.partnership_transition(actor=request.user, partnership=partnership, **data.validated_data)
        return Response(PledgeSerializer(partnership.pledge).data)


class EvidenceView(CityAPIMixin, APIView):
    """Upload evidence of delivery (multipart)."""

    rules_permissions = {"POST": None}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EvidenceWriteSerializer}, responses={201: EvidenceSerializer})
    def post(self, request, city_slug, pk):
        pledge = selectors.pledge_get(actor=request.user, city=self.city, pk=pk)
        data = EvidenceWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        evidence = services.evidence_add(actor=request.user, pledge=pledge, **data.validated_data)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceCorrectView(CityAPIMixin, APIView):
    """Correct a piece of evidence until the pledge is verified: ``replace/`` puts a new file in its
    place (multipart; the new evidence names the one it replaces), ``withdraw/`` takes it back (the
    file is deleted, the row and the audit trail say who, when and why)."""

    rules_permissions = {"POST": None}
    action = "replace"

    def get_parsers(self):
        return [MultiPartParser(), FormParser()] if self.action == "replace" else super().get_parsers()

    def _evidence(self, pk, evidence_pk):
        evidence = selectors.evidence_get(actor=self.request.user, city=self.city, pk=evidence_pk)
        if evidence.pledge_id != pk:
            raise Http404("No such evidence")
        return evidence

    @extend_schema(
        request={"multipart/form-data": EvidenceReplaceSerializer, "application/json": EvidenceWithdrawSerializer},
        responses={200: EvidenceSerializer, 201: EvidenceSerializer, 400: ErrorSerializer},
        description="replace/: multipart with `file`, 201 and the new evidence; withdraw/: `reason`, 200.",
    )
    def post(self, request, city_slug, pk, evidence_pk):
        evidence = self._evidence(pk, evidence_pk)
        if self.action == "replace":
            data = EvidenceReplaceSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            replacement = services.evidence_replace(actor=request.user, evidence=evidence, **data.validated_data)
            return Response(EvidenceSerializer(replacement).data, status=status.HTTP_201_CREATED)
        data = EvidenceWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawn = services.evidence_withdraw(actor=request.user, evidence=evidence, **data.validated_data)
        return Response(EvidenceSerializer(withdrawn).data)
