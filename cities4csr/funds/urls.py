"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path

from . import views

urlpatterns = []

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
urlpatterns += [
    path("<slug:slug>/ledger/", views.FundLedgerView.as_view(), name="fund_ledger"),
    path("<slug:slug>/ledger.csv", views.FundLedgerExportView.as_view(fmt="csv"), name="fund_ledger_csv"),
    path("<slug:slug>/ledger.json", views.FundLedgerExportView.as_view(fmt="json"), name="fund_ledger_json"),
]
