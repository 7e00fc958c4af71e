"""Public pages of campaigns: /<lang>/<city>/campaigns/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("gifts/<str:token>/", views.CampaignGiftView.as_view(), name="campaign_gift"),
    path("<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<slug:slug>/preview/", views.CampaignPreviewView.as_view(), name="campaign_preview"),
    path("<slug:slug>/give/", views.CampaignGiveView.as_view(), name="campaign_give"),
]
