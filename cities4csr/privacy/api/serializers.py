from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class EraseSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, help_text="The account's password.")
    confirm = serializers.BooleanField(help_text="true: the person understands that the erasure cannot be undone.")

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError(
                _("Confirm that the account is to be erased (confirm: true)."), code="required"
            )
        return value


class ErasureSerializer(serializers.Serializer):
    pseudonym = serializers.CharField(help_text="The name the account now has in the city's records.")
    erased_at = serializers.DateTimeField()
