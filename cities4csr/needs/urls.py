from django.urls import path

from cities4csr.pledges.views import PledgeCreateView

from . import views

urlpatterns = [
    path("", views.NeedCatalogueView.as_view(), name="need_catalogue"),
    path("new/", views.NeedCreateView.as_view(), name="need_create"),
    path("import/", views.NeedImportView.as_view(), name="need_import"),
    path("export.csv", views.NeedExportView.as_view(fmt="csv"), name="need_export_csv"),
    path("export.xlsx", views.NeedExportView.as_view(fmt="xlsx"), name="need_export_xlsx"),
    path("export.geojson", views.NeedExportView.as_view(fmt="geojson"), name="need_export_geojson"),
    path("<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("<int:pk>/edit/", views.NeedEditView.as_view(), name="need_edit"),
    path("<int:pk>/delete/", views.NeedDeleteView.as_view(), name="need_delete"),
    path("<int:pk>/lines/", views.NeedLineAddView.as_view(), name="need_line_add"),
    path("<int:pk>/lines/<int:line_pk>/", views.LineEditView.as_view(), name="need_line_edit"),
    path("<int:pk>/lines/<int:line_pk>/delete/", views.LineDeleteView.as_view(), name="need_line_delete"),
    path("<int:pk>/transition/", views.NeedTransitionView.as_view(), name="need_transition"),
    path("<int:pk>/pledge/", PledgeCreateView.as_view(), name="pledge_create"),
    path("<int:pk>/photo/", views.NeedPhotoView.as_view(), name="need_photo"),
]
