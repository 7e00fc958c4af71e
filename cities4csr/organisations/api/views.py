from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.accounts.selectors import user_by_email
from cities4csr.core.api.mixins import CityAPIMixin

from .. import selectors, services
from ..models import Organisation
from .serializers import (
    CityInvitationSerializer,
    CityRoleSerializer,
    CityRoleWriteSerializer,
    OrganisationMemberSerializer,
    OrganisationMemberWriteSerializer,
    OrganisationSerializer,
    SiteSerializer,
)


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


class SiteDetailView(CityAPIMixin, APIView):
    """Correct a site (PATCH; a new place is resolved to the city's areas again) or remove it
    (DELETE): the organisation's representatives and the city's officers."""

    rules_permissions = {"PATCH": "organisations.change_organisation", "DELETE": "organisations.change_organisation"}
    rules_check_object_only = True

    def _site(self, request, pk, site_pk):
        organisation = selectors.organisation_get(actor=request.user, city=self.city, pk=pk)
        self.check_object_permissions(request, organisation)
        site = next((s for s in organisation.sites.all() if s.pk == site_pk), None)
        if site is None:
            raise Http404("No such site")
        return site

    @extend_schema(request=SiteSerializer(partial=True), responses=SiteSerializer)
    def patch(self, request, city_slug, pk, site_pk):
        site = self._site(request, pk, site_pk)
        data = SiteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(SiteSerializer(services.site_update(actor=request.user, site=site, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, city_slug, pk, site_pk):
        services.site_delete(actor=request.user, site=self._site(request, pk, site_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationMembersView(CityAPIMixin, APIView):
    """GET: the organisation's members (its members and officers). POST: add a person by e-mail
    (its representatives and officers). Only a registered person whose e-mail address is
    confirmed can be added: otherwise 400 with ``codes`` {"email": ["unknown_email"]} or
    {"email": ["email_not_verified"]} beside the translated message."""

    rules_permissions = {"GET": "organisations.view_members", "POST": "organisations.manage_members"}
    rules_check_object_only = True

    def _organisation(self, request, pk):
        organisation = selectors.organisation_get(actor=request.user, city=self.city, pk=pk)
        self.check_object_permissions(request, organisation)
        return organisation

    @extend_schema(responses=OrganisationMemberSerializer(many=True))
    def get(self, request, city_slug, pk):
        members = selectors.organisation_members(organisation=self._organisation(request, pk))
        return Response(OrganisationMemberSerializer(members, many=True).data)

    @extend_schema(request=OrganisationMemberWriteSerializer, responses={201: OrganisationMemberSerializer})
    def post(self, request, city_slug, pk):
        organisation = self._organisation(request, pk)
        data = OrganisationMemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_by_email(email=data.validated_data["email"])
        if user is None:
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("Nobody has registered with this e-mail address yet."), code="unknown_email"
                    )
                }
            )
        membership = services.membership_add(
            actor=request.user, organisation=organisation, user=user, role=data.validated_data["role"]
        )
        return Response(OrganisationMemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class CityRoleListView(CityAPIMixin, generics.ListAPIView):
    """The city's roles and who holds them (the city's administrators)."""

    rules_permissions = {"GET": "organisations.grant_role"}
    serializer_class = CityRoleSerializer

    def city_queryset(self):
        return selectors.city_people(actor=self.request.user, city=self.city)


class CityRoleDetailView(CityAPIMixin, APIView):
    """Change a role or (de)activate it (the city's administrators). The city always keeps one
    active administrator: otherwise 400 with ``codes`` {"role": ["last_admin"]}."""

    rules_permissions = {"PATCH": "organisations.grant_role"}

    @extend_schema(request=CityRoleWriteSerializer, responses={200: CityRoleSerializer})
    def patch(self, request, city_slug, pk):
        city_role = selectors.city_role_get(actor=request.user, city=self.city, pk=pk)
        data = CityRoleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # both changes or neither
            city_role = self._apply(request, city_role, data.validated_data)
        return Response(CityRoleSerializer(city_role).data)

    def _apply(self, request, city_role, data):
        if "role" in data:
            city_role = services.city_role_change(actor=request.user, city_role=city_role, role=data["role"])
        if "is_active" in data:
            city_role = services.city_role_set_active(actor=request.user, city_role=city_role, active=data["is_active"])
        return city_role


class CityInvitationCreateView(CityAPIMixin, APIView):
    """Invite someone by e-mail to a role in the city (the city's administrators). The e-mail
    carries the link; refusals are 400 with ``codes`` (``invalid_email``, ``role_held``, …)."""

    rules_permissions = {"POST": "organisations.grant_role"}

    @extend_schema(request=CityInvitationSerializer, responses={201: CityInvitationSerializer})
    def post(self, request, city_slug):
        data = CityInvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.city_invitation_create(actor=request.user, city=self.city, **data.validated_data)
        return Response(CityInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
