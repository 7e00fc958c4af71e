"""The equity lens's public page: does company support reach the neighbourhoods that need it
most? A choropleth of euros per resident per NIL with every NIL's figures beside it, the Lorenz
curve with its table, the Gini, the share reaching the action plan's target areas and the
high-need NIL that received nothing, for a chosen period. Public figures only (sums by area)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cities4csr.cities.selectors import area_bounds
from cities4csr.core.mixins import CityMixin

from .equity_forms import EquityPeriodForm
from .equity_selectors import equity_of_city


def euros(cents: float | None) -> float | None:
    return None if cents is None else round(cents / 100, 2)


def percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def number_format():
    """A formatter of numbers as the page's language writes them ("1.234,5" in Italian), made
    once per page: the table has a thousand cells, and Django's floatformat per cell costs more
    than the rest of the page."""
    table = str.maketrans({",": formats.get_format("THOUSAND_SEPARATOR"), ".": formats.get_format("DECIMAL_SEPARATOR")})

    def fmt(value, digits: int = 0) -> str:
        return "–" if value is None else f"{value:,.{digits}f}".translate(table)

    return fmt


def equity_rows(view, fmt) -> list[dict]:
    """One row per area for the table, its cells written once: its figures and its need
    indicators in the shown order."""
    rows = []
    for area in view.equity.areas:
        values = view.values.get(area.code, {})
        per_thousand = None if area.hours_per_resident is None else area.hours_per_resident * 1000
        rows.append(
            {
                "area": area,
                "cells": [
                    fmt(area.population),
                    fmt(area.cents / 100, 2),
                    fmt(euros(area.cents_per_resident), 2),
                    fmt(area.minutes / 60, 1),
                    fmt(per_thousand, 2),
                ],
                "deprivation": fmt(area.deprivation, 2),
                "indicators": [fmt(values.get(i.key), 1) for i in view.indicators],
            }
        )
    return rows


def lorenz_rows(view, fmt) -> list[dict]:
    names = {a.code: a.name for a in view.equity.areas}
    return [
        {
            "code": p.code,
            "name": names.get(p.code, ""),
            "residents": fmt(p.residents_share * 100, 1),
            "euros": fmt(p.euros_share * 100, 1),
        }
        for p in view.equity.lorenz[1:]
    ]


class EquityView(CityMixin, TemplateView):
    template_name = "impact/equity.html"

    def get_context_data(self, **kwargs):
        city = self.city
        form = EquityPeriodForm(self.request.GET or None)
        view = equity_of_city(city=city, **form.period())
        fmt = number_format()
        kind = view.area_kind
        api = {"city_slug": city.slug}
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs=api) + f"?kind={kind}",
            # only the areas that received something are shaded; the others stay pale ("nothing")
            "values": {
                a.code: euros(a.cents_per_resident) for a in view.equity.areas if (a.cents_per_resident or 0) > 0
            },
            "label": _("Euros per resident"),
            "unit": "€" if city.currency == "EUR" else city.currency,
            "areaUrl": reverse("area_detail", kwargs={**api, "kind": kind, "code": "CODE"}),
            "bounds": area_bounds(city=city, kind=kind),
            "tileUrl": city.settings.map_tile_url,
            "tileAttribution": city.settings.map_tile_attribution,
        }
        curve = view.equity.lorenz
        chart = {
            "locale": translation.get_language() or "en",
            "points": [{"x": round(p.residents_share * 100, 2), "y": round(p.euros_share * 100, 2)} for p in curve],
        }
        query = self.request.GET.urlencode() if form.is_bound and form.is_valid() else ""
        return super().get_context_data(
            form=form,
            view=view,
            equity=view.equity,
            rows=equity_rows(view, fmt),
            total_hours=view.equity.total_minutes / 60,
            target_pct=percent(view.equity.target_share),
            target_hours_pct=percent(view.equity.target_hours_share),
            lorenz=lorenz_rows(view, fmt),
            map_config=map_config,
            chart_data=chart,
            api_url=reverse("api:equity", kwargs=api) + (f"?{query}" if query else ""),
            **kwargs,
        )
