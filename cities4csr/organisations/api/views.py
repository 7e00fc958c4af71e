from rest_framework import generics, status
from rest_framework.response import Response

from cities4csr.core.api.mixins import CityAPIMixin

from .. import selectors, services
from ..models import Organisation
from .serializers import OrganisationSerializer, SiteSerializer


class OrganisationListView(CityAPIMixin, generics.ListCreateAPIView):
    """The organisation directory (public ones; officers see all). Officers create organisations."""

    rules_permissions = {"GET": None, "POST": "organisations.add_organisation"}
    serializer_class = OrganisationSerializer

    def city_queryset(self):
        kind = self.request.query_params.get("kind", "")
        return selectors.organisations_visible(
            actor=self.request.user,
            city=self.city,
            kind=kind if kind in Organisation.Kind.values else "",
            query=self.request.query_params.get("q", ""),
        ).prefetch_related("sites__areas")

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            actor=self.request.user, city=self.city, **serializer.validated_data
        )


class OrganisationDetailView(CityAPIMixin, generics.RetrieveUpdateAPIView):
    """One organisation. Its representatives and the city's officers may change it."""

    rules_permissions = {
        "GET": "organisations.view_organisation",
        "PATCH": "organisations.change_organisation",
        "PUT": "organisations.change_organisation",
    }
    rules_check_object_only = True
    serializer_class = OrganisationSerializer

    def get_object(self):
        organisation = selectors.organisation_get(actor=self.request.user, city=self.city, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, organisation)
        return organisation

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )


class SiteCreateView(CityAPIMixin, generics.CreateAPIView):
    """Add a site to an organisation; it is resolved to the city's areas."""

    rules_permissions = {"POST": "organisations.change_organisation"}
    rules_check_object_only = True
    serializer_class = SiteSerializer

    def create(self, request, *args, **kwargs):
        organisation = selectors.organisation_get(actor=request.user, city=self.city, pk=self.kwargs["pk"])
        self.check_object_permissions(request, organisation)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = services.site_add(actor=request.user, organisation=organisation, **serializer.validated_data)
        return Response(SiteSerializer(site).data, status=status.HTTP_201_CREATED)
