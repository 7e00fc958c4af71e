"""The city officers' pages of funds: /<lang>/<city>/workspace/officer/funds/…"""

from __future__ import annotations

from django.urls import path

from . import pagopa_views, views

urlpatterns = []

# === Bank statements and reconciliation ===========================================================
urlpatterns += [
    path("<int:fund_pk>/statements/", views.FundStatementsView.as_view(), name="fund_statements"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/progress/", views.StatementProgressView.as_view(), name="statement_progress"),
    path("bank-lines/", views.BankLineQueueView.as_view(), name="bank_line_queue"),
    path("bank-lines/<int:pk>/match/", views.BankLineActionView.as_view(action="match"), name="bank_line_match"),
    path("bank-lines/<int:pk>/ignore/", views.BankLineActionView.as_view(action="ignore"), name="bank_line_ignore"),
]

# --- the officers' workspace of funds (fundpages) ---

urlpatterns += [
    path("", views.OfficerFundsView.as_view(), name="officer_funds"),
    path("new/", views.OfficerFundFormView.as_view(), name="officer_fund_create"),
    path("purposes/", views.OfficerPurposesView.as_view(), name="officer_fund_purposes"),
    path("contributions/", views.OfficerContributionsView.as_view(), name="officer_contributions"),
    path("contributions/new/", views.OfficerContributionRecordView.as_view(), name="officer_contribution_record"),
    path("contributions/<int:pk>/", views.OfficerContributionView.as_view(), name="officer_contribution"),
    path(
        "contributions/<int:pk>/receive/",
        views.OfficerContributionReceiveView.as_view(),
        name="officer_contribution_receive",
    ),
    path(
        "contributions/<int:pk>/cancel/",
        views.OfficerContributionCancelView.as_view(),
        name="officer_contribution_cancel",
    ),
    path(
        "contributions/<int:pk>/refund/",
        views.OfficerContributionRefundView.as_view(),
        name="officer_contribution_refund",
    ),
    path(
        "contributions/<int:pk>/evidence/",
        views.OfficerContributionEvidenceView.as_view(),
        name="officer_contribution_evidence",
    ),
    path("awards/", views.OfficerAwardsView.as_view(), name="officer_awards"),
    path("awards/new/", views.OfficerAwardCreateView.as_view(), name="officer_award_create"),
    path("awards/<int:pk>/", views.OfficerAwardView.as_view(), name="officer_award"),
    path("awards/<int:pk>/transition/", views.OfficerAwardTransitionView.as_view(), name="officer_award_transition"),
    path(
        "awards/<int:pk>/disbursements/",
        views.OfficerDisbursementAddView.as_view(),
        name="officer_disbursement_add",
    ),
    path(
        "disbursements/<int:pk>/receipt/",
        views.OfficerDisbursementReceiptView.as_view(),
        name="officer_disbursement_receipt",
    ),
    path("<int:pk>/", views.OfficerFundFormView.as_view(), name="officer_fund_edit"),
    path("<int:pk>/state/", views.OfficerFundTransitionView.as_view(), name="officer_fund_transition"),
    path("<int:pk>/earmarks/", views.OfficerEarmarkAddView.as_view(), name="officer_earmark_add"),
]

# --- pagoPA reporting flows (ADR 0028) ---

urlpatterns += [
    path("pagopa/", pagopa_views.PagopaReportImportView.as_view(), name="funds_pagopa_import"),
    # receipts (ADR 0032)
    path(
        "contributions/<int:pk>/receipt.pdf",
        views.OfficerContributionReceiptView.as_view(),
        name="officer_contribution_receipt",
    ),
]
