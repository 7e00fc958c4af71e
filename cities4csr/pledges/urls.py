from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
    path("<int:pk>/transition/", views.PledgeTransitionView.as_view(), name="pledge_transition"),
    path("<int:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("evidence/<int:pk>/", views.EvidenceFileView.as_view(), name="evidence_file"),
    path("evidence/<int:pk>/replace/", views.EvidenceCorrectView.as_view(action="replace"), name="evidence_replace"),
    path("evidence/<int:pk>/withdraw/", views.EvidenceCorrectView.as_view(action="withdraw"), name="evidence_withdraw"),
    path(
        "<int:pk>/partners/<int:organisation_pk>/transition/",
        views.PartnershipTransitionView.as_view(),
        name="partnership_transition",
    ),
]
