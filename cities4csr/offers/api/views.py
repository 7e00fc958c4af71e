from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.offers import selectors, services
from cities4csr.organisations.models import Organisation

from .serializers import OfferSerializer, OfferWriteSerializer


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
