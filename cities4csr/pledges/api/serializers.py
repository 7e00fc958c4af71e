from rest_framework import serializers

from cities4csr.api.fields import IdField, MoneyCentsField, QuantityField
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.pledges.models import Evidence, Pledge, PledgeItem


class PledgeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgeItem
        fields = ["line", "quantity", "value_cents"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "kind", "file", "description", "volunteer_hours", "created_at"]


class PledgeSerializer(serializers.ModelSerializer):
    items = PledgeItemSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "need",
            "organisation",
            "state",
            "is_public",
            "message",
            "instrument",
            "reason",
            "value_cents",
            "verified_at",
            "items",
            "evidence",
        ]


class ItemWriteSerializer(serializers.Serializer):
    line = IdField()
    quantity = QuantityField(
        minimum=1,
        maximum=MAX_CENTS,
        help_text=f"a whole number: cents for money (at most {MAX_CENTS}); hours, items or days otherwise (at most {MAX_QUANTITY})",
    )
    cost_cents = MoneyCentsField(
        required=False,
        help_text="what the goods, time, expertise or space cost the giver: integer cents or a decimal string "
        "such as \"300.50\" in the city's currency (B4SI values them at cost); without it, the need's own "
        "estimate, pro rata. Not for money.",
    )


class PledgeWriteSerializer(serializers.Serializer):
    need = IdField()
    organisation = IdField()
    items = ItemWriteSerializer(many=True, allow_empty=False)
    partners = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        help_text="ids of organisations joining as a collective action",
    )
    is_public = serializers.BooleanField(default=True)
    message = serializers.CharField(required=False, allow_blank=True, default="")


class PledgeTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Pledge.State.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    instrument = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


class EvidenceWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    volunteer_hours = QuantityField(required=False, allow_null=True, minimum=0)
