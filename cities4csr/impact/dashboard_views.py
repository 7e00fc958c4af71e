"""The city's public dashboard (ADR 0038): /<lang>/<city>/dashboard/, its CSV and XLSX."""

from __future__ import annotations

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cities4csr.core.mixins import CityMixin
from cities4csr.core.money import cents_to_euros

from . import dashboard as selectors
from .dashboard_export import export_response
from .dashboard_forms import DashboardFilterForm

#: the funnel's stages in the reader's words
STAGE_LABELS = {
    "published": gettext_lazy("Published"),
    "pledged": gettext_lazy("Pledged"),
    "delivered": gettext_lazy("Delivered"),
    "verified": gettext_lazy("Verified"),
}
DIMENSION_LABELS = {
    "theme": gettext_lazy("By theme"),
    "area": gettext_lazy("By neighbourhood"),
    "action": gettext_lazy("By action of the plan"),
}


def dashboard_read(request, city) -> tuple[DashboardFilterForm, selectors.Dashboard, dict]:
    """The form of the filters asked in ``request.GET``, the dashboard they give, and the names
    of themes, areas and actions ({dimension: {key: name}}): what the page, the files and the API
    show."""
    choices = selectors.filter_choices(city=city)
    form = DashboardFilterForm(request.GET or None, **choices)
    data = selectors.dashboard(city=city, filters=form.filters())
    names = selectors.dimension_names(choices)
    return form, data, names


def period_label(start, step: str) -> str:
    if step == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return formats.date_format(start, "YEAR_MONTH_FORMAT")


def chart_data(city, data: selectors.Dashboard, names: dict) -> dict:
    """What the page's charts draw (the tables beside them say the same): amounts in the city's
    currency as numbers, labels in the reader's words."""
    step = data.filters.step

    def euros(cents):
        return float(cents_to_euros(cents))

    themes = data.by.get("theme", [])
    return {
        "currency": city.currency,
        "locale": translation.get_language() or "en",
        "periods": {
            "labels": [period_label(p.start, step) for p in data.periods],
            "cash": [euros(p.cash_cents) for p in data.periods],
            "in_kind": [euros(p.in_kind_cents) for p in data.periods],
            "hours": [p.hours for p in data.periods],
            "givers": [p.givers for p in data.periods],
        },
        "funnel": {
            "labels": [str(STAGE_LABELS[s.key]) for s in data.funnel],
            "values": [euros(s.value_cents) for s in data.funnel],
        },
        "themes": {
            "labels": [names["theme"].get(row.key, row.key) for row in themes],
            "stages": [str(STAGE_LABELS[key]) for key in selectors.STAGES],
            "values": [[euros(row.stages[i].value_cents) for row in themes] for i in range(len(selectors.STAGES))],
        },
    }


class DashboardView(CityMixin, TemplateView):
    """The city's dashboard: anyone may read it (sums and counts only, no giver named)."""

    template_name = "impact/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, data, names = dashboard_read(self.request, self.city)
        step = data.filters.step
        context.update(
            form=form,
            data=data,
            periods=[(period_label(p.start, step), p) for p in data.periods],
            funnel=[(STAGE_LABELS[s.key], s) for s in data.funnel],
            breakdowns=[
                (
                    dimension,
                    DIMENSION_LABELS[dimension],
                    [(names[dimension].get(row.key, row.key), row) for row in data.by.get(dimension, [])],
                )
                for dimension in selectors.DIMENSIONS
            ],
            stage_labels=[STAGE_LABELS[key] for key in selectors.STAGES],
            chart_data=chart_data(self.city, data, names),
            query=self.request.GET.urlencode(),
            language=translation.get_language(),
        )
        return context


class DashboardExportView(CityMixin, View):
    """The dashboard's tables as CSV or XLSX, with the filters of the page."""

    fmt = "csv"

    def get(self, request, city_slug):
        _form, data, names = dashboard_read(request, self.city)
        return export_response(city=self.city, data=data, names=names, fmt=self.fmt)
