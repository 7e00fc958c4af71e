"""The public list's filters (date range, neighbourhood, theme, skill, families welcome), shared by
the list, its map and (later) the API. They filter the slots still to come; the list groups them
by activity (selectors.activities_for)."""

import django_filters
from django.core.validators import validate_slug
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Activity, Slot


class ActivityFilter(django_filters.FilterSet):
    """Filters of ``Slot`` rows: each names the activity's field it tests."""

    start = django_filters.DateFilter(label=_("From"), method="from_day")
    end = django_filters.DateFilter(label=_("To"), method="to_day")
    nil = django_filters.CharFilter(label=_("Neighbourhood"), field_name="activity__area__code")
    theme = django_filters.CharFilter(label=_("Theme"), method="by_theme", validators=[validate_slug])
    skill = django_filters.CharFilter(label=_("Skill"), method="by_skill")
    family = django_filters.BooleanFilter(label=_("Families with children welcome"), method="families")

    class Meta:
        model = Slot
        fields = []

    def from_day(self, queryset, name, value):
        return queryset.filter(ends_at__date__gte=value)

    def to_day(self, queryset, name, value):
        return queryset.filter(starts_at__date__lte=value)

    def by_theme(self, queryset, name, value):
        through = Activity.themes.through
        return queryset.filter(
            Exists(through.objects.filter(activity_id=OuterRef("activity_id"), theme__key=value).order_by())
        )

    def by_skill(self, queryset, name, value):
        return queryset.filter(activity__skills__icontains=value.strip()[:100])

    def families(self, queryset, name, value):
        return queryset.filter(activity__family_friendly=True) if value else queryset
