from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
    path("<int:pk>/transition/", views.PledgeTransitionView.as_view(), name="pledge_transition"),
    path("<int:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path(
        "<int:pk>/partners/<int:organisation_pk>/transition/",
        views.PartnershipTransitionView.as_view(),
        name="partnership_transition",
    ),
]
