"""/<lang>/<city>/open-data/…: the open-data page, its files and the DCAT-AP catalogue."""

from django.urls import path

from . import dcat, views

urlpatterns = [
    path("", views.OpenDataView.as_view(), name="opendata_index"),
    path("360giving.json", views.GivingFileView.as_view(fmt="json"), name="opendata_giving_json"),
    path("360giving-csv.zip", views.GivingFileView.as_view(fmt="csv"), name="opendata_giving_csv"),
    path("360giving.xlsx", views.GivingFileView.as_view(fmt="xlsx"), name="opendata_giving_xlsx"),
    path("areas.geojson", views.AreasGeoJSONView.as_view(), name="opendata_areas"),
    path("results.json", views.ResultsJSONView.as_view(), name="opendata_results"),
    # one address per serialisation (Turtle, RDF/XML, JSON-LD), reversed by ``fmt``
    *[
        path(f"catalog.{fmt}", views.CatalogueView.as_view(), {"fmt": fmt}, name="opendata_catalogue")
        for fmt in dcat.SERIALISATIONS
    ],
]
