from django.urls import path

from . import views

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("import/", views.OrganisationImportView.as_view(), name="organisation_import"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path("<int:pk>/sites/<int:site_pk>/", views.SiteEditView.as_view(), name="site_edit"),
    path("<int:pk>/members/", views.OrganisationMembersView.as_view(), name="organisation_members"),
]
