from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cities4csr.core.health import healthz
from cities4csr.web.views import root_redirect, security_txt

urlpatterns = [
    path("", root_redirect),
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cities4csr.api.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/data/", include("cities4csr.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("cities4csr.web.urls")),
)

# Under /api/ every error is JSON, elsewhere Django's pages (cities4csr.core.api.errors).
handler400 = "cities4csr.core.api.errors.bad_request"
handler403 = "cities4csr.core.api.errors.permission_denied"
handler404 = "cities4csr.core.api.errors.page_not_found"
handler500 = "cities4csr.core.api.errors.server_error"
