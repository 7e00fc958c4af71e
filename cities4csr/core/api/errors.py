"""The error pages of the API: under /api/ every error is JSON, as DRF's own are.

DRF answers its views' errors (400, 403, 404, 405, 429) in JSON; what reaches Django's error
handlers instead (an unknown URL under /api/, an exception no handler knows: a 500) would be an
HTML page. config/urls.py routes Django's handlers here: under /api/ they answer
``{"detail": ..., "code": ...}`` with the status; elsewhere Django's own pages (templates/404.html
and 403.html), unchanged. A 500 says nothing of the exception."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(400, "bad_request", _("Bad request."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(403, "permission_denied", _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(500, "server_error", _("A server error occurred. It has been logged; please try again later."))
    return defaults.server_error(request)
