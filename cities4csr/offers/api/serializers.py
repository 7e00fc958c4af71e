from rest_framework import serializers

from cities4csr.needs.models import ResourceKind
from cities4csr.offers.models import Offer


class OfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = [
            "id",
            "organisation",
            "kind",
            "label",
            "unit",
            "quantity",
            "value_cents",
            "available_from",
            "available_until",
            "wants_visibility",
            "wants_employee_involvement",
            "conditions",
        ]
        read_only_fields = ["id", "unit"]


class OfferWriteSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    label = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1)
    value_cents = serializers.IntegerField(min_value=1, required=False)
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    wants_visibility = serializers.BooleanField(default=False)
    wants_employee_involvement = serializers.BooleanField(default=False)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
