"""The volunteering API's shapes. Counts only: no participant's name is in any of them."""

from rest_framework import serializers

from cities4csr.core.api.fields import IdField
from cities4csr.organisations.rules import is_org_member
from cities4csr.volunteering.models import Activity, HoursEntry, Registration, Series, Slot, Team
from cities4csr.volunteering.services import ACTIVITY_FIELDS


class VolunteeringSlotSerializer(serializers.ModelSerializer):
    places_left = serializers.SerializerMethodField(help_text="Places not taken yet")

    class Meta:
        model = Slot
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "capacity",
            "places_left",
            "waiting",
            "registration_deadline",
            "state",
            "series",
        ]
        read_only_fields = fields

    def get_places_left(self, obj) -> int:
        return max(obj.capacity - obj.taken, 0)


def _company_shown(activity, request):
    """A company day's company, unless it keeps out of the public directory: then only for the
    activity's host and officers and the company's own people."""
    company = activity.company
    if company is None or company.is_public:
        return company
    user = getattr(request, "user", None)
    if user is not None and (user.has_perm("volunteering.change_activity", activity) or is_org_member(user, company)):
        return company
    return None


class VolunteeringActivitySerializer(serializers.ModelSerializer):
    host_name = serializers.CharField(source="host.name", read_only=True)
    company = serializers.SerializerMethodField(help_text="The company of a company's volunteering day")
    company_name = serializers.SerializerMethodField()
    area = serializers.CharField(source="area.code", read_only=True, allow_null=True, default=None)
    themes = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField(help_text="The slots still to come")

    class Meta:
        model = Activity
        fields = [
            "id",
            *ACTIVITY_FIELDS,
            "state",
            "host_name",
            "company_name",
            "area",
            "themes",
            "published_at",
            "slots",
        ]
        read_only_fields = fields

    def get_company(self, obj) -> int | None:
        company = _company_shown(obj, self.context.get("request"))
        return company.pk if company else None

    def get_company_name(self, obj) -> str | None:
        company = _company_shown(obj, self.context.get("request"))
        return company.name if company else None

    def get_themes(self, obj) -> list[str]:
        return sorted(theme.key for theme in obj.themes.all())

    def get_slots(self, obj) -> list[dict]:
        slots = getattr(obj, "upcoming", None)
        if slots is None:
            slots = obj.slots.filter(state=Slot.State.SCHEDULED).order_by("starts_at", "pk")
        return VolunteeringSlotSerializer(slots, many=True).data


class VolunteeringActivityWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    translations = serializers.DictField(required=False)
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, required=False)
    need = IdField(required=False, allow_null=True)
    line = IdField(required=False, allow_null=True)
    host = IdField(required=False, help_text="The hosting organisation (required to create)")
    company = IdField(required=False, allow_null=True, help_text="For a company's own volunteering day")
    themes = serializers.ListField(child=serializers.CharField(max_length=60), required=False, help_text="Theme keys")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True)
    place = serializers.CharField(max_length=255, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    family_friendly = serializers.BooleanField(required=False)
    accessibility = serializers.CharField(required=False, allow_blank=True)
    minimum_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    safety_briefing = serializers.CharField(required=False, allow_blank=True)
    insurance_note = serializers.CharField(required=False, allow_blank=True)
    reviewed = serializers.BooleanField(required=False)
    waitlist = serializers.BooleanField(required=False)
    preparation_minutes = serializers.IntegerField(required=False, min_value=0, max_value=24 * 60)
    deadline = serializers.DateTimeField(required=False, allow_null=True)


class VolunteeringActivityTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[Activity.State.OPEN, Activity.State.CLOSED, Activity.State.CANCELLED])
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class VolunteeringSlotsAddSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=100_000)
    registration_deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)
    frequency = serializers.ChoiceField(choices=Series.Frequency.choices, required=False, allow_blank=True, default="")
    count = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)


class VolunteeringReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class VolunteeringSignUpSerializer(serializers.Serializer):
    birth_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Asked when the activity has a minimum age; not kept"
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class VolunteeringRegistrationSerializer(serializers.ModelSerializer):
    activity = serializers.CharField(source="slot.activity.slug", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "activity", "slot", "state", "team", "company", "note", "created_at"]
        read_only_fields = fields


class VolunteeringTeamOpenSerializer(serializers.Serializer):
    company = IdField()
    name = serializers.CharField(max_length=120)
    captain = IdField(required=False, allow_null=True, default=None, help_text="One of the company's people")


class VolunteeringTeamSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField(help_text="How many have joined")

    class Meta:
        model = Team
        fields = ["id", "slot", "company", "name", "captain", "invite_code", "members"]
        read_only_fields = fields

    def get_members(self, obj) -> int:
        return obj.registrations.filter(state__in=Registration.ACTIVE).count()


class VolunteeringTeamJoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)


class VolunteeringReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class VolunteeringParticipantSerializer(serializers.ModelSerializer):
    """A registration with its person's name: only for the host's people, the person's company's
    representatives and the person."""

    name = serializers.SerializerMethodField(help_text="Empty once the person deleted their account")

    class Meta:
        model = Registration
        fields = ["id", "name", "state", "team", "company", "note", "created_at"]
        read_only_fields = fields

    def get_name(self, obj) -> str:
        if obj.user is None:
            return ""
        return obj.user.get_full_name() or obj.user.email


# Attendance and hours (vtime)
# ---------------------------------------------------------------------------------------------
class AttendanceSerializer(serializers.ModelSerializer):
    """A registration's attendance: its state and when the person came and left."""

    class Meta:
        model = Registration
        fields = ["id", "slot", "state", "checked_in_at", "checked_out_at"]
        read_only_fields = fields


class SelfCheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The slot's check-in code, shown by the host on the day")


class CheckOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="When the person left (the host only); now when left out")


class HoursEntrySerializer(serializers.ModelSerializer):
    """Hours of one participation, as the host, the participant's company or the participant sees them."""

    activity = serializers.CharField(source="registration.slot.activity.title", read_only=True)
    slot_starts_at = serializers.DateTimeField(source="registration.slot.starts_at", read_only=True)
    first_name = serializers.CharField(
        source="registration.user.first_name",
        read_only=True,
        allow_null=True,
        help_text="The participant's first name (empty once they deleted their account)",
    )
    company = serializers.IntegerField(source="registration.company_id", read_only=True, allow_null=True)

    class Meta:
        model = HoursEntry
        fields = [
            "id",
            "registration",
            "activity",
            "slot_starts_at",
            "first_name",
            "company",
            "minutes",
            "state",
            "corrects",
            "reason",
            "host_approved_at",
            "company_approved_at",
            "approved_at",
            "rate_cents",
            "rate_source",
        ]
        read_only_fields = fields


class HoursApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(min_value=1), min_length=1, max_length=500, help_text="The entries to approve"
    )


class HoursDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class HoursCorrectSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60 * 366)
    reason = serializers.CharField(max_length=500)


class HoursDeclareSerializer(serializers.Serializer):
    registration = IdField(min_value=1)
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60 * 366)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
