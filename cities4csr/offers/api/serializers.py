from django.utils.translation import gettext as _
from rest_framework import serializers

from cities4csr.cities.models import Area
from cities4csr.core.api.fields import IdField, MoneyCentsField, QuantityField, quantity_for_kind
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY
from cities4csr.needs.models import ResourceKind, Theme
from cities4csr.offers.models import Offer
from cities4csr.offers.services import PROFILE_FIELDS


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


class CsrProfileSerializer(serializers.Serializer):
    """What a company cares about and where it wants to help: the matching engine reads it."""

    themes = serializers.ListField(child=serializers.SlugField(), required=False, help_text="the city's theme keys")
    sdgs = serializers.ListField(
        child=serializers.CharField(), required=False, help_text='goals and targets: "4", "11.7"'
    )
    preferred_areas = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="codes of the city's neighbourhoods"
    )
    near_our_sites = serializers.BooleanField(required=False)
    headcount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000_000)
    volunteering_days_per_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10_000_000
    )
    volunteer_hour_cost_cents = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_CENTS,
        help_text="what an hour of an employee's volunteering costs the company, in cents: it values their hours",
    )
    notify_new_needs = serializers.BooleanField(required=False)

    def validate_themes(self, keys):
        found = {theme.key: theme for theme in Theme.objects.filter(city=self.context["city"], key__in=keys)}
        unknown = sorted(set(keys) - set(found))
        if unknown:
            raise serializers.ValidationError(_("Unknown themes: %(keys)s.") % {"keys": ", ".join(unknown)})
        return [found[key] for key in dict.fromkeys(keys)]

    def validate_preferred_areas(self, codes):
        city = self.context["city"]
        found = {
            area.code: area
            for area in Area.objects.filter(city=city, kind=city.settings.primary_area_kind, code__in=codes)
        }
        unknown = sorted(set(codes) - set(found))
        if unknown:
            raise serializers.ValidationError(_("Unknown neighbourhoods: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [found[code] for code in dict.fromkeys(codes)]

    def to_representation(self, profile):
        saved = profile.pk is not None  # a company without a profile yet: the defaults
        areas = [area.code for area in profile.preferred_areas.all()] if saved else []
        return {
            "themes": sorted(theme.key for theme in profile.themes.all()) if saved else [],
            "sdgs": list(profile.sdgs),
            "preferred_areas": sorted(areas, key=lambda code: (len(code), code)),
            **{field: getattr(profile, field) for field in PROFILE_FIELDS},
        }
