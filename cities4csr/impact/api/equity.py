"""The equity lens in the API: /api/v1/cities/<city>/equity/ — public, the same figures as the
page (sums per neighbourhood, no giver, no person)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin
from cities4csr.impact.equity_selectors import equity_of_city


class EquityQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (the ledger's effective date), included.")
    until = serializers.DateField(required=False, help_text="Last day, included.")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["until"] < attrs["since"]:
            raise serializers.ValidationError({"until": _("The last day comes before the first one.")})
        return attrs


class EquityAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()
    received_cents = serializers.IntegerField(help_text="Cash and in-kind value, in cents.")
    minutes = serializers.IntegerField(help_text="Time received (volunteer time, pro-bono expertise).")
    cents_per_resident = serializers.FloatField(allow_null=True)
    hours_per_resident = serializers.FloatField(allow_null=True)
    target_area = serializers.BooleanField(help_text="A target area of the action plan.")
    deprivation = serializers.FloatField(allow_null=True, help_text="Need rank, 0 least … 1 most.")
    high_need = serializers.BooleanField()
    received_nothing = serializers.BooleanField()
    under_served = serializers.FloatField(help_text="1 − min(1, per resident ÷ the city's per resident).")
    indicators = serializers.DictField(child=serializers.FloatField(), help_text="{indicator key: latest value}")


class LorenzPointSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, help_text="The area that ends this step; blank for the origin.")
    residents_share = serializers.FloatField()
    euros_share = serializers.FloatField()


class EquitySerializer(serializers.Serializer):
    currency = serializers.CharField()
    area_kind = serializers.CharField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    received_cents = serializers.IntegerField()
    received_minutes = serializers.IntegerField()
    city_wide_cents = serializers.IntegerField(help_text="Received but not located in a neighbourhood.")
    population = serializers.IntegerField()
    target_share = serializers.FloatField(allow_null=True, help_text="Share of the euros reaching target areas.")
    target_hours_share = serializers.FloatField(allow_null=True)
    gini = serializers.FloatField(allow_null=True, help_text="Of euros per resident, weighted by residents.")
    gini_unweighted = serializers.FloatField(allow_null=True, help_text="Each neighbourhood counted once.")
    high_need_rank = serializers.FloatField()
    high_need_without = serializers.ListField(child=serializers.CharField(), help_text="Codes, most deprived first.")
    lorenz = LorenzPointSerializer(many=True)
    areas = EquityAreaSerializer(many=True)


def equity_data(city, view) -> dict:
    equity = view.equity
    return {
        "currency": city.currency,
        "area_kind": view.area_kind,
        "since": view.since,
        "until": view.until,
        "received_cents": equity.total_cents,
        "received_minutes": equity.total_minutes,
        "city_wide_cents": equity.city_wide_cents,
        "population": equity.population,
        "target_share": equity.target_share,
        "target_hours_share": equity.target_hours_share,
        "gini": equity.gini,
        "gini_unweighted": equity.gini_unweighted,
        "high_need_rank": equity.high_need_rank,
        "high_need_without": [a.code for a in equity.high_need_without],
        "lorenz": [
            {"code": p.code, "residents_share": p.residents_share, "euros_share": p.euros_share} for p in equity.lorenz
        ],
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "population": a.population,
                "received_cents": a.cents,
                "minutes": a.minutes,
                "cents_per_resident": a.cents_per_resident,
                "hours_per_resident": a.hours_per_resident,
                "target_area": a.target,
                "deprivation": a.deprivation,
                "high_need": a.high_need,
                "received_nothing": a.received_nothing,
                "under_served": a.under_served,
                "indicators": view.values.get(a.code, {}),
            }
            for a in equity.areas
        ],
    }


class EquityView(CityAPIMixin, APIView):
    """The equity lens: what each neighbourhood received per resident against its need
    indicators, the share reaching the action plan's target areas, the Lorenz curve and Gini of
    euros per resident, the high-need neighbourhoods that received nothing. Public."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[EquityQuerySerializer], responses=EquitySerializer)
    def get(self, request, city_slug):
        query = EquityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        view = equity_of_city(city=self.city, **query.validated_data)
        # the dict is already what EquitySerializer documents (written directly: 88 areas through
        # the serializer's fields cost more than the rest of the answer)
        return Response(equity_data(self.city, view))
