import datetime
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cities4csr.core.mixins import CityMixin, CityPermissionMixin
from cities4csr.needs.selectors import actions_of_city

from . import selectors
from .forms import CitySettingsForm
from .geocoding import GeocoderError, geocode, geocoder_enabled
from .models import Place
from .services import city_settings_update


class CityHomeView(CityMixin, TemplateView):
    """The city's front page: its areas on a map, shaded by an indicator, with the same data as a table."""

    template_name = "cities/city_home.html"

    def get_context_data(self, **kwargs):
        city = self.city
        area_map = selectors.area_map(
            city=city, kind=self.request.GET.get("kind"), indicator_key=self.request.GET.get("indicator")
        )
        if area_map.layer is None:  # a city of the network whose areas are not loaded yet
            return super().get_context_data(map=None, actions=actions_of_city(city=city), **kwargs)
        indicator = area_map.indicator
        map_config = {
            "geojson": reverse("api:area-geojson", kwargs={"city_slug": city.slug}) + f"?kind={area_map.kind}",
            "values": {row.area.code: row.value for row in area_map.rows if row.value is not None},
            "label": indicator.label if indicator else "",
            "unit": indicator.unit if indicator else "",
            "areaUrl": reverse("area_detail", kwargs={"city_slug": city.slug, "kind": area_map.kind, "code": "CODE"}),
            "tileUrl": city.settings.map_tile_url,
            "tileAttribution": city.settings.map_tile_attribution,
            "bounds": selectors.area_bounds(city=city, kind=area_map.kind),
        }
        return super().get_context_data(
            map=area_map, map_config=map_config, actions=actions_of_city(city=city), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        tile_source = tile_image_source(self.city.settings.map_tile_url)
        if tile_source:  # the city's tile server, and only it, may serve the map's images
            response._csp_update = {"img-src": [tile_source]}
        return response


def tile_image_source(template: str) -> str:
    """The CSP source of a tile URL template: 'https://{s}.tile.example/{z}/{x}/{y}.png' ->
    'https://*.tile.example'. Empty when the city draws its polygons without tiles."""
    if not template:
        return ""
    parts = urlsplit(template)
    host = re.sub(r"^\{[a-z]\}\.", "*.", parts.netloc)
    if not host or "{" in host or "}" in host:
        return ""
    return f"{parts.scheme}://{host}"


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
            place_sources=[
                {**row, "kind_label": Place.Kind(row["kind"]).label} for row in selectors.place_sources(city=self.city)
            ],
            **kwargs,
        )


# Where a person turns when the city does not answer within 30 days (Directive (EU) 2016/2102,
# art. 9): in Italy AgID's Difensore civico per il digitale, through AgID's form.
ENFORCEMENT = {
    "IT": ("AgID – Difensore civico per il digitale", "https://form.agid.gov.it/"),
    "FR": ("Défenseur des droits", "https://formulaire.defenseurdesdroits.fr/"),
}


class AccessibilityStatementView(CityMixin, TemplateView):
    """The city's accessibility statement, in the sections of AgID's model: conformity status,
    content that is not accessible, feedback mechanism with the city's contact, enforcement
    procedure, the statement's date and method."""

    template_name = "cities/accessibility.html"

    def get_context_data(self, **kwargs):
        policy = self.city.settings
        date = (
            datetime.date.fromisoformat(policy.accessibility_statement_date)
            if policy.accessibility_statement_date
            else self.city.created_at.date()
        )
        enforcement = ENFORCEMENT.get(self.city.country)
        return super().get_context_data(
            policy=policy,
            statement_date=date,
            site_url=settings.SITE_URL + reverse("city_home", kwargs={"city_slug": self.city.slug}),
            enforcement_body=enforcement[0] if enforcement else "",
            enforcement_url=enforcement[1] if enforcement else "",
            **kwargs,
        )


class CitySettingsView(CityPermissionMixin, FormView):
    """The city's languages, look and matching weights, for its administrators."""

    permission_required = "cities.change_city"
    template_name = "cities/city_settings.html"
    form_class = CitySettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "city": self.city}

    def form_valid(self, form):
        changes = form.changes()
        try:
            city_settings_update(actor=self.request.user, city=self.city, **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Settings saved."))
        return redirect("city_settings", city_slug=self.city.slug)


def place_as_json(place) -> dict:
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "kind_label": place.get_kind_display(),
        "address": place.address,
        "lat": place.lat,
        "lon": place.lon,
        "area": {"kind": place.area.kind, "code": place.area.code, "name": place.area.name} if place.area else None,
        "attribution": place.attribution,
        "licence": place.licence,
    }


class PlaceSearchView(CityMixin, View):
    """The city's known places whose name or address holds the words typed, for the location
    picker (JSON, kinds named in the page's language). Known places are public open data."""

    def get(self, request, city_slug):
        q = request.GET.get("q", "")[:100]
        kind = request.GET.get("kind", "")
        if kind and kind not in Place.Kind.values:
            return JsonResponse({"error": _("Unknown kind of place.")}, status=400)
        places = selectors.places_search(city=self.city, q=q, kind=kind)
        return JsonResponse({"results": [place_as_json(p) for p in places]})


class PlaceGeocodeView(CityMixin, View):
    """An address search through the city's geocoder, for the location picker of signed-in
    people (the server asks the geocoder: see cities.geocoding). Errors come in the page's language."""

    def get(self, request, city_slug):
        if not request.user.is_authenticated:
            return JsonResponse({"error": _("Sign in to search an address.")}, status=403)
        if not geocoder_enabled(self.city):
            return JsonResponse({"error": _("This city has no address search.")}, status=404)
        q = " ".join(request.GET.get("q", "").split())
        if len(q) < 3:
            return JsonResponse({"error": _("Type at least three characters of the address.")}, status=400)
        kind = self.city.settings.primary_area_kind
        try:
            results = geocode(
                city=self.city,
                q=q,
                language=get_language(),
                bounds=selectors.area_bounds(city=self.city, kind=kind) if kind else None,
            )
        except GeocoderError as exc:
            return JsonResponse({"error": str(exc)}, status=502)
        return JsonResponse({"results": results})
