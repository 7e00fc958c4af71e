"""The volunteering API: /api/v1/cities/<city>/volunteering/… The views parse and ask the same
permissions as the pages; the services check again and write."""

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
from cities4csr.volunteering.models import HoursEntry

from .serializers import (
    AttendanceSerializer,
    CheckOutSerializer,
    HoursApproveSerializer,
    HoursCorrectSerializer,
    HoursDeclareSerializer,
    HoursDeclineSerializer,
    HoursEntrySerializer,
    SelfCheckInSerializer,
    VolunteeringActivitySerializer,
    VolunteeringActivityTransitionSerializer,
    VolunteeringActivityWriteSerializer,
    VolunteeringParticipantSerializer,
    VolunteeringReasonSerializer,
    VolunteeringRegistrationSerializer,
    VolunteeringReviewSerializer,
    VolunteeringSignUpSerializer,
    VolunteeringSlotsAddSerializer,
    VolunteeringSlotSerializer,
    VolunteeringTeamJoinSerializer,
    VolunteeringTeamOpenSerializer,
    VolunteeringTeamSerializer,
)


def _not_found(field):
    return ApiValidationError({field: [_("Not found in this city.")]}, code="not_found")


def _resolve(city, fields: dict) -> dict:
    """Ids of the city's rows into objects (another city's: not found), theme keys into themes."""
    try:
        return selectors.activity_relations(city=city, fields=fields)
    except LookupError as missing:
        raise _not_found(missing.args[0]) from None


class ActivityListView(CityAPIMixin, generics.ListAPIView):
    """The activities open for sign-up with their slots still to come and the places left in each
    (their drafts too, for the host's people and the city's officers); POST a draft (a host's
    people, the city's officers)."""

    rules_permissions = {"GET": None, "POST": "volunteering.add_activity"}
    rules_check_object_only = True
    serializer_class = VolunteeringActivitySerializer

    def city_queryset(self):
        return selectors.activities_listed(user=self.request.user, city=self.city)

    @extend_schema(
        request=VolunteeringActivityWriteSerializer,
        responses={201: VolunteeringActivitySerializer, 400: ErrorSerializer},
    )
    def post(self, request, city_slug):
        data = VolunteeringActivityWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _resolve(self.city, dict(data.validated_data))
        activity = services.activity_create(actor=request.user, city=self.city, **fields)
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=activity.slug)
        return Response(VolunteeringActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(CityAPIMixin, APIView):
    """One activity with its slots still to come; PATCH (its host's people, the city's officers)."""

    rules_permissions = {"GET": None, "PATCH": "volunteering.change_activity"}
    rules_check_object_only = True

    @extend_schema(responses=VolunteeringActivitySerializer)
    def get(self, request, city_slug, slug):
        return Response(
            VolunteeringActivitySerializer(
                selectors.activity_visible_get(user=request.user, city=self.city, slug=slug)
            ).data
        )

    @extend_schema(
        request=VolunteeringActivityWriteSerializer,
        responses={200: VolunteeringActivitySerializer, 400: ErrorSerializer},
    )
    def patch(self, request, city_slug, slug):
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=slug)
        self.check_object_permissions(request, activity)
        data = VolunteeringActivityWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = _resolve(self.city, dict(data.validated_data))
        activity = services.activity_update(actor=request.user, activity=activity, **fields)
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=activity.slug)
        return Response(VolunteeringActivitySerializer(activity).data)


class ActivityTransitionView(CityAPIMixin, APIView):
    """Open an activity for sign-up, close it, or cancel it with a reason (every slot's
    registrations are cancelled and everyone is told)."""

    rules_permissions = {"POST": "volunteering.change_activity"}
    rules_check_object_only = True

    @extend_schema(
        request=VolunteeringActivityTransitionSerializer,
        responses={200: VolunteeringActivitySerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        description="409 with code `already` when the activity is already in that state: nothing is changed.",
    )
    def post(self, request, city_slug, slug):
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=slug)
        self.check_object_permissions(request, activity)
        data = VolunteeringActivityTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.activity_transition(actor=request.user, activity=activity, **data.validated_data)
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=slug)
        return Response(VolunteeringActivitySerializer(activity).data)


class ActivitySlotsView(CityAPIMixin, APIView):
    """Add a slot to an activity, or a weekly or monthly series of them."""

    rules_permissions = {"POST": "volunteering.change_activity"}
    rules_check_object_only = True

    @extend_schema(
        request=VolunteeringSlotsAddSerializer,
        responses={201: VolunteeringSlotSerializer(many=True), 400: ErrorSerializer},
    )
    def post(self, request, city_slug, slug):
        activity = selectors.activity_visible_get(user=request.user, city=self.city, slug=slug)
        self.check_object_permissions(request, activity)
        data = VolunteeringSlotsAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slots = services.slots_add(actor=request.user, activity=activity, **data.validated_data)
        return Response(VolunteeringSlotSerializer(slots, many=True).data, status=status.HTTP_201_CREATED)


class SlotCancelView(CityAPIMixin, APIView):
    """Cancel a slot, with a reason: its registrations are cancelled and everyone is told."""

    rules_permissions = {"POST": "volunteering.change_activity"}
    rules_check_object_only = True

    @extend_schema(
        request=VolunteeringReasonSerializer, responses={200: VolunteeringSlotSerializer, 400: ErrorSerializer}
    )
    def post(self, request, city_slug, pk):
        slot = selectors.slot_visible_get(user=request.user, city=self.city, pk=pk)
        self.check_object_permissions(request, slot.activity)
        data = VolunteeringReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_cancel(actor=request.user, slot=slot, reason=data.validated_data["reason"])
        return Response(VolunteeringSlotSerializer(slot).data)


class SlotSignUpView(CityAPIMixin, APIView):
    """GET: the registrations on a slot whose person the reader may name (all, for the host's
    people; their company's people, for its representatives; else their own). POST: sign up (any
    signed-in person): registered while places are left, else on the waiting list; "requested"
    when the host reviews sign-ups. A refusal says why, with a code: `full`, `deadline_passed`,
    `too_young`, `birth_date_required`, `already_signed_up`, `slot_cancelled`, `not_open`."""

    rules_permissions = {"GET": "volunteering.sign_up", "POST": "volunteering.sign_up"}

    @extend_schema(responses=VolunteeringParticipantSerializer(many=True))
    def get(self, request, city_slug, pk):
        slot = selectors.slot_visible_get(user=request.user, city=self.city, pk=pk)
        rows = selectors.slot_participants(user=request.user, slot=slot)
        return Response(VolunteeringParticipantSerializer(rows, many=True).data)

    @extend_schema(
        request=VolunteeringSignUpSerializer, responses={201: VolunteeringRegistrationSerializer, 400: ErrorSerializer}
    )
    def post(self, request, city_slug, pk):
        slot = selectors.slot_visible_get(user=request.user, city=self.city, pk=pk)
        data = VolunteeringSignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_create(actor=request.user, slot=slot, **data.validated_data)
        return Response(VolunteeringRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class SlotTeamsView(CityAPIMixin, APIView):
    """Open a company's team for a slot (the company's representatives): its code lets the
    company's people join."""

    rules_permissions = {"POST": "volunteering.open_team"}
    rules_check_object_only = True

    @extend_schema(
        request=VolunteeringTeamOpenSerializer, responses={201: VolunteeringTeamSerializer, 400: ErrorSerializer}
    )
    def post(self, request, city_slug, pk):
        slot = selectors.slot_visible_get(user=request.user, city=self.city, pk=pk)
        data = VolunteeringTeamOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = selectors.city_organisation_get(city=self.city, pk=fields["company"])
        if company is None:
            raise _not_found("company")
        self.check_object_permissions(request, company)
        captain = None
        if fields["captain"] is not None:
            captain = selectors.member_get(organisation=company, pk=fields["captain"])
            if captain is None:
                raise ApiValidationError(
                    {"captain": [_("The captain is one of the company's people.")]}, code="captain_not_member"
                )
        team = services.team_open(actor=request.user, slot=slot, company=company, name=fields["name"], captain=captain)
        return Response(VolunteeringTeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamJoinView(CityAPIMixin, APIView):
    """Join a team with its invitation code (the company's people): a place on its slot, or on
    the waiting list, as the company's time."""

    rules_permissions = {"POST": "volunteering.sign_up"}

    @extend_schema(
        request=VolunteeringTeamJoinSerializer,
        responses={201: VolunteeringRegistrationSerializer, 400: ErrorSerializer},
    )
    def post(self, request, city_slug):
        data = VolunteeringTeamJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.team_join(actor=request.user, city=self.city, **data.validated_data)
        return Response(VolunteeringRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationWithdrawView(CityAPIMixin, APIView):
    """Withdraw one's own registration: the place goes to the first person waiting."""

    rules_permissions = {"POST": "volunteering.withdraw_registration"}
    rules_check_object_only = True

    @extend_schema(request=None, responses={200: VolunteeringRegistrationSerializer, 409: ErrorSerializer})
    def post(self, request, city_slug, pk):
        registration = selectors.registration_visible_get(user=request.user, city=self.city, pk=pk)
        self.check_object_permissions(request, registration)
        registration = services.registration_withdraw(actor=request.user, registration=registration)
        return Response(VolunteeringRegistrationSerializer(registration).data)


class RegistrationReviewView(CityAPIMixin, APIView):
    """The host accepts a requested registration (registered, or waiting when the slot is full) or
    declines it with a reason."""

    rules_permissions = {"POST": "volunteering.review_registration"}
    rules_check_object_only = True

    @extend_schema(
        request=VolunteeringReviewSerializer,
        responses={200: VolunteeringRegistrationSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request, city_slug, pk):
        registration = selectors.registration_visible_get(user=request.user, city=self.city, pk=pk)
        self.check_object_permissions(request, registration)
        data = VolunteeringReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_review(
            actor=request.user, registration=registration, **data.validated_data
        )
        return Response(VolunteeringRegistrationSerializer(registration).data)


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
        slot = selectors.slot_by_id(city=self.city, pk=pk)
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
        registration = selectors.registration_get(city=self.city, pk=pk)
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
        registration = selectors.registration_get(city=self.city, pk=fields.pop("registration"))
        entry = services.hours_declare(actor=request.user, registration=registration, **fields)
        return Response(HoursEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
