"""The city's dashboard: /<lang>/<city>/dashboard/ (included from web/urls.py)."""

from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard.csv", views.DashboardExportView.as_view(fmt="csv"), name="dashboard_csv"),
    path("dashboard.xlsx", views.DashboardExportView.as_view(fmt="xlsx"), name="dashboard_xlsx"),
]
