"""The results API: /api/v1/cities/<city>/results/… The same permissions as the pages; the
services check again and write."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.impact import selectors, services
from cities4csr.impact.models import ResultIndicator
from cities4csr.needs.models import Action, Need

from .serializers import (
    IndicatorUpdateSerializer,
    IndicatorUpdateTransitionSerializer,
    IndicatorUpdateWriteSerializer,
    ResultIndicatorSerializer,
    ResultIndicatorWriteSerializer,
    TimelineSerializer,
    TreeNodeSerializer,
)

ERRORS = {400: ErrorSerializer, 409: ErrorSerializer}


def _not_found(field):
    return ApiValidationError({field: [_("Not found in this city.")]}, code="not_found")


class IndicatorListView(CityAPIMixin, generics.ListAPIView):
    """The city's indicators (of public needs and of the plan), each with its latest approved
    value and progress; POST one (officers; a need's owner for its need)."""

    rules_permissions = {"GET": None, "POST": "impact.change_indicator"}
    rules_check_object_only = True
    serializer_class = ResultIndicatorSerializer

    def city_queryset(self):
        return selectors.indicators_listed(city=self.city, actor=self.request.user)

    @extend_schema(request=ResultIndicatorWriteSerializer, responses={201: ResultIndicatorSerializer, **ERRORS})
    def post(self, request, city_slug):
        data = ResultIndicatorWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        action_number, need_pk = fields.pop("action", None), fields.pop("need", None)
        subject = {}
        if action_number is not None:
            subject["action"] = Action.objects.filter(city=self.city, number=action_number).first()
            if subject["action"] is None:
                raise _not_found("action")
        if need_pk is not None:
            subject["need"] = Need.objects.filter(city=self.city, pk=need_pk).first()
            if subject["need"] is None:
                raise _not_found("need")
        indicator = services.indicator_create(actor=request.user, city=self.city, **subject, **fields)
        indicator = selectors.indicators_with_latest(city=self.city).get(pk=indicator.pk)
        return Response(ResultIndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class IndicatorDetailView(CityAPIMixin, APIView):
    """One indicator; PATCH it (its keepers)."""

    rules_permissions = {"GET": None, "PATCH": "impact.change_indicator"}
    rules_check_object_only = True

    def _get(self, request, pk):
        try:
            return selectors.indicators_listed(city=self.city, actor=request.user).get(pk=pk)
        except ResultIndicator.DoesNotExist:
            raise Http404("No such indicator") from None

    @extend_schema(responses=ResultIndicatorSerializer)
    def get(self, request, city_slug, pk):
        return Response(ResultIndicatorSerializer(self._get(request, pk)).data)

    @extend_schema(request=ResultIndicatorWriteSerializer, responses={200: ResultIndicatorSerializer, **ERRORS})
    def patch(self, request, city_slug, pk):
        indicator = self._get(request, pk)
        self.check_object_permissions(request, indicator)
        data = ResultIndicatorWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in ("action", "need")}
        services.indicator_update(actor=request.user, indicator=indicator, **fields)
        return Response(ResultIndicatorSerializer(self._get(request, pk)).data)


class UpdateListView(CityAPIMixin, generics.ListAPIView):
    """Updates: every one for officers; the approved ones and your organisations' for others.
    POST a new one (a draft, or ``submit``: sent to the city)."""

    rules_permissions = {"GET": None, "POST": "impact.add_update"}
    rules_check_object_only = True
    serializer_class = IndicatorUpdateSerializer

    def city_queryset(self):
        return selectors.updates_visible(city=self.city, actor=self.request.user)

    @extend_schema(request=IndicatorUpdateWriteSerializer, responses={201: IndicatorUpdateSerializer, **ERRORS})
    def post(self, request, city_slug):
        data = IndicatorUpdateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        indicator = (
            ResultIndicator.objects.filter(city=self.city, pk=fields.pop("indicator", None) or 0)
            .select_related("need", "need__owner")
            .first()
        )
        if indicator is None:
            raise _not_found("indicator")
        self.check_object_permissions(request, indicator)
        update = services.update_create(actor=request.user, indicator=indicator, **fields)
        return Response(IndicatorUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class UpdateDetailView(CityAPIMixin, APIView):
    """One update; PATCH a draft or a returned one (its reporters, officers)."""

    rules_permissions = {"GET": "impact.view_update", "PATCH": "impact.change_update"}
    rules_check_object_only = True

    @extend_schema(responses=IndicatorUpdateSerializer)
    def get(self, request, city_slug, pk):
        return Response(IndicatorUpdateSerializer(selectors.update_get(city=self.city, actor=request.user, pk=pk)).data)

    @extend_schema(request=IndicatorUpdateWriteSerializer, responses={200: IndicatorUpdateSerializer, **ERRORS})
    def patch(self, request, city_slug, pk):
        update = selectors.update_get(city=self.city, actor=request.user, pk=pk)
        self.check_object_permissions(request, update)
        data = IndicatorUpdateWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "indicator"}
        update = services.update_edit(actor=request.user, update=update, **fields)
        return Response(IndicatorUpdateSerializer(update).data)


class UpdateTransitionView(CityAPIMixin, APIView):
    """Submit an update; approve it, or return it with a ``reason`` (officers; never one you
    wrote yourself: code `four_eyes`)."""

    rules_permissions = {"POST": None}

    @extend_schema(
        request=IndicatorUpdateTransitionSerializer,
        responses={200: IndicatorUpdateSerializer, **ERRORS},
        description="409 with code `already` when the update is already in that state.",
    )
    def post(self, request, city_slug, pk):
        update = selectors.update_get(city=self.city, actor=request.user, pk=pk)
        data = IndicatorUpdateTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["to"] != "submitted" and not request.user.has_perm("impact.review_update", self.city):
            raise PermissionDenied
        update = services.update_transition(actor=request.user, update=update, **data.validated_data)
        return Response(IndicatorUpdateSerializer(update).data)


class TreeView(CityAPIMixin, APIView):
    """The results tree: plan → actions → needs → indicators, progress rolled up by weight."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=TreeNodeSerializer)
    def get(self, request, city_slug):
        return Response(TreeNodeSerializer(selectors.results_tree(city=self.city, actor=request.user)).data)


class NeedTimelineView(CityAPIMixin, APIView):
    """A need's story: publication, pledges, delivery, verification, approved results."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=TimelineSerializer(many=True))
    def get(self, request, city_slug, pk):
        need, indicators, _node = selectors.need_results(city=self.city, actor=request.user, pk=pk)
        moments = selectors.timeline(city=self.city, actor=request.user, need=need, indicators=indicators)
        return Response(TimelineSerializer(moments, many=True).data)


class ActionTimelineView(CityAPIMixin, APIView):
    """The story of an action's public needs and its own approved results."""

    rules_permissions = {"GET": None}

    @extend_schema(responses=TimelineSerializer(many=True))
    def get(self, request, city_slug, number):
        action, indicators, _node = selectors.action_results(city=self.city, actor=request.user, number=number)
        moments = selectors.timeline(city=self.city, actor=request.user, action=action, indicators=indicators)
        return Response(TimelineSerializer(moments, many=True).data)
