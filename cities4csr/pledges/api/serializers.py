from django.urls import reverse
from rest_framework import serializers

from cities4csr.core.api.fields import IdField, MoneyCentsField, QuantityField
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.pledges.models import Evidence, Pledge, PledgeItem, PledgePartner


class PledgeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgeItem
        fields = ["line", "quantity", "value_cents"]


class EvidenceSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField(
        help_text="where the file opens, for those allowed to see it (the city's officers, the pledging "
        "organisation's members, the need owner's, the accepted partners'): never a public /media/ address"
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "file",
            "file_name",
            "sha256",
            "description",
            "volunteer_hours",
            "replaces",
            "created_at",
        ]

    def get_file(self, obj) -> str:
        return reverse("evidence_file", kwargs={"city_slug": obj.city.slug, "pk": obj.pk})


class PartnershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgePartner
        fields = ["organisation", "state"]


class PledgeSerializer(serializers.ModelSerializer):
    items = PledgeItemSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    instrument = serializers.SerializerMethodField(
        help_text="the legal instrument of the pledge's agreement, once an officer confirmed it; empty before"
    )
    partners = PartnershipSerializer(
        source="partnerships", many=True, read_only=True, help_text="organisations named as partners, and their answer"
    )

    def get_instrument(self, pledge) -> str:
        agreement = getattr(pledge, "agreement", None)
        return agreement.instrument if agreement else ""

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
            "partners",
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
        help_text="ids of organisations invited to join as partners; each appears only once it accepts",
    )
    is_public = serializers.BooleanField(default=True)
    message = serializers.CharField(required=False, allow_blank=True, default="")


class PledgeTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Pledge.State.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PartnershipTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PledgePartner.State.choices)


class EvidenceWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class EvidenceReplaceSerializer(EvidenceWithdrawSerializer):
    file = serializers.FileField()
    description = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=255, help_text="unchanged when left out"
    )


class EvidenceWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    volunteer_hours = QuantityField(required=False, allow_null=True, minimum=0)
