"""The city officers' pages of funds: /<lang>/<city>/workspace/officer/funds/…"""

from django.urls import path

from . import views

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
