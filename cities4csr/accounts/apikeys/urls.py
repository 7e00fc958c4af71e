from django.urls import path

from . import views

urlpatterns = [
    path("", views.ApiKeysView.as_view(), name="api_keys"),
    path("<int:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]
