"""The results API: /api/v1/cities/<city>/results/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.IndicatorListView.as_view(), name="results-indicator-list"),
    path("indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="results-indicator-detail"),
    path("updates/", views.UpdateListView.as_view(), name="results-update-list"),
    path("updates/<int:pk>/", views.UpdateDetailView.as_view(), name="results-update-detail"),
    path("updates/<int:pk>/transition/", views.UpdateTransitionView.as_view(), name="results-update-transition"),
    path("tree/", views.TreeView.as_view(), name="results-tree"),
    path("needs/<int:pk>/timeline/", views.NeedTimelineView.as_view(), name="results-need-timeline"),
    path("actions/<int:number>/timeline/", views.ActionTimelineView.as_view(), name="results-action-timeline"),
]
