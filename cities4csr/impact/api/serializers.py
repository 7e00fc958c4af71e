"""The results API's shapes. Values are decimal strings (exact, as stored); on input a number or
a string written as the request's language writes numbers."""

from rest_framework import serializers

from cities4csr.impact.models import IndicatorUpdate, ResultIndicator


class ResultIndicatorSerializer(serializers.ModelSerializer):
    latest_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, read_only=True, allow_null=True, help_text="Latest approved value"
    )
    latest_on = serializers.DateField(read_only=True, allow_null=True, help_text="Day of the latest approved value")
    progress = serializers.SerializerMethodField(help_text="Share of the way from baseline to target, 0..1")

    class Meta:
        model = ResultIndicator
        fields = [
            "id",
            "action",
            "need",
            "name",
            "translations",
            "unit",
            "method",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "weight",
            "counts_people",
            "latest_value",
            "latest_on",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> float:
        from cities4csr.impact.rollup import indicator_progress

        return indicator_progress(baseline=obj.baseline, target=obj.target, value=getattr(obj, "latest_value", None))


class ResultIndicatorWriteSerializer(serializers.Serializer):
    action = serializers.IntegerField(required=False, help_text="Number of the plan's action (or give need)")
    need = serializers.IntegerField(required=False, help_text="Id of the need (or give action)")
    name = serializers.CharField(max_length=200)
    translations = serializers.JSONField(required=False)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    method = serializers.CharField(required=False, allow_blank=True)
    baseline = serializers.CharField(max_length=30, help_text="A number")
    baseline_on = serializers.DateField()
    target = serializers.CharField(max_length=30, help_text="A number")
    target_on = serializers.DateField()
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False)
    counts_people = serializers.BooleanField(required=False)


class IndicatorUpdateSerializer(serializers.ModelSerializer):
    organisation_name = serializers.SerializerMethodField()
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorUpdate
        fields = [
            "id",
            "indicator",
            "value",
            "measured_on",
            "note",
            "has_evidence_file",
            "evidence_url",
            "state",
            "organisation",
            "organisation_name",
            "submitted_at",
            "decided_at",
            "return_reason",
        ]
        read_only_fields = fields

    def get_organisation_name(self, obj) -> str:
        return obj.organisation.name if obj.organisation_id else ""

    def get_has_evidence_file(self, obj) -> bool:
        return bool(obj.evidence)


class IndicatorUpdateWriteSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(required=False, help_text="On creation only")
    value = serializers.CharField(max_length=30, help_text="A number")
    measured_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)
    evidence_url = serializers.URLField(required=False, allow_blank=True)
    submit = serializers.BooleanField(required=False, default=False, help_text="Send it to the city at once")


class IndicatorUpdateTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=["submitted", "approved", "returned"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class TreeNodeSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.SerializerMethodField()
    weight = serializers.IntegerField()
    progress = serializers.FloatField(allow_null=True)
    measured = serializers.IntegerField()
    indicators = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    def get_title(self, node) -> str:
        obj = getattr(node, "obj", None)
        if obj is None:
            return ""
        return getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)

    def get_children(self, node) -> list[dict]:
        return TreeNodeSerializer(node.children, many=True).data


class TimelineSerializer(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
