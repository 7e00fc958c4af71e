"""The volunteering API: /api/v1/cities/<city>/volunteering/…"""

from django.urls import path

from . import views

# Attendance and hours (vtime)
vtime_api_urlpatterns = [
    path("checkin/<str:token>/", views.CheckInView.as_view(), name="volunteering-check-in"),
    path("slots/<int:pk>/self-check-in/", views.SelfCheckInView.as_view(), name="volunteering-self-check-in"),
    path("registrations/<int:pk>/check-out/", views.CheckOutView.as_view(), name="volunteering-check-out"),
    path("hours/", views.HoursListView.as_view(), name="volunteering-hours-list"),
    path("hours/approve/", views.HoursApproveView.as_view(), name="volunteering-hours-approve"),
    path("hours/declare/", views.HoursDeclareView.as_view(), name="volunteering-hours-declare"),
    path("hours/<int:pk>/decline/", views.HoursDeclineView.as_view(), name="volunteering-hours-decline"),
    path("hours/<int:pk>/correct/", views.HoursCorrectView.as_view(), name="volunteering-hours-correct"),
]

urlpatterns = [*vtime_api_urlpatterns]
