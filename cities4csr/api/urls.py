"""/api/v1/: the versioned API. City-owned resources live under /api/v1/cities/<city>/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cities4csr.cities.api import views as city_api
from cities4csr.core.api import views as core_api
from cities4csr.organisations.api import views as organisation_api

app_name = "api"

city_patterns = [
    path("", city_api.CityDetailView.as_view(), name="city-detail"),
    path("areas/", city_api.AreaListView.as_view(), name="area-list"),
    path("areas.geojson", city_api.AreaGeoJSONView.as_view(), name="area-geojson"),
    path("areas/locate/", city_api.AreaLocateView.as_view(), name="area-locate"),
    path("indicators/", city_api.IndicatorListView.as_view(), name="indicator-list"),
    path("organisations/", organisation_api.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", organisation_api.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("organisations/<int:pk>/sites/", organisation_api.SiteCreateView.as_view(), name="organisation-sites"),
    path("audit/", core_api.AuditEventListView.as_view(), name="audit-list"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("cities/", city_api.CityListView.as_view(), name="city-list"),
    path("cities/<slug:city_slug>/", include(city_patterns)),
]
