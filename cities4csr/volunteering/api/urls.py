"""The volunteering API: /api/v1/cities/<city>/volunteering/… (sign-up: activities, slots, teams,
registrations; attendance and hours below)."""

from django.urls import path

from . import views

urlpatterns = [
    path("activities/", views.ActivityListView.as_view(), name="volunteering-activity-list"),
    path("activities/<slug:slug>/", views.ActivityDetailView.as_view(), name="volunteering-activity-detail"),
    path(
        "activities/<slug:slug>/transition/",
        views.ActivityTransitionView.as_view(),
        name="volunteering-activity-transition",
    ),
    path("activities/<slug:slug>/slots/", views.ActivitySlotsView.as_view(), name="volunteering-activity-slots"),
    path("slots/<int:pk>/cancel/", views.SlotCancelView.as_view(), name="volunteering-slot-cancel"),
    path("slots/<int:pk>/registrations/", views.SlotSignUpView.as_view(), name="volunteering-slot-sign-up"),
    path("slots/<int:pk>/teams/", views.SlotTeamsView.as_view(), name="volunteering-slot-teams"),
    path("teams/join/", views.TeamJoinView.as_view(), name="volunteering-team-join"),
    path(
        "registrations/<int:pk>/withdraw/",
        views.RegistrationWithdrawView.as_view(),
        name="volunteering-registration-withdraw",
    ),
    path(
        "registrations/<int:pk>/review/",
        views.RegistrationReviewView.as_view(),
        name="volunteering-registration-review",
    ),
    # attendance and hours
    path("checkin/<str:token>/", views.CheckInView.as_view(), name="volunteering-check-in"),
    path("slots/<int:pk>/self-check-in/", views.SelfCheckInView.as_view(), name="volunteering-self-check-in"),
    path("registrations/<int:pk>/check-out/", views.CheckOutView.as_view(), name="volunteering-check-out"),
    path("hours/", views.HoursListView.as_view(), name="volunteering-hours-list"),
    path("hours/approve/", views.HoursApproveView.as_view(), name="volunteering-hours-approve"),
    path("hours/declare/", views.HoursDeclareView.as_view(), name="volunteering-hours-declare"),
    path("hours/<int:pk>/decline/", views.HoursDeclineView.as_view(), name="volunteering-hours-decline"),
    path("hours/<int:pk>/correct/", views.HoursCorrectView.as_view(), name="volunteering-hours-correct"),
]
