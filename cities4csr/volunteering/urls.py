"""Public pages of volunteering: /<lang>/<city>/volunteering/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="volunteering_list"),
    path("map/", views.ActivityMapView.as_view(), name="volunteering_map"),
    path("map.geojson", views.ActivityPointsView.as_view(), name="volunteering_points"),
    path("me/", views.MyVolunteeringView.as_view(), name="volunteering_me"),
    path("teams/<str:code>/", views.TeamJoinView.as_view(), name="volunteering_team"),
    path("registrations/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="volunteering_withdraw"),
    path("<slug:slug>/", views.ActivityDetailView.as_view(), name="volunteering_activity"),
    path("<slug:slug>/sign-up/", views.SignUpView.as_view(), name="volunteering_sign_up"),
    path("<slug:slug>/teams/", views.TeamOpenView.as_view(), name="volunteering_team_open"),
]
# vtime adds here, before "<slug:slug>/": path("me/certificate.pdf", …, name="volunteering_certificate")
# (the "my volunteering" page links to it once the name exists).
