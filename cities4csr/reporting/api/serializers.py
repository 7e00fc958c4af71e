"""The statement API's shapes: the query (a period), the statement (cents as integers, codes
beside their labels in the request's language), and a management cost to record."""

from __future__ import annotations

from rest_framework import serializers

from cities4csr.core.money import MAX_CENTS

from ..forms import MAX_DAYS


class StatementQuerySerializer(serializers.Serializer):
    """``from`` and ``to`` (both included; default: this year so far), ``lang`` (it, en, fr)."""

    lang = serializers.ChoiceField(
        choices=["it", "en", "fr"], required=False, help_text="The language of labels and files"
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False, help_text="First day of the period (default 1 January)")
        fields["to"] = serializers.DateField(required=False, help_text="Last day of the period (default today)")
        return fields

    def validate(self, data):
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": "The end of the period comes after its start."})
        if start and end and (end - start).days > MAX_DAYS:
            raise serializers.ValidationError({"to": "A statement covers at most ten years."})
        return data


class StatementRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value_cents = serializers.IntegerField()
    hours = serializers.FloatField(required=False)
    by_how_cents = serializers.DictField(child=serializers.IntegerField(), required=False)


class HowRowSerializer(StatementRowSerializer):
    how = serializers.ChoiceField(choices=["cash", "time", "in_kind", "management_costs"])


class ResourceRowSerializer(StatementRowSerializer):
    resource_kind = serializers.CharField(help_text="money, goods, volunteer_time, expertise, space, management_costs")


class MotivationRowSerializer(StatementRowSerializer):
    motivation = serializers.CharField(help_text="charitable_gift, community_investment or commercial_initiative")


class ThemeRowSerializer(StatementRowSerializer):
    theme = serializers.CharField(help_text="the theme's key; empty: no theme")


class AreaRowSerializer(StatementRowSerializer):
    area_code = serializers.CharField(help_text="the NIL's (quartier's) code; empty: city-wide or through a fund")


class StatementIndicatorSerializer(serializers.Serializer):
    need_id = serializers.IntegerField()
    need = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    baseline = serializers.FloatField()
    baseline_on = serializers.DateField()
    target = serializers.FloatField()
    target_on = serializers.DateField()
    latest = serializers.FloatField(allow_null=True, help_text="the latest value the city approved; null: none yet")
    latest_on = serializers.DateField(allow_null=True)
    progress = serializers.FloatField(help_text="0 to 1, from the baseline towards the target")
    counts_people = serializers.BooleanField()
    url = serializers.URLField()
    evidence_url = serializers.URLField()


class StatementOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class StatementOutputsSerializer(serializers.Serializer):
    hours = serializers.FloatField(help_text="time and pro-bono expertise")
    pro_bono_hours = serializers.FloatField()
    people_reached = serializers.FloatField(help_text="approved indicators counting people, of the needs supported")
    organisations_supported = serializers.IntegerField()
    needs_supported = serializers.IntegerField()
    organisations = StatementOrganisationRefSerializer(many=True)


class StatementLeverageSerializer(serializers.Serializer):
    matches_cents = serializers.IntegerField(help_text="what others added to its campaign gifts")


class B4SISerializer(serializers.Serializer):
    inputs = HowRowSerializer(many=True)
    by_resource = ResourceRowSerializer(many=True)
    by_motivation = MotivationRowSerializer(many=True)
    by_theme = ThemeRowSerializer(many=True)
    by_area = AreaRowSerializer(many=True)
    leverage = StatementLeverageSerializer()
    outputs = StatementOutputsSerializer()
    impacts = StatementIndicatorSerializer(many=True)


class StatementEngagementSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["agreement", "collective_action", "volunteering"])
    kind_label = serializers.CharField()
    title = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    evidence_url = serializers.URLField()


class StatementActionSerializer(serializers.Serializer):
    need_id = serializers.IntegerField()
    need = serializers.CharField()
    area_code = serializers.CharField(allow_blank=True)
    value_cents = serializers.IntegerField()
    hours = serializers.FloatField()
    results = StatementIndicatorSerializer(many=True)
    evidence_url = serializers.URLField()


class EsrsS3Serializer(serializers.Serializer):
    s3_2_engagement = StatementEngagementSerializer(many=True)
    s3_4_actions = StatementActionSerializer(many=True)
    s3_5_targets = StatementIndicatorSerializer(many=True)


class StatementSiteSerializer(serializers.Serializer):
    site = serializers.CharField()
    areas = serializers.CharField(allow_blank=True)
    engaged = serializers.BooleanField()


class Gri4131Serializer(serializers.Serializer):
    sites = StatementSiteSerializer(many=True)
    sites_total = serializers.IntegerField()
    sites_engaged = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="null: no site recorded")


class StatementOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StatementSerializer(serializers.Serializer):
    organisation = StatementOrganisationSerializer()
    city = serializers.CharField()
    currency = serializers.CharField()
    language = serializers.CharField()
    issued_on = serializers.DateField()
    total_cents = serializers.IntegerField()
    b4si = B4SISerializer()
    esrs_s3 = EsrsS3Serializer()
    gri_413_1 = Gri4131Serializer()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class ManagementCostSerializer(serializers.Serializer):
    amount_cents = serializers.IntegerField(min_value=1, max_value=MAX_CENTS)
    on = serializers.DateField(help_text="The day the cost was borne (not in the future)")
    memo = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ManagementCostResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="the ledger movement")
    seq = serializers.IntegerField(help_text="its number in the city's ledger")
    amount_cents = serializers.IntegerField()
    on = serializers.DateField()
    memo = serializers.CharField(allow_blank=True)
    cancelled = serializers.BooleanField()
