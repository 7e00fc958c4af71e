from rest_framework import serializers

from cities4csr.core.api.fields import IdField, MoneyCentsField, QuantityField, quantity_for_kind
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.needs.models import ResourceKind
from cities4csr.offers.models import Offer


class OfferSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True, help_text="past its last day (available_until)")

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
            "is_active",
            "is_expired",
        ]
        read_only_fields = ["id", "unit", "is_active", "is_expired"]


class OfferWriteSerializer(serializers.Serializer):
    organisation = IdField()
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    label = serializers.CharField(max_length=200)
    quantity = QuantityField(
        minimum=1,
        maximum=MAX_CENTS,
        help_text=f"a whole number: cents for money (at most {MAX_CENTS}); hours, items or days otherwise (at most {MAX_QUANTITY})",
    )
    value_cents = MoneyCentsField(
        minimum=1, required=False, help_text="value of the whole quantity in the city's currency (not for money)"
    )
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    wants_visibility = serializers.BooleanField(default=False)
    wants_employee_involvement = serializers.BooleanField(default=False)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        return quantity_for_kind(attrs)


class OfferUpdateSerializer(OfferWriteSerializer):
    """What a PATCH may change: every field of a new offer but its organisation."""

    organisation = None
