from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cities4csr.web.views import healthz, root_redirect

urlpatterns = [
    path("", root_redirect),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cities4csr.api.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("cities4csr.web.urls")),
)
