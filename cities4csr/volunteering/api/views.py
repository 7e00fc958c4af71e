"""The volunteering API: /api/v1/cities/<city>/volunteering/…"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.volunteering import selectors, services
from cities4csr.volunteering.models import HoursEntry, Registration, Slot

from .serializers import (
    AttendanceSerializer,
    CheckOutSerializer,
    HoursApproveSerializer,
    HoursCorrectSerializer,
    HoursDeclareSerializer,
    HoursDeclineSerializer,
    HoursEntrySerializer,
    SelfCheckInSerializer,
)

# Attendance and hours (vtime)
# ---------------------------------------------------------------------------------------------
# Who may act is the services' to say (the host, the participant, the company's representative):
# the views only parse, so the API refuses exactly what the pages refuse.
WRITE = {"POST": None}
ERRORS = {400: ErrorSerializer, 409: ErrorSerializer}


class CheckInView(CityAPIMixin, APIView):
    """The host checks a participant in, by the token of their registration's QR code."""

    rules_permissions = WRITE

    @extend_schema(request=None, responses={200: AttendanceSerializer, **ERRORS})
    def post(self, request, city_slug, token):
        registration = selectors.registration_by_token(city=self.city, token=token)
        registration = services.registration_check_in(actor=request.user, registration=registration)
        return Response(AttendanceSerializer(registration).data)


class SelfCheckInView(CityAPIMixin, APIView):
    """A participant checks in with the slot's code, on the day (from an hour before the start
    to the end). 400 codes: ``wrong_code``, ``not_today``, ``too_early``, ``over``, ``not_registered``."""

    rules_permissions = WRITE

    @extend_schema(request=SelfCheckInSerializer, responses={200: AttendanceSerializer, **ERRORS})
    def post(self, request, city_slug, pk):
        slot = get_object_or_404(Slot.objects.select_related("city", "activity"), city=self.city, pk=pk)
        data = SelfCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_self_check_in(
            actor=request.user, slot=slot, code=data.validated_data["code"]
        )
        return Response(AttendanceSerializer(registration).data)


class CheckOutView(CityAPIMixin, APIView):
    """A participant (or the host, who may say when) records the check-out: the hours are
    proposed, or approved at once under the city's automatic modes."""

    rules_permissions = WRITE

    @extend_schema(request=CheckOutSerializer, responses={200: AttendanceSerializer, **ERRORS})
    def post(self, request, city_slug, pk):
        registration = get_object_or_404(
            Registration.objects.select_related("slot__activity", "city"), city=self.city, pk=pk
        )
        data = CheckOutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_check_out(
            actor=request.user, registration=registration, at=data.validated_data.get("at")
        )
        return Response(AttendanceSerializer(registration).data)


class HoursListView(CityAPIMixin, generics.ListAPIView):
    """The hours the signed-in person may see: all those of the activities their organisation
    hosts, their company's employees' (representatives), their own."""

    rules_permissions = {"GET": None}
    serializer_class = HoursEntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, required=False, enum=HoursEntry.State.values, description="Only this state")
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def city_queryset(self):
        state = self.request.query_params.get("state", "")
        state = state if state in HoursEntry.State.values else ""
        return selectors.hours_visible(actor=self.request.user, city=self.city, state=state)


def _entry(request, city, pk) -> HoursEntry:
    return get_object_or_404(selectors.hours_visible(actor=request.user, city=city), pk=pk)


class HoursApproveView(CityAPIMixin, APIView):
    """Approve entries at once, as the host and/or the company (both confirm an employee's hours;
    the host alone a person on their own). All or nothing."""

    rules_permissions = WRITE

    @extend_schema(request=HoursApproveSerializer, responses={200: HoursEntrySerializer(many=True), **ERRORS})
    def post(self, request, city_slug):
        data = HoursApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["ids"])
        entries = list(selectors.hours_visible(actor=request.user, city=self.city).filter(pk__in=ids))
        if len(entries) != len(ids):
            raise ApiValidationError({"ids": [_("Some of these hours were not found.")]}, code="not_found")
        approved = services.hours_approve(actor=request.user, entries=entries)
        return Response(HoursEntrySerializer(approved, many=True).data)


class HoursDeclineView(CityAPIMixin, APIView):
    """Decline proposed hours, saying why (the host or the company)."""

    rules_permissions = WRITE

    @extend_schema(request=HoursDeclineSerializer, responses={200: HoursEntrySerializer, **ERRORS})
    def post(self, request, city_slug, pk):
        entry = _entry(request, self.city, pk)
        data = HoursDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.hours_decline(actor=request.user, entry=entry, reason=data.validated_data["reason"])
        return Response(HoursEntrySerializer(entry).data)


class HoursCorrectView(CityAPIMixin, APIView):
    """Correct approved hours: a new entry replaces them, and the ledger is corrected."""

    rules_permissions = WRITE

    @extend_schema(request=HoursCorrectSerializer, responses={201: HoursEntrySerializer, **ERRORS})
    def post(self, request, city_slug, pk):
        entry = _entry(request, self.city, pk)
        data = HoursCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.hours_correct(actor=request.user, entry=entry, **data.validated_data)
        return Response(HoursEntrySerializer(new).data, status=status.HTTP_201_CREATED)


class HoursDeclareView(CityAPIMixin, APIView):
    """A participant of a flexible task declares the time they gave."""

    rules_permissions = WRITE

    @extend_schema(request=HoursDeclareSerializer, responses={201: HoursEntrySerializer, **ERRORS})
    def post(self, request, city_slug):
        data = HoursDeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        registration = get_object_or_404(
            Registration.objects.select_related("slot__activity", "city"),
            city=self.city,
            pk=fields.pop("registration"),
        )
        entry = services.hours_declare(actor=request.user, registration=registration, **fields)
        return Response(HoursEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
