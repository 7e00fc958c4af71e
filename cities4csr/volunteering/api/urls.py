"""The volunteering API: /api/v1/cities/<city>/volunteering/… (sign-up: activities, slots, teams,
registrations; attendance and hours are appended below)."""

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
]
