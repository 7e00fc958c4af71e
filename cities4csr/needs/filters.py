"""The catalogue's filters, shared by the public pages and the API."""

import django_filters
from django.core.validators import validate_slug
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from cities4csr.core.text import fold

from . import sdg
from .models import OPEN_GAP, Need, ResourceKind

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
    "gap": ("-open_gap", "-id"),  # open_gap is OPEN_GAP (selectors.needs_public)
    "ending": (F("ends_on").asc(nulls_last=True), "-id"),
    "title": ("title", "id"),
}


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    theme = django_filters.CharFilter(label=_("Theme"), method="by_theme", validators=[validate_slug])
    sdg = django_filters.ChoiceFilter(label=_("SDG"), method="by_sdg", choices=[(str(g), f"{g}") for g in sdg.GOALS])
    municipio = django_filters.CharFilter(label=_("District"), field_name="district__code")
    nil = django_filters.CharFilter(label=_("Neighbourhood"), field_name="area__code")
    kind = django_filters.ChoiceFilter(label=_("Resource"), method="by_kind", choices=ResourceKind.choices)
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

    # Themes, resource kinds and SDGs are "has one such" tests on the need's own '|a|b|' columns
    # (kept by the services): no join, no DISTINCT, one row read per need.
    def by_theme(self, queryset, name, value):
        return queryset.filter(theme_keys__contains=f"|{value}|")

    def by_kind(self, queryset, name, value):
        return queryset.filter(kinds__contains=f"|{value}|")

    def by_sdg(self, queryset, name, value):
        return queryset.filter(sdg_goals__contains=f"|{value}|")

    def still_open(self, queryset, name, value):
        # "committed < requested", written as the gap the need_catalogue_gap index holds: PostgreSQL
        # keeps statistics of an indexed expression, where it can only guess (a third) at a
        # comparison of two columns, and a bad guess here picks bad plans for the whole page.
        open_ = Q(state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]) & GreaterThan(OPEN_GAP, 0)
        return queryset.filter(open_) if value else queryset.exclude(open_)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["newest"]))

    @property
    def qs(self):
        queryset = super().qs
        if self.form.is_valid() and not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["newest"])
        return queryset
