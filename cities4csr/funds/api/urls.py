"""The funds API: /api/v1/cities/<city>/funds/…"""

from django.urls import path

from . import views

urlpatterns = []

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
urlpatterns += [
    path("<slug:slug>/ledger/", views.FundLedgerView.as_view(), name="fund-ledger"),
    path("<slug:slug>/ledger/totals/", views.FundLedgerTotalsView.as_view(), name="fund-ledger-totals"),
]
