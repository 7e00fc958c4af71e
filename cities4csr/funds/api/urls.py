"""The funds API: /api/v1/cities/<city>/funds/…"""

from django.urls import path

from . import views

urlpatterns = []

# === Bank statements and reconciliation ===========================================================
urlpatterns += [
    path("<int:fund_pk>/statements/", views.FundStatementListView.as_view(), name="fund-statement-list"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("bank-lines/", views.BankLineListView.as_view(), name="bank-line-list"),
    path("bank-lines/<int:pk>/match/", views.BankLineMatchView.as_view(), name="bank-line-match"),
    path("bank-lines/<int:pk>/ignore/", views.BankLineIgnoreView.as_view(), name="bank-line-ignore"),
]
