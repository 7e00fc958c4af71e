"""The location picker of the forms that place something on the map (a need, a company's site).

``picker_config`` is what the picker's script reads from the page (json_script): where to ask
for the neighbourhoods' outlines, for the neighbourhood of a point, for known places and for
addresses, and the city's base map. The server still resolves the area from the point posted.
"""

from __future__ import annotations

from functools import cached_property

from django.urls import reverse

from . import selectors
from .geocoding import geocoder_enabled


def picker_config(*, city) -> dict:
    policy = city.settings
    kind = policy.primary_area_kind
    slug = {"city_slug": city.slug}
    sources = sorted(
        {(row["attribution"], row["licence"]) for row in selectors.place_sources(city=city) if row["attribution"]}
    )
    return {
        "geojson": reverse("api:area-geojson", kwargs=slug) + f"?kind={kind}" if kind else "",
        "bounds": selectors.area_bounds(city=city, kind=kind) if kind else None,
        "locate": reverse("api:area-locate", kwargs=slug),
        "kind": kind,
        "places": reverse("place_search", kwargs=slug),
        "geocode": reverse("place_geocode", kwargs=slug) if geocoder_enabled(city) else "",
        "geocoderAttribution": policy.geocoder_attribution,
        "tileUrl": policy.map_tile_url,
        "tileAttribution": policy.map_tile_attribution,
        "placeSources": [f"{who} ({licence})" if licence else who for who, licence in sources],
    }


class LocationPickerFormMixin:
    """A form whose ``lat`` and ``lon`` are set on a map (includes/form.html draws them as the
    picker, the two inputs kept inside it for browsers without JavaScript)."""

    def init_location_picker(self, city) -> None:
        self._picker_city = city

    @cached_property
    def location_picker(self) -> dict | None:
        """The picker's configuration, read (a few queries) only when a template draws the form."""
        city = getattr(self, "_picker_city", None)
        return picker_config(city=city) if city is not None else None


class LocationPickerViewMixin:
    """For the views of forms with the picker: the city's tile host, and only it, may serve the
    picker's map images (as on the city's map page)."""

    def render_to_response(self, context, **response_kwargs):
        from .views import tile_image_source

        response = super().render_to_response(context, **response_kwargs)
        tile_source = tile_image_source(self.city.settings.map_tile_url)
        if tile_source:
            response._csp_update = {"img-src": [tile_source]}
        return response
