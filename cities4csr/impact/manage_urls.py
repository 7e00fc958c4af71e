"""The workspace of results: /<lang>/<city>/workspace/results/… (officers, the needs' owners)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.WorkspaceView.as_view(), name="results_workspace"),
    path("review/", views.ReviewView.as_view(), name="results_review"),
    path("indicators/new/", views.IndicatorFormView.as_view(), name="results_indicator_create"),
    path("indicators/<int:pk>/", views.IndicatorFormView.as_view(), name="results_indicator_edit"),
    path("indicators/<int:pk>/updates/new/", views.UpdateFormView.as_view(), name="results_update_create"),
    path("updates/<int:update_pk>/", views.UpdateFormView.as_view(), name="results_update_edit"),
    path("updates/<int:pk>/transition/", views.UpdateTransitionView.as_view(), name="results_update_transition"),
]
