"""/api/v1/cities/<city>/open-data/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DatasetListView.as_view(), name="opendata-dataset-list"),
    path("360giving/", views.GivingPackageView.as_view(), name="opendata-360giving"),
    path("areas.geojson", views.AreasGeoJSONView.as_view(), name="opendata-areas"),
    path("results/", views.ResultListView.as_view(), name="opendata-results"),
]
