"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------
from . import views as _receipt_views  # noqa: E402

urlpatterns += [
    path(
        "contributions/<str:access_token>/receipt.pdf",
        _receipt_views.ContributionReceiptView.as_view(),
        name="contribution_receipt",
    ),
    path("statements/", _receipt_views.GiftStatementView.as_view(), name="gift_statements"),
    path("statements/statement.pdf", _receipt_views.GiftStatementView.as_view(pdf=True), name="gift_statement_pdf"),
]
