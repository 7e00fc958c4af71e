"""The person's own pages, under /<lang>/accounts/data/ (beside allauth's account pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.AccountDataView.as_view(), name="account_data"),
    path("export.json", views.AccountExportView.as_view(), name="account_export"),
    path("name/", views.NameView.as_view(), name="account_name"),
    path("consent/", views.ConsentView.as_view(), name="account_consent"),
    path("erase/", views.AccountEraseView.as_view(), name="account_erase"),
    path("erased/", views.AccountErasedView.as_view(), name="account_erased"),
]
