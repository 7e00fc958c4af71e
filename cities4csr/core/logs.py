"""Every log line of a request carries its id (``request_id``).

The id is the request's ``X-Request-ID`` header when a proxy in front sets one (nginx's
``$request_id``) and it looks like an id, else a new random one. The response returns it in
``X-Request-ID``, so that a person reporting an error, the proxy's log, gunicorn's access log
(gunicorn.conf.py) and the application's lines can be matched. Outside a request (a task, a
command) the id is ``-``.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's, or ``-``) to every record."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True
