from rest_framework import serializers

from cities4csr.core.api.fields import IdField, MoneyCentsField, QuantityField, quantity_for_kind
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.needs.models import Need, ResourceKind, ResourceLine


class LineSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = ResourceLine
        fields = ["id", "kind", "label", "unit", "quantity", "value_cents", "committed", "remaining", "skills"]
        read_only_fields = ["id", "unit", "committed", "remaining"]
        extra_kwargs = {"value_cents": {"required": False}}


class NeedSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    themes = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    action = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "description",
            "translations",
            "state",
            "owner",
            "action",
            "themes",
            "sdgs",
            "lat",
            "lon",
            "area",
            "district",
            "beneficiary_group",
            "beneficiaries_expected",
            "starts_on",
            "ends_on",
            "value_requested_cents",
            "value_committed_cents",
            "published_at",
            "lines",
        ]

    def get_themes(self, need) -> list[str]:
        return [t.key for t in need.themes.all()]

    def _area(self, area):
        return {"kind": area.kind, "code": area.code, "name": area.name} if area else None

    def get_area(self, need) -> dict | None:
        return self._area(need.area)

    def get_district(self, need) -> dict | None:
        return self._area(need.district)

    def get_action(self, need) -> int | None:
        return need.action.number if need.action else None


class NeedWriteSerializer(serializers.Serializer):
    owner = IdField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    translations = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        help_text='the title and description in the city\'s other languages: {"en": {"title": "...", '
        '"description": "..."}}; title and description are the original, in the city\'s language',
    )
    action = serializers.IntegerField(required=False, allow_null=True, help_text="number of the action plan line")
    themes = serializers.ListField(child=serializers.SlugField(), required=False)
    sdgs = serializers.ListField(child=serializers.CharField(), required=False)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    beneficiary_group = serializers.CharField(required=False, allow_blank=True, max_length=200)
    beneficiaries_expected = QuantityField(required=False, allow_null=True, minimum=0)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)


class NeedUpdateSerializer(NeedWriteSerializer):
    """What a PATCH may change: every field of a new need but its owner."""

    owner = None


class LineWriteSerializer(serializers.Serializer):
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
    skills = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        return quantity_for_kind(attrs)


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class GapByAreaQuerySerializer(serializers.Serializer):
    kind = serializers.SlugField(
        required=False,
        help_text="The city's neighbourhood or district kind (e.g. nil, municipio); its neighbourhoods if absent.",
    )
    measure = serializers.ChoiceField(
        choices=["gap", "count"], default="gap", help_text="Open gap in the city's currency, or open needs."
    )

    def validate_kind(self, value):
        settings = self.context["city"].settings
        if value not in (settings.primary_area_kind, settings.district_area_kind):
            raise serializers.ValidationError(
                f"Choose {settings.primary_area_kind} or {settings.district_area_kind}."  # area kinds are codes
            )
        return value


class GapByAreaSerializer(serializers.Serializer):
    kind = serializers.CharField()
    measure = serializers.CharField()
    unit = serializers.CharField(help_text="the city's currency (ISO 4217, e.g. EUR), or empty for a number of needs")
    values = serializers.DictField(child=serializers.FloatField(), help_text="{area code: value}")
