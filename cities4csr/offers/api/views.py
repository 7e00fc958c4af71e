from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.offers import selectors, services
from cities4csr.offers.models import CsrProfile
from cities4csr.organisations.models import Organisation

from .serializers import CsrProfileSerializer, OfferSerializer, OfferUpdateSerializer, OfferWriteSerializer


class CsrProfileView(CityAPIMixin, APIView):
    """A company's CSR profile: its themes, goals, preferred neighbourhoods, headcount and
    volunteering days, which the matching engine reads. Its representatives and the city's
    officers read and change it (PATCH: only the fields sent)."""

    rules_permissions = {"GET": None, "PATCH": None}  # decided per organisation: offers.change_profile

    def _organisation(self, pk):
        organisation = get_object_or_404(Organisation, city=self.city, pk=pk)
        if not self.request.user.has_perm("offers.change_profile", organisation):
            raise PermissionDenied
        return organisation

    @extend_schema(responses=CsrProfileSerializer)
    def get(self, request, city_slug, pk):
        organisation = self._organisation(pk)
        profile = selectors.profile_of(organisation=organisation) or CsrProfile(organisation=organisation)
        return Response(CsrProfileSerializer(profile).data)

    @extend_schema(request=CsrProfileSerializer, responses=CsrProfileSerializer)
    def patch(self, request, city_slug, pk):
        organisation = self._organisation(pk)
        data = CsrProfileSerializer(data=request.data, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        profile = services.profile_update(actor=request.user, organisation=organisation, **data.validated_data)
        return Response(CsrProfileSerializer(profile).data)


class OfferListView(CityAPIMixin, generics.ListAPIView):
    """Active offers of the city's organisations you may see (private ones: their members and officers).
    POST adds one for an organisation you represent."""

    rules_permissions = {"GET": None, "POST": None}
    serializer_class = OfferSerializer

    def city_queryset(self):
        return selectors.offers_visible(actor=self.request.user, city=self.city)

    @extend_schema(request=OfferWriteSerializer, responses={201: OfferSerializer})
    def post(self, request, city_slug):
        data = OfferWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = get_object_or_404(Organisation, city=self.city, pk=fields.pop("organisation"))
        offer = services.offer_create(actor=request.user, organisation=organisation, **fields)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailView(CityAPIMixin, APIView):
    """An offer (withdrawn ones too, with ``is_active`` false). PATCH corrects it; DELETE withdraws
    it: it leaves matching and pooling for good and stays on record. Its company's
    representatives and the city's officers."""

    rules_permissions = {"GET": None, "PATCH": None, "DELETE": None}  # decided per organisation by the services

    @extend_schema(responses=OfferSerializer)
    def get(self, request, city_slug, pk):
        return Response(OfferSerializer(selectors.offer_get(actor=request.user, city=self.city, pk=pk)).data)

    @extend_schema(request=OfferUpdateSerializer, responses=OfferSerializer)
    def patch(self, request, city_slug, pk):
        offer = selectors.offer_get(actor=request.user, city=self.city, pk=pk)
        payload = {"kind": offer.kind, **{key: request.data[key] for key in request.data}}
        data = OfferUpdateSerializer(data=payload, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        return Response(
            OfferSerializer(services.offer_update(actor=request.user, offer=offer, **data.validated_data)).data
        )

    @extend_schema(responses=OfferSerializer)
    def delete(self, request, city_slug, pk):
        offer = selectors.offer_get(actor=request.user, city=self.city, pk=pk)
        return Response(OfferSerializer(services.offer_withdraw(actor=request.user, offer=offer)).data)
