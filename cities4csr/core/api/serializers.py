from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import AuditEvent, Notification
from .fields import IdField


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "verb", "object_type", "object_id", "object_repr", "payload"]


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
