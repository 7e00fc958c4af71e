from rest_framework import serializers


class DistributionSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()
    format = serializers.CharField(source="fmt")
    media_type = serializers.CharField()


class DatasetSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField(), help_text="EU data-theme codes")
    modified = serializers.DateField()
    licence = serializers.CharField()
    licence_uri = serializers.URLField()
    attribution = serializers.CharField()
    distributions = DistributionSerializer(many=True)


class ResultRowSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    action = serializers.IntegerField(allow_null=True)
    need = serializers.IntegerField(allow_null=True)
    area_code = serializers.CharField()
    baseline = serializers.CharField()
    baseline_on = serializers.DateField()
    target = serializers.CharField()
    target_on = serializers.DateField()
    latest_value = serializers.CharField(allow_null=True, help_text="the latest approved value")
    measured_on = serializers.DateField(allow_null=True)
    progress = serializers.FloatField()
