from rest_framework import serializers

from ..models import Membership, Organisation, Site


class SiteSerializer(serializers.ModelSerializer):
    areas = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["id", "label", "address", "lat", "lon", "areas"]
        read_only_fields = ["id", "areas"]

    def get_areas(self, site) -> list[dict]:
        return [{"kind": a.kind, "code": a.code, "name": a.name} for a in site.areas.all()]


class OrganisationSerializer(serializers.ModelSerializer):
    """Field validation (identifiers' check digits, uniqueness) is the model's, run by the service."""

    sites = SiteSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", *Organisation.EDITABLE_FIELDS, "sites"]
        read_only_fields = ["id", "sites"]
        validators = []  # the city-level unique constraints are checked by the service's full_clean


class OrganisationMemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "role"]
        read_only_fields = fields


class OrganisationMemberWriteSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The e-mail of a registered person; it must be confirmed.")
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)
