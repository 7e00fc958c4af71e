"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.FundListView.as_view(), name="fund_list"),
    path("contributions/<str:access_token>/", views.ContributionDetailView.as_view(), name="contribution_detail"),
    path(
        "contributions/<str:access_token>/cancel/", views.ContributionCancelView.as_view(), name="contribution_cancel"
    ),
    # card payments (ADR 0029)
    path(
        "contributions/<str:access_token>/pay-by-card/",
        views.ContributionPayByCardView.as_view(),
        name="contribution_pay_by_card",
    ),
    # receipts and gift statements (ADR 0032)
    path(
        "contributions/<str:access_token>/receipt.pdf",
        views.ContributionReceiptView.as_view(),
        name="contribution_receipt",
    ),
    path("statements/", views.GiftStatementView.as_view(), name="gift_statements"),
    path("statements/statement.pdf", views.GiftStatementView.as_view(pdf=True), name="gift_statement_pdf"),
    # a fund's pages, after every fixed address (a fund's short name could be "statements")
    path("<slug:slug>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("<slug:slug>/give/", views.FundGiveView.as_view(), name="fund_give"),
    # the public ledger of a fund (ADR 0030)
    path("<slug:slug>/ledger/", views.FundLedgerView.as_view(), name="fund_ledger"),
    path("<slug:slug>/ledger.csv", views.FundLedgerExportView.as_view(fmt="csv"), name="fund_ledger_csv"),
    path("<slug:slug>/ledger.json", views.FundLedgerExportView.as_view(fmt="json"), name="fund_ledger_json"),
]
