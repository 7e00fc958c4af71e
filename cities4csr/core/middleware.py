"""The platform's own middleware: the sessions' idle timeout, the locale's without redirects
of API errors, and the anonymous visitors' page cache.

Sessions end after SESSION_IDLE_TIMEOUT minutes without a request (settings; 0: never).

The time of the last request is kept in the session, rewritten at most once a minute so that
a busy page does not write the session at every request. A signed-in person idle for longer is
logged out (the session is flushed) and the request goes on as an anonymous one: a page then
asks to log in again, the API answers as to anyone."""

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

LAST_SEEN = "_last_seen"
#: seconds: the last-seen time is rewritten at most this often
RESOLUTION = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0) * 60
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                messages.info(request, _("You were logged out after a time without activity. Please log in again."))
            elif last_seen is None or now - last_seen >= RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that an API 404 stays the API's JSON answer: Django's would redirect
    ``/api/`` to ``/en/api/`` when a page answers there (a city named "api"), an HTML page."""

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith("/api/"):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


class PublicPageCacheMiddleware:
    """Anonymous visitors' public pages, from the cache for PUBLIC_PAGE_CACHE_SECONDS (0: off).

    Most of a city's traffic is people who are not logged in reading the home page, the catalogue
    and needs: the same HTML for everyone. This middleware keeps that HTML, per address and
    language, for a few seconds (docs/adr/0024-public-page-cache.md). Only for the pages named in
    PUBLIC_PAGE_CACHE_VIEWS, only for GET and HEAD, only for a request without a session or
    messages cookie (someone logged in, or with a message to read, always gets a live page), and a
    page is kept only if answering it set no cookie (no CSRF token, no session): a form that posts
    is never served from the cache. Figures and states seen by visitors may thus be up to that many
    seconds old; a logged-in person's never are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if (
            key
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(getattr(request, "session", None), "modified", False)
            and not getattr(getattr(request, "_messages", None), "_queued_messages", None)  # one for the next page
        ):
            cache.set(key, (response.content, response["Content-Type"]), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)
        match = request.resolver_match
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or match is None
            or match.url_name not in settings.PUBLIC_PAGE_CACHE_VIEWS
            or request.user.is_authenticated
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
        ):
            return None
        digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
        request._public_page_key = f"public-page:{translation.get_language()}:{digest}"
        hit = cache.get(request._public_page_key)
        if hit is None:
            return None
        request._public_page_key = None  # already kept
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)


class IntegrityErrorMiddleware:
    """A page whose write the database refused (two people saving at once) says so in the reader's
    words and goes back to the page, instead of a server error naming a constraint. The API has
    its own answer (core.api.exceptions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import IntegrityError
        from django.http import HttpResponseRedirect

        from .constraints import from_integrity_error

        if not isinstance(exception, IntegrityError) or request.path.startswith("/api/"):
            return None
        for message in from_integrity_error(exception).messages:
            messages.error(request, message)
        return HttpResponseRedirect(request.get_full_path())
