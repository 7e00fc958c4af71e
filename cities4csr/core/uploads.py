"""An uploaded file is what its name says, by its content, not only by its extension: an image
is opened safely (``core.images.image_check``), a PDF starts as a PDF does, an office document
is a ZIP package with its manifest, a CSV is text. A script renamed ``photo.png`` or
``receipt.pdf`` is refused. ``upload_clean`` goes further for what is kept: an image is saved
again without its metadata (``core.images.image_clean``: no GPS position), a PDF must parse and
carry no script or automatic action (``core.pdfs.pdf_check``)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .images import MAX_BYTES as MAX_IMAGE_BYTES
from .images import image_check, image_clean
from .pdfs import pdf_check

IMAGES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
PACKAGES = {".xlsx": "[Content_Types].xml", ".docx": "[Content_Types].xml", ".ods": "mimetype", ".odt": "mimetype"}


def upload_check(file, *, field: str = "file") -> None:
    """Raise a ValidationError under ``field`` unless the content matches the file's extension.
    The file is left at its start."""
    suffix = Path(file.name).suffix.lower()
    if suffix in IMAGES:
        image_check(file, field=field)
        return
    try:
        file.seek(0)
        head = file.read(2048)
        if suffix == ".pdf":
            ok = head.startswith(b"%PDF-")
        elif suffix in PACKAGES:
            file.seek(0)
            with zipfile.ZipFile(file) as package:
                ok = PACKAGES[suffix] in package.namelist()
        elif suffix == ".csv":
            ok = b"\x00" not in head and _is_text(head)
        else:
            ok = True
    except (zipfile.BadZipFile, OSError, EOFError):
        ok = False
    finally:
        file.seek(0)
    if not ok:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This file is not a real %(type)s: its content does not match its name.")
                    % {"type": suffix.lstrip(".").upper()},
                    code="content_mismatch",
                )
            }
        )


#: an uploaded file, any kind: 10 MB
MAX_BYTES = 10 * 1024 * 1024
assert MAX_IMAGE_BYTES <= MAX_BYTES


def upload_clean(file, *, field: str = "file", max_bytes: int = MAX_BYTES):
    """``upload_check``, the size limit, and then what is stored: an image re-encoded without
    metadata, a PDF checked for active content; other files as they are. Returns the file to save."""
    if file.size > max_bytes:
        raise ValidationError(
            {
                field: ValidationError(
                    _("The file is too large: at most %(megabytes)d MB.") % {"megabytes": max_bytes // (1024 * 1024)},
                    code="file_too_large",
                )
            }
        )
    upload_check(file, field=field)
    suffix = Path(file.name).suffix.lower()
    if suffix in IMAGES:
        return image_clean(file, field=field)
    if suffix == ".pdf":
        pdf_check(file, field=field)
    return file


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sample is fine
        return exc.start >= len(head) - 3
    return True
