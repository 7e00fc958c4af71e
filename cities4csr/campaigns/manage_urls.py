"""The city officers' pages of campaigns: /<lang>/<city>/workspace/officer/campaigns/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.CampaignManageListView.as_view(), name="campaign_manage"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<slug:slug>/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("<slug:slug>/matchers/", views.MatcherAddView.as_view(), name="matcher_add"),
    path("<slug:slug>/matchers/<int:pk>/", views.MatcherEditView.as_view(), name="matcher_edit"),
    path("<slug:slug>/transition/", views.CampaignTransitionView.as_view(), name="campaign_transition"),
]
