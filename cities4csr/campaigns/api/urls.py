"""The campaigns API: /api/v1/cities/<city>/campaigns/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign-list"),
    path("<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("<slug:slug>/matchers/", views.CampaignMatchersView.as_view(), name="campaign-matchers"),
    path("<slug:slug>/transition/", views.CampaignTransitionView.as_view(), name="campaign-transition"),
]
