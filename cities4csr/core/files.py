"""Stored files answered by a view, never by the web server's /media/ folder.

Each app has a small view that finds the file and asks its own rule whether the reader may open
it (a need's photo: whoever may see the need; delivery evidence: the city's officers, the
pledging organisation's members, the need owner's members and accepted partners; an agreement
draft: whoever may see the pledge); ``file_response`` then answers it the same way for all:

- the type from the file's extension, from a fixed list (anything else is a download of
  ``application/octet-stream``), ``X-Content-Type-Options: nosniff`` so a browser never guesses;
- ``Content-Disposition``: ``inline`` only for images and PDFs, which a browser shows without
  running anything; every other type is an ``attachment``; the name is the stored one, quoted
  as RFC 6266 says (Django's ``content_disposition_header``);
- ``Cache-Control: private`` unless the file is public (a published need's photo);
- with ``FILES_ACCEL_REDIRECT`` set (e.g. ``/protected-media/``) the body is left to nginx
  (``X-Accel-Redirect``), with ``FILES_SENDFILE`` to Apache or lighttpd (``X-Sendfile``): the
  view still checks the permission; the server only sends the bytes from an internal location
  that is not reachable from outside (docs/deployment.md).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

#: the types a stored file is answered with; the rest is application/octet-stream
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
#: shown in the browser: images and PDFs (no script runs in either); the rest is downloaded
INLINE = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}
IMAGES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def file_suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def is_image(name: str) -> bool:
    return file_suffix(name) in IMAGES


def is_pdf(name: str) -> bool:
    return file_suffix(name) == ".pdf"


def file_response(fieldfile, *, download: bool = False, public: bool = False, filename: str | None = None):
    """Answer a stored file (a ``FieldFile``) to a reader the caller has already allowed."""
    if not fieldfile or not fieldfile.name:
        raise Http404("No file")
    name = filename or PurePosixPath(fieldfile.name).name
    suffix = file_suffix(fieldfile.name)
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    as_attachment = download or suffix not in INLINE
    accel = getattr(settings, "FILES_ACCEL_REDIRECT", "")
    sendfile = getattr(settings, "FILES_SENDFILE", False)
    if accel or sendfile:
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404("No file")
        response = HttpResponse(content_type=content_type)
        if accel:
            response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(fieldfile.name)
        else:
            response["X-Sendfile"] = fieldfile.path
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError:
            raise Http404("No file") from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
