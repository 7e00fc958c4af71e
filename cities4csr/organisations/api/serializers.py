from rest_framework import serializers

from ..models import CityInvitation, CityRole, Membership, Organisation, Site


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


class CityRoleSerializer(serializers.ModelSerializer):
    """A role in the city and who holds it (for the city's administrators)."""

    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = CityRole
        fields = ["id", "email", "name", "role", "is_active"]
        read_only_fields = ["id", "email", "name"]


class CityRoleWriteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CityRole.Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class CityInvitationSerializer(serializers.ModelSerializer):
    """An invitation sent by e-mail; the link itself is only in the e-mail."""

    class Meta:
        model = CityInvitation
        fields = ["id", "email", "role", "language", "expires_at"]
        read_only_fields = ["id", "expires_at"]
        extra_kwargs = {"language": {"required": False}}
