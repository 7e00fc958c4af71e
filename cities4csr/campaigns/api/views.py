from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.campaigns import selectors, services
from cities4csr.campaigns.models import Campaign
from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.core.money import MAX_CENTS
from cities4csr.funds.models import Fund
from cities4csr.needs.models import Need
from cities4csr.organisations.models import Organisation

from .serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignTransitionSerializer,
    CampaignWriteSerializer,
    MatcherSerializer,
    MatcherWriteSerializer,
)

RELATED = {"need": Need, "fund": Fund, "recipient": Organisation}


def _resolve(city, fields: dict) -> dict:
    """Ids of the city's need, fund and organisation into objects (another city's: not found)."""
    for name, model in RELATED.items():
        if name in fields and fields[name] is not None:
            found = model.objects.filter(city=city, pk=fields[name]).first()
            if found is None:
                raise ApiValidationError({name: [_("Not found in this city.")]}, code="not_found")
            fields[name] = found
    return fields


class PreviewQuerySerializer(serializers.Serializer):
    amount_cents = serializers.IntegerField(min_value=1, max_value=MAX_CENTS, required=False)


def _detail(request, city, campaign: Campaign) -> dict:
    figures = selectors.campaign_figures(campaign)
    campaign.figures, campaign.progress, campaign.gifts, campaign.preview = (
        figures,
        figures.progress,
        figures.gifts,
        None,
    )
    query = PreviewQuerySerializer(data=request.query_params, context={"city": city})
    query.is_valid(raise_exception=True)
    cents = query.validated_data.get("amount_cents")
    if cents and campaign.is_open:
        campaign.preview = figures.preview(cents)
    return CampaignDetailSerializer(campaign).data


def _campaign(request, city, slug) -> Campaign:
    return selectors.campaign_get(actor=request.user, city=city, slug=slug)


class CampaignListView(CityAPIMixin, generics.ListAPIView):
    """The city's campaigns (drafts for its officers only); POST a draft (officers)."""

    rules_permissions = {"GET": None, "POST": "campaigns.add_campaign"}
    serializer_class = CampaignSerializer

    @extend_schema(
        parameters=[OpenApiParameter("need", int, required=False, description="Only the campaigns for this need")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def city_queryset(self):
        campaigns = selectors.campaigns_visible(actor=self.request.user, city=self.city).select_related("city")
        need = self.request.query_params.get("need", "")
        return campaigns.filter(need_id=int(need)) if need.isdigit() else campaigns

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignDetailSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug):
        data = CampaignWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = _resolve(self.city, dict(data.validated_data))
        slug = fields.pop("slug", "")
        campaign = services.campaign_create(actor=request.user, city=self.city, slug=slug, **fields)
        return Response(_detail(request, self.city, campaign), status=status.HTTP_201_CREATED)


class CampaignDetailView(CityAPIMixin, APIView):
    """One campaign with its progress, its matchers and the money they have left; with
    ``?amount_cents=`` what a gift of that amount would become now. PATCH (officers): its words
    at any time, its rules while it is a draft."""

    rules_permissions = {"GET": None, "PATCH": "campaigns.change_campaign"}
    rules_check_object_only = True

    @extend_schema(
        responses=CampaignDetailSerializer,
        parameters=[OpenApiParameter("amount_cents", int, required=False, description="A gift to preview, in cents")],
    )
    def get(self, request, city_slug, slug):
        return Response(_detail(request, self.city, _campaign(request, self.city, slug)))

    @extend_schema(request=CampaignWriteSerializer, responses={200: CampaignDetailSerializer, 400: ErrorSerializer})
    def patch(self, request, city_slug, slug):
        campaign = _campaign(request, self.city, slug)
        self.check_object_permissions(request, campaign)
        data = CampaignWriteSerializer(data=request.data, partial=True, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = _resolve(self.city, dict(data.validated_data))
        fields.pop("slug", None)
        campaign = services.campaign_update(actor=request.user, campaign=campaign, **fields)
        return Response(_detail(request, self.city, campaign))


class CampaignMatchersView(CityAPIMixin, APIView):
    """A campaign's matchers; POST one (officers, while the campaign is a draft)."""

    rules_permissions = {"GET": None, "POST": "campaigns.change_campaign"}
    rules_check_object_only = True

    @extend_schema(responses=MatcherSerializer(many=True))
    def get(self, request, city_slug, slug):
        campaign = _campaign(request, self.city, slug)
        return Response(MatcherSerializer(selectors.matchers_of(campaign), many=True).data)

    @extend_schema(request=MatcherWriteSerializer, responses={201: MatcherSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug, slug):
        campaign = _campaign(request, self.city, slug)
        self.check_object_permissions(request, campaign)
        data = MatcherWriteSerializer(data=request.data, context={"city": self.city})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields["organisation"] is not None:
            organisation = Organisation.objects.filter(city=self.city, pk=fields["organisation"]).first()
            if organisation is None:
                raise ApiValidationError({"organisation": [_("Not found in this city.")]}, code="not_found")
            fields["organisation"] = organisation
        matcher = services.matcher_save(actor=request.user, campaign=campaign, **fields)
        return Response(MatcherSerializer(matcher).data, status=status.HTTP_201_CREATED)


class CampaignTransitionView(CityAPIMixin, APIView):
    """Open a draft, withdraw it (with a reason), or close an open campaign now: its deadline is
    applied at once (top-ups, then the money to the need, or back to the donors)."""

    rules_permissions = {"POST": "campaigns.close_campaign"}
    rules_check_object_only = True

    @extend_schema(
        request=CampaignTransitionSerializer,
        responses={200: CampaignDetailSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        description="409 with code `already` when the campaign is already in that state (a retried request): "
        "nothing is changed.",
    )
    def post(self, request, city_slug, slug):
        campaign = _campaign(request, self.city, slug)
        self.check_object_permissions(request, campaign)
        data = CampaignTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to, reason = data.validated_data["to"], data.validated_data["reason"]
        if to == "open":
            campaign = services.campaign_open(actor=request.user, campaign=campaign)
        elif to == "withdraw":
            campaign = services.campaign_withdraw(actor=request.user, campaign=campaign, reason=reason)
        else:
            campaign = services.campaign_close(actor=request.user, campaign=campaign)
        return Response(_detail(request, self.city, campaign))
