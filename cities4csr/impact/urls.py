"""Public results: /<lang>/<city>/results/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ResultsView.as_view(), name="results"),
    path("map.geojson", views.ResultsPointsView.as_view(), name="results_points"),
    path("actions/<int:number>/", views.ActionResultsView.as_view(), name="results_action"),
    path("needs/<int:pk>/", views.NeedResultsView.as_view(), name="results_need"),
    path("evidence/<int:pk>/", views.EvidenceFileView.as_view(), name="results_evidence"),
]
