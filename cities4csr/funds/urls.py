"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path  # noqa: F401

urlpatterns = []

# --- fund pages, give form and the donor's page (fundpages) ---
from . import views  # noqa: E402

urlpatterns += [
    path("", views.FundListView.as_view(), name="fund_list"),
    path("contributions/<str:token>/", views.ContributionDetailView.as_view(), name="contribution_detail"),
    path("contributions/<str:token>/cancel/", views.ContributionCancelView.as_view(), name="contribution_cancel"),
    path("<slug:slug>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("<slug:slug>/give/", views.FundGiveView.as_view(), name="fund_give"),
]
