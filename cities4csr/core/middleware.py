"""Sessions end after SESSION_IDLE_TIMEOUT minutes without a request (settings; 0: never).

The time of the last request is kept in the session, rewritten at most once a minute so that
a busy page does not write the session at every request. A signed-in person idle for longer is
logged out (the session is flushed) and the request goes on as an anonymous one: a page then
asks to log in again, the API answers as to anyone."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
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
