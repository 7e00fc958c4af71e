from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.api.mixins import CityAPIMixin
from cities4csr.needs.selectors import need_get
from cities4csr.organisations.selectors import organisation_get, organisations_in_city
from cities4csr.pledges import selectors, services

from .serializers import (
    EvidenceSerializer,
    EvidenceWriteSerializer,
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

    @extend_schema(request=PledgeWriteSerializer, responses={201: PledgeSerializer})
    def post(self, request, city_slug):
        data = PledgeWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        need = need_get(actor=request.user, city=self.city, pk=fields["need"])
        organisation = organisation_get(actor=request.user, city=self.city, pk=fields["organisation"])
        lines = {line.pk: line for line in need.lines.all()}
        missing = [item["line"] for item in fields["items"] if item["line"] not in lines]
        if missing:
            return Response({"items": [f"line {pk} is not a line of this need" for pk in missing]}, status=400)
        partners = list(organisations_in_city(city=self.city).filter(pk__in=fields["partners"]))
        if len(partners) != len(set(fields["partners"])):
            return Response({"partners": ["unknown organisation id"]}, status=400)
        pledge = services.pledge_propose(
            actor=request.user,
            need=need,
            organisation=organisation,
            partners=partners,
            is_public=fields["is_public"],
            message=fields["message"],
            items=[(lines[i["line"]], i["quantity"]) for i in fields["items"]],
            costs={i["line"]: i["cost_cents"] for i in fields["items"] if "cost_cents" in i},
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

    @extend_schema(request=PledgeTransitionSerializer, responses=PledgeSerializer)
    def post(self, request, city_slug, pk):
        pledge = selectors.pledge_get(actor=request.user, city=self.city, pk=pk)
        data = PledgeTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.pledge_transition(actor=request.user, pledge=pledge, **data.validated_data)
        return Response(PledgeSerializer(selectors.pledge_get(actor=request.user, city=self.city, pk=pk)).data)


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
