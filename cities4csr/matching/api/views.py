"""/api/v1/cities/<city>/…: recommendations both ways, who to notify, pooling, collective actions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.matching import selectors, services
from cities4csr.matching.models import Invitation
from cities4csr.matching.states import invitation_roles
from cities4csr.needs.selectors import need_get
from cities4csr.organisations.selectors import organisation_get

from .serializers import (
    AllocationSerializer,
    CollectiveActionSerializer,
    CompanyRecommendationSerializer,
    InvitationSerializer,
    InvitationTransitionSerializer,
    NeedRecommendationSerializer,
    NotifySerializer,
    ProposalSerializer,
)


def _check(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


class OrganisationRecommendationsView(CityAPIMixin, APIView):
    """Top needs for a company (its members and officers), with components and explanations."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=NeedRecommendationSerializer(many=True))
    def get(self, request, city_slug, pk):
        organisation = organisation_get(actor=request.user, city=self.city, pk=pk)
        _check(request.user, "matching.view_recommendations", organisation)
        rows = selectors.explained(
            city=self.city,
            recommendations=selectors.recommendations_for_company(city=self.city, organisation=organisation),
            reader="company",
        )
        data = [
            {
                "rank": r.company_rank,
                "score": r.score,
                "components": r.components,
                "explanation": r.reasons,
                "computed_at": r.created_at,
                "need": r.need_id,
                "title": r.need.title,
                "value_open_cents": r.need.value_open_cents,
            }
            for r in rows
        ]
        return Response(NeedRecommendationSerializer(data, many=True).data)


class NeedHelpersView(CityAPIMixin, APIView):
    """Top companies for a need (officers), with components and explanations."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=CompanyRecommendationSerializer(many=True))
    def get(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        _check(request.user, "matching.view_helpers", need)
        rows = selectors.explained(
            city=self.city, recommendations=selectors.recommendations_for_need(city=self.city, need=need), reader="city"
        )
        data = [
            {
                "rank": r.need_rank,
                "score": r.score,
                "components": r.components,
                "explanation": r.reasons,
                "computed_at": r.created_at,
                "organisation": r.organisation_id,
                "name": r.organisation.name,
            }
            for r in rows
        ]
        return Response(CompanyRecommendationSerializer(data, many=True).data)


class NeedNotifyView(CityAPIMixin, APIView):
    """The companies that would be told about this need on publication (best matches that asked to be)."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=NotifySerializer(many=True))
    def get(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        _check(request.user, "matching.view_helpers", need)
        companies = selectors.companies_to_notify(city=self.city, need=need)
        return Response(NotifySerializer([{"organisation": o.pk, "name": o.name} for o in companies], many=True).data)


class NeedPoolView(CityAPIMixin, APIView):
    """GET: the pooling proposal for the need. POST: launch it as a collective action (officers)."""

    rules_permissions = {"GET": None, "POST": None}

    @extend_schema(responses=ProposalSerializer)
    def get(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        _check(request.user, "matching.view_helpers", need)
        proposal = selectors.pool_proposal(city=self.city, need=need)
        if proposal is None:
            raise NotFound(_("No recommendations computed yet for this need."))
        data = {
            **proposal.summary(),
            "members": [
                {
                    "organisation": m.organisation.pk,
                    "name": m.organisation.name,
                    "score": m.score,
                    "cents_by_kind": m.cents_by_kind,
                }
                for m in proposal.members
            ],
        }
        return Response(ProposalSerializer(data).data)

    @extend_schema(request=None, responses={201: CollectiveActionSerializer})
    def post(self, request, city_slug, pk):
        need = need_get(actor=request.user, city=self.city, pk=pk)
        action = services.collective_action_launch(actor=request.user, need=need)
        return Response(CollectiveActionSerializer(action).data, status=status.HTTP_201_CREATED)


class InvitationTransitionView(CityAPIMixin, APIView):
    """Accept (creates the company's pledge), decline, or (officers) withdraw an invitation."""

    rules_permissions = {"POST": None}

    @extend_schema(request=InvitationTransitionSerializer, responses=InvitationSerializer)
    def post(self, request, city_slug, pk):
        invitation = get_object_or_404(
            Invitation.objects.select_related("action__need", "organisation"), city=self.city, pk=pk
        )
        if not invitation_roles(request.user, invitation):
            raise NotFound
        data = InvitationTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_transition(
            actor=request.user, invitation=invitation, to=data.validated_data["to"]
        )
        return Response(InvitationSerializer(invitation).data)


class CityAllocationView(CityAPIMixin, APIView):
    """City-wide allocation proposal (officers): every active offer's capacity assigned to open
    needs to maximise equity-weighted covered EUR, within capacities and gaps. Nothing is written."""

    rules_permissions = {"GET": "matching.view_allocation"}

    @extend_schema(responses=AllocationSerializer)
    def get(self, request, city_slug):
        allocation = selectors.allocation_proposal(city=self.city)
        if allocation is None:
            raise NotFound(_("No recommendations computed yet."))
        return Response(AllocationSerializer(allocation).data)
