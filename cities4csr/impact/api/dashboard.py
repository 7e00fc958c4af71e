"""GET /api/v1/cities/<city>/dashboard/: the city's dashboard (ADR 0038), the same figures as
the page /<lang>/<city>/dashboard/, for anyone."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.mixins import CityAPIMixin

from .. import dashboard as selectors


class DashboardQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day of the period (ISO 8601), included.")
    until = serializers.DateField(required=False, help_text="Last day of the period (ISO 8601), included.")
    theme = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="A theme's key.")
    area = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="A neighbourhood's code.")
    action = serializers.IntegerField(required=False, min_value=1, max_value=32767, help_text="An action's number.")
    step = serializers.ChoiceField(choices=selectors.STEPS, required=False, default="month")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["until"] < attrs["since"]:
            raise serializers.ValidationError(
                {"until": "The end of the period cannot be before its start."}, code="period_reversed"
            )
        return attrs


class DashboardPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(
        allow_null=True, help_text="First day of the month or quarter; null for the whole period."
    )
    cash_cents = serializers.IntegerField()
    in_kind_cents = serializers.IntegerField(help_text="Goods, pro-bono expertise and space at their value.")
    time_cents = serializers.IntegerField(help_text="Volunteer time at its value (cost).")
    hours = serializers.IntegerField(help_text="Hours of volunteer time and pro-bono expertise.")
    companies_engaged = serializers.IntegerField(help_text="Companies and foundations that gave.")
    needs_fulfilled = serializers.IntegerField()


class DashboardStageSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=selectors.STAGES)
    count = serializers.IntegerField(help_text="Needs for 'published', pledges for the other stages.")
    value_cents = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Share of the value published.")


class DashboardFunnelRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The theme's key, the neighbourhood's code or the action's number.")
    name = serializers.CharField()
    stages = DashboardStageSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    filters = DashboardQuerySerializer()
    currency = serializers.CharField()
    periods = DashboardPeriodSerializer(many=True)
    totals = DashboardPeriodSerializer()
    funnel = DashboardStageSerializer(many=True)
    by_theme = DashboardFunnelRowSerializer(many=True)
    by_area = DashboardFunnelRowSerializer(many=True)
    by_action = DashboardFunnelRowSerializer(many=True)


def _period(period, start=True) -> dict:
    return {
        "start": period.start if start else None,
        "cash_cents": period.cash_cents,
        "in_kind_cents": period.in_kind_cents,
        "time_cents": period.time_cents,
        "hours": period.hours,
        "companies_engaged": period.givers,
        "needs_fulfilled": period.needs_fulfilled,
    }


def _stages(stages) -> list[dict]:
    return [{"key": s.key, "count": s.count, "value_cents": s.value_cents, "percent": s.percent} for s in stages]


class DashboardView(CityAPIMixin, APIView):
    """The city's dashboard: totals over time (cash, in-kind value, hours, companies engaged,
    needs fulfilled) read from the ledger, and the funnel published → pledged → delivered →
    verified for the city and by theme, neighbourhood and action of the plan. Sums and counts
    only: anyone may read it."""

    rules_permissions = {"GET": None}

    @extend_schema(parameters=[DashboardQuerySerializer], responses=DashboardSerializer)
    def get(self, request, city_slug):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = selectors.Filters(**{"theme": "", "area": "", **query.validated_data})
        data = selectors.dashboard(city=self.city, filters=filters)
        names = selectors.dimension_names(selectors.filter_choices(city=self.city))

        def rows(dimension):
            return [
                {"key": row.key, "name": names[dimension].get(row.key, row.key), "stages": _stages(row.stages)}
                for row in data.by.get(dimension, [])
            ]

        body = {
            "filters": query.validated_data,
            "currency": self.city.currency,
            "periods": [_period(p) for p in data.periods],
            "totals": _period(data.totals, start=False),
            "funnel": _stages(data.funnel),
            **{f"by_{dimension}": rows(dimension) for dimension in selectors.DIMENSIONS},
        }
        return Response(DashboardSerializer(body).data)
