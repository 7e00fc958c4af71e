"""The funds API: /api/v1/cities/<city>/funds/…"""

from __future__ import annotations

from django.urls import path

from . import pagopa, views

urlpatterns = []

# === Bank statements and reconciliation ===========================================================
urlpatterns += [
    path("<int:fund_pk>/statements/", views.FundStatementListView.as_view(), name="fund-statement-list"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("bank-lines/", views.BankLineListView.as_view(), name="bank-line-list"),
    path("bank-lines/<int:pk>/match/", views.BankLineMatchView.as_view(), name="bank-line-match"),
    path("bank-lines/<int:pk>/ignore/", views.BankLineIgnoreView.as_view(), name="bank-line-ignore"),
]

# --- funds, contributions, awards and payments (fundpages) ---

urlpatterns += [
    path("", views.FundListView.as_view(), name="fund-list"),
    path("contributions/", views.ContributionListView.as_view(), name="fund-contribution-list"),
    path(
        "contributions/by-token/<str:access_token>/",
        views.ContributionByTokenView.as_view(),
        name="fund-contribution-by-token",
    ),
    path(
        "contributions/<int:pk>/receive/",
        views.ContributionActionView.as_view(action="receive"),
        name="fund-contribution-receive",
    ),
    path(
        "contributions/<int:pk>/cancel/",
        views.ContributionActionView.as_view(action="cancel"),
        name="fund-contribution-cancel",
    ),
    path(
        "contributions/<int:pk>/refund/",
        views.ContributionActionView.as_view(action="refund"),
        name="fund-contribution-refund",
    ),
    path("awards/", views.AwardListView.as_view(), name="fund-award-list"),
    path("awards/<int:pk>/transition/", views.AwardTransitionView.as_view(), name="fund-award-transition"),
    path("awards/<int:pk>/disbursements/", views.DisbursementCreateView.as_view(), name="fund-award-disbursements"),
    path("pagopa/flows/", pagopa.PagopaFlowsView.as_view(), name="funds-pagopa-flows"),  # ADR 0028
    # receipts and gift statements (ADR 0032)
    path(
        "contributions/<int:pk>/receipt.pdf",
        views.ContributionReceiptAPIView.as_view(),
        name="contribution-receipt",
    ),
    path("gift-statement/", views.GiftStatementJSONView.as_view(), name="gift-statement"),
    path("gift-statement.pdf", views.GiftStatementPDFView.as_view(), name="gift-statement-pdf"),
    # a fund, after every fixed address
    path("<slug:slug>/", views.FundDetailView.as_view(), name="fund-detail"),
]

# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
urlpatterns += [
    path("<slug:slug>/ledger/", views.FundLedgerView.as_view(), name="fund-ledger"),
    path("<slug:slug>/ledger/totals/", views.FundLedgerTotalsView.as_view(), name="fund-ledger-totals"),
]
