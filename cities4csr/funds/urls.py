"""Public pages of city funds: /<lang>/<city>/funds/…"""

from django.urls import path

from . import views

urlpatterns = [
    # card payments (ADR 0029)
    path(
        "contributions/<str:access_token>/pay-by-card/",
        views.ContributionPayByCardView.as_view(),
        name="contribution_pay_by_card",
    ),
]
