"""Serializers of the volunteering API."""

from rest_framework import serializers

from cities4csr.volunteering.models import HoursEntry, Registration


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
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500, help_text="The entries to approve"
    )


class HoursDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class HoursCorrectSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60 * 366)
    reason = serializers.CharField(max_length=500)


class HoursDeclareSerializer(serializers.Serializer):
    registration = serializers.IntegerField(min_value=1)
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60 * 366)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
