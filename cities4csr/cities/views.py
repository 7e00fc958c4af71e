from django.urls import reverse
from django.views.generic import TemplateView

from cities4csr.needs.selectors import actions_of_city
from cities4csr.web.mixins import CityMixin

from . import selectors
from .forms import MapChoiceForm
from .models import Indicator


class CityHomeView(CityMixin, TemplateView):
    """The city's front page: its areas on a map, shaded by an indicator, with the same data as a table."""

    template_name = "cities/city_home.html"

    def get_context_data(self, **kwargs):
        city = self.city
        policy = city.settings
        layers = selectors.area_layers(city=city)
        kinds = [layer.kind for layer in layers]
        kind = self.request.GET.get("kind") or policy.primary_area_kind or (kinds[-1] if kinds else "")
        if kind not in kinds:
            kind = policy.primary_area_kind if policy.primary_area_kind in kinds else (kinds[-1] if kinds else "")
        indicators = list(selectors.indicators_of_city(city=city, kind=kind))
        form = MapChoiceForm(
            self.request.GET or None,
            layers=layers,
            indicators=indicators,
            initial={"kind": kind, "indicator": policy.default_indicator},
        )
        keys = {i.key: i for i in indicators}
        wanted = (
            self.request.GET.get("indicator", policy.default_indicator)
            if self.request.GET
            else policy.default_indicator
        )
        indicator: Indicator | None = keys.get(wanted)
        form.is_valid()  # shows an error for an unknown choice; the page falls back to defaults
        values = selectors.indicator_latest_values(city=city, indicators=[indicator] if indicator else [])
        by_area = values.get(indicator.pk, {}) if indicator else {}
        areas = list(selectors.areas_of_kind(city=city, kind=kind))
        rows = [{"area": a, "value": by_area.get(a.code)} for a in areas]
        rows.sort(key=lambda r: r["area"].sort_key)
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs={"city_slug": city.slug}) + f"?kind={kind}",
            "values": {r["area"].code: r["value"] for r in rows if r["value"] is not None},
            "label": indicator.label if indicator else "",
            "unit": indicator.unit if indicator else "",
            "areaUrl": reverse("area_detail", kwargs={"city_slug": city.slug, "kind": kind, "code": "CODE"}),
            "tileUrl": policy.map_tile_url,
            "tileAttribution": policy.map_tile_attribution,
        }
        return super().get_context_data(
            form=form,
            kind=kind,
            layer=next((layer for layer in layers if layer.kind == kind), None),
            indicator=indicator,
            rows=rows,
            map_config=map_config,
            actions=actions_of_city(city=city),
            **kwargs,
        )


class AreaDetailView(CityMixin, TemplateView):
    template_name = "cities/area_detail.html"

    def get_context_data(self, **kwargs):
        area = selectors.area_get(city=self.city, kind=self.kwargs["kind"], code=self.kwargs["code"])
        return super().get_context_data(
            area=area,
            indicator_values=selectors.area_indicator_values(city=self.city, area=area),
            children=selectors.area_children(city=self.city, area=area),
            **kwargs,
        )


class DataSourcesView(CityMixin, TemplateView):
    """Where the city's open data comes from, with each licence and attribution."""

    template_name = "cities/data_sources.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            layers=selectors.area_layers(city=self.city),
            indicators=selectors.indicators_of_city(city=self.city),
            **kwargs,
        )
