"""Pages of volunteering: /<lang>/<city>/volunteering/…"""

from django.urls import path

from . import views

# Attendance, calendars and the certificate (vtime): included by the lead beside the pages'
# own ``urlpatterns``, under the same "volunteering/" prefix.
vtime_urlpatterns = [
    path(
        "registrations/<str:token>.ics", views.RegistrationCalendarView.as_view(), name="volunteering_registration_ics"
    ),
    path("feeds/person/<str:token>.ics", views.PersonFeedView.as_view(), name="volunteering_person_feed"),
    path("feeds/company/<str:token>.ics", views.CompanyFeedView.as_view(), name="volunteering_company_feed"),
    path("checkin/<str:token>/", views.CheckInView.as_view(), name="volunteering_checkin"),
    path("me/certificate.pdf", views.CertificateView.as_view(), name="volunteering_certificate"),
]

urlpatterns = [*vtime_urlpatterns]
