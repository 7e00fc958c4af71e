"""Public pages of volunteering: /<lang>/<city>/volunteering/… (the workspace's are in
``manage_urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="volunteering_list"),
    path("map/", views.ActivityMapView.as_view(), name="volunteering_map"),
    path("map.geojson", views.ActivityPointsView.as_view(), name="volunteering_points"),
    path("me/", views.MyVolunteeringView.as_view(), name="volunteering_me"),
    path("me/certificate.pdf", views.CertificateView.as_view(), name="volunteering_certificate"),
    path("teams/<str:code>/", views.TeamJoinView.as_view(), name="volunteering_team"),
    path("registrations/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="volunteering_withdraw"),
    # calendars and the host's check-in page open by a registration's or a feed's secret token
    path(
        "registrations/<str:token>.ics", views.RegistrationCalendarView.as_view(), name="volunteering_registration_ics"
    ),
    path("feeds/person/<str:token>.ics", views.PersonFeedView.as_view(), name="volunteering_person_feed"),
    path("feeds/company/<str:token>.ics", views.CompanyFeedView.as_view(), name="volunteering_company_feed"),
    path("checkin/<str:token>/", views.CheckInView.as_view(), name="volunteering_checkin"),
    path("<slug:slug>/", views.ActivityDetailView.as_view(), name="volunteering_activity"),
    path("<slug:slug>/sign-up/", views.SignUpView.as_view(), name="volunteering_sign_up"),
    path("<slug:slug>/teams/", views.TeamOpenView.as_view(), name="volunteering_team_open"),
]
