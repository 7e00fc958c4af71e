from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import AuditEvent, Notification
from .fields import IdField


class ActivityChangeSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The field, in the request's language.")
    old = serializers.CharField(help_text="Its value before (empty when the event does not record it).")
    new = serializers.CharField(help_text="Its value after.")


class AuditEventSerializer(serializers.ModelSerializer):
    """An event of the trail; ``sentence`` says it in the request's language (Accept-Language)."""

    actor = serializers.CharField(source="actor_label")
    actor_name = serializers.CharField(source="row.actor_name", help_text="The person's name, or their pseudonym.")
    actor_role = serializers.CharField(source="row.actor_role", help_text="Their role in the city, if any.")
    sentence = serializers.CharField(source="row.text", help_text="What happened, in a sentence.")
    object_title = serializers.CharField(source="row.object_title")
    object_url = serializers.CharField(
        source="row.object_url", help_text="The object's page on this site; empty if it is gone or has none."
    )
    changes = ActivityChangeSerializer(source="row.changes", many=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "actor_role",
            "verb",
            "sentence",
            "object_type",
            "object_id",
            "object_repr",
            "object_title",
            "object_url",
            "changes",
            "payload",
        ]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "read_at"]


class NotificationReadSerializer(serializers.Serializer):
    """Which of one's notifications to mark read: some by id, or all."""

    ids = serializers.ListField(child=IdField(min_value=1), required=False, max_length=1000)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": [_("Say which notifications to mark as read.")]}, code="required")
        return data


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and are now read.")
