"""The funds API: /api/v1/cities/<city>/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------
from . import views as _receipt_api  # noqa: E402

urlpatterns += [
    path(
        "contributions/<int:pk>/receipt.pdf",
        _receipt_api.ContributionReceiptAPIView.as_view(),
        name="contribution-receipt",
    ),
    path("gift-statement/", _receipt_api.GiftStatementJSONView.as_view(), name="gift-statement"),
    path("gift-statement.pdf", _receipt_api.GiftStatementPDFView.as_view(), name="gift-statement-pdf"),
]
