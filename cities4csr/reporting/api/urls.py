"""The statement API, under /api/v1/cities/<city>/organisations/<pk>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("statement/", views.StatementAPIView.as_view(), name="organisation-statement"),
    path("statement.pdf", views.StatementPDFView.as_view(), name="organisation-statement-pdf"),
    path("statement.xlsx", views.StatementXLSXView.as_view(), name="organisation-statement-xlsx"),
    path("management-costs/", views.ManagementCostListView.as_view(), name="organisation-management-costs"),
    path(
        "management-costs/<int:group_pk>/cancel/",
        views.ManagementCostCancelView.as_view(),
        name="organisation-management-cost-cancel",
    ),
]
