"""The city officers' pages of funds: /<lang>/<city>/workspace/officer/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------
from . import views as _receipt_views  # noqa: E402

urlpatterns += [
    path(
        "contributions/<int:pk>/receipt.pdf",
        _receipt_views.OfficerContributionReceiptView.as_view(),
        name="officer_contribution_receipt",
    ),
]
