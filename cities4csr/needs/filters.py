"""The catalogue's filters, shared by the public pages and the API."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cities4csr.core.text import fold

from . import sdg
from .models import Need, ResourceKind

PUBLIC_STATES = [
    Need.State.PUBLISHED,
    Need.State.IN_PROGRESS,
    Need.State.FULFILLED,
    Need.State.DELIVERED,
    Need.State.VERIFIED,
    Need.State.CLOSED,
]

SORTS = {
    "newest": ("-published_at", "-id"),
    "gap": ("-open_gap", "-id"),
    "ending": (F("ends_on").asc(nulls_last=True), "-id"),
    "title": ("title", "id"),
}


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    theme = django_filters.CharFilter(label=_("Theme"), field_name="themes__key")
    sdg = django_filters.ChoiceFilter(label=_("SDG"), method="by_sdg", choices=[(str(g), f"{g}") for g in sdg.GOALS])
    municipio = django_filters.CharFilter(label=_("District"), field_name="district__code")
    nil = django_filters.CharFilter(label=_("Neighbourhood"), field_name="area__code")
    kind = django_filters.ChoiceFilter(label=_("Resource"), field_name="lines__kind", choices=ResourceKind.choices)
    action = django_filters.NumberFilter(label=_("Action"), field_name="action__number")
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="state", choices=[(s.value, s.label) for s in PUBLIC_STATES]
    )
    open = django_filters.BooleanFilter(label=_("Still open"), method="still_open")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        choices=[
            ("newest", _("Newest")),
            ("gap", _("Largest gap")),
            ("ending", _("Ending soon")),
            ("title", _("Title")),
        ],
    )

    class Meta:
        model = Need
        fields = []

    def search(self, queryset, name, value):
        for word in fold(value).split()[:8]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def by_sdg(self, queryset, name, value):
        return queryset.filter(sdg_goals__contains=f"|{value}|")

    def still_open(self, queryset, name, value):
        open_ = Q(state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]) & Q(
            value_committed_cents__lt=F("value_requested_cents")
        )
        return queryset.filter(open_) if value else queryset.exclude(open_)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["newest"]))

    @property
    def qs(self):
        queryset = super().qs
        if self.form.is_valid() and not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["newest"])
        return queryset.distinct()
