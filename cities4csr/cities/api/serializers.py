from rest_framework import serializers

from ..models import Area, AreaLayer, City, Indicator, Place


class AreaLayerSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = AreaLayer
        fields = ["kind", "label", "level", "parent_kind", "source", "licence", "attribution"]


class CitySerializer(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["slug", "name", "country", "default_language", "languages", "currency", "timezone"]


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = ["kind", "code", "name", "parent"]

    def get_parent(self, area) -> dict | None:
        if area.parent is None:
            return None
        return {"kind": area.parent.kind, "code": area.parent.code, "name": area.parent.name}


class LocateQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class KindQuerySerializer(serializers.Serializer):
    kind = serializers.SlugField(required=False, help_text="Area kind, e.g. nil, municipio, commune, quartier.")


class AreaGeoJSONQuerySerializer(KindQuerySerializer):
    zoom = serializers.IntegerField(required=False, min_value=0, max_value=24, help_text="The map's zoom.")


class IndicatorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["key", "label", "unit", "area_kind", "higher_is_worse", "source", "licence", "attribution", "values"]

    def get_values(self, indicator) -> dict[str, float]:
        """Latest value per area code."""
        return self.context["values"].get(indicator.pk, {})


class PlaceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="Words the place's name or address holds (at least two characters)."
    )
    kind = serializers.ChoiceField(choices=Place.Kind.choices, required=False)


class PlaceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "address",
            "lat",
            "lon",
            "area",
            "source",
            "licence",
            "attribution",
        ]

    def get_area(self, place) -> dict | None:
        """The neighbourhood (the city's primary area kind) the place lies in."""
        if place.area is None:
            return None
        return {"kind": place.area.kind, "code": place.area.code, "name": place.area.name}
