"""The workspace of volunteering: /<lang>/<city>/workspace/volunteering/… (hosts, the city's
officers, companies' representatives)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ManageListView.as_view(), name="volunteering_manage"),
    path("new/", views.ActivityCreateView.as_view(), name="volunteering_create"),
    path("hours/", views.HoursApprovalView.as_view(), name="volunteering_hours"),
    path("company/", views.CompanyDashboardView.as_view(), name="volunteering_company"),
    path("slots/<int:pk>/", views.ConsoleView.as_view(), name="volunteering_console"),
    path("slots/<int:pk>/check-in/", views.ConsoleCheckInView.as_view(), name="volunteering_console_check_in"),
    path("<slug:slug>/", views.ActivityEditView.as_view(), name="volunteering_edit"),
    path("<slug:slug>/slots/", views.SlotAddView.as_view(), name="volunteering_slot_add"),
    path("<slug:slug>/transition/", views.ActivityTransitionView.as_view(), name="volunteering_transition"),
]
