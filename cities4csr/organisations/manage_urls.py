"""The city administration's pages, under /<lang>/<city>/manage/ (only the city's admins)."""

from django.urls import path

from . import views

urlpatterns = [
    path("people/", views.CityPeopleView.as_view(), name="city_people"),
    path("people/roles/<int:pk>/", views.CityRoleWriteView.as_view(action="change"), name="city_role_change"),
    path(
        "people/roles/<int:pk>/deactivate/",
        views.CityRoleWriteView.as_view(action="deactivate"),
        name="city_role_deactivate",
    ),
    path(
        "people/roles/<int:pk>/reactivate/",
        views.CityRoleWriteView.as_view(action="reactivate"),
        name="city_role_reactivate",
    ),
]
