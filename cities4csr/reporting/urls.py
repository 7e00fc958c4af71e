"""The company's sustainability statement, under /<lang>/<city>/workspace/company/statement/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.StatementView.as_view(), name="company_statement"),
    path("statement.pdf", views.StatementDownloadView.as_view(fmt="pdf"), name="company_statement_pdf"),
    path("statement.xlsx", views.StatementDownloadView.as_view(fmt="xlsx"), name="company_statement_xlsx"),
    path("statement.json", views.StatementDownloadView.as_view(fmt="json"), name="company_statement_json"),
    path("<int:pk>/costs/", views.ManagementCostView.as_view(), name="company_management_cost"),
    path(
        "<int:pk>/costs/<int:group_pk>/cancel/",
        views.ManagementCostCancelView.as_view(),
        name="company_management_cost_cancel",
    ),
]
