from django.urls import path

from . import views

urlpatterns = [
    path("needs/<int:pk>/collective/", views.CollectiveActionLaunchView.as_view(), name="collective_action_launch"),
    path("invitations/<int:pk>/transition/", views.InvitationTransitionView.as_view(), name="invitation_transition"),
]
