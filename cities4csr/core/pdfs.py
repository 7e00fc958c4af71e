"""Checking an uploaded PDF: it parses as a PDF, is not encrypted, and carries no active content.

A PDF can run JavaScript in a reader (``/JS``, ``/JavaScript``), start a program (``/Launch``),
act when opened or on an event (``/OpenAction``, ``/AA``) or send or fetch data (``/SubmitForm``,
``/ImportData``, ``/URI`` is left alone: a link). A receipt or an attendance list needs none of
it, so such a file is refused rather than cleaned: the uploader gets a message and can export the
document again ("print to PDF"). The check walks every object the file's cross-reference table
reaches (pypdf resolves compressed object streams and ``#xx`` escapes in names), and also looks
at the raw bytes, so that an object no table names is caught too.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: dictionary keys that make a PDF act by itself
ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/AA", "/OpenAction", "/SubmitForm", "/ImportData", "/RichMedia"}
#: action types (``/S``) that do the same
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/GoToE"}
#: the long ones in the raw bytes, in clear or with characters written as #xx (the short ones,
#: /JS and /AA, would turn up by chance in 10 MB of compressed data)
_RAW = re.compile(rb"/(JavaScript|Launch|OpenAction)(?![A-Za-z0-9])")
MAX_OBJECTS = 200_000  # a receipt has hundreds; more is refused as not a plain document


def pdf_check(file, *, field: str = "file") -> None:
    """Raise a ValidationError under ``field`` unless ``file`` is a readable, unencrypted PDF with
    no active content. The file is left at its start."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({field: ValidationError(message, code=code)})

    try:
        file.seek(0)
        active = _RAW.search(_normalise(file.read())) is not None
        file.seek(0)
        if not active:
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted:
                raise refuse(_("This PDF is protected by a password: upload it without protection."), "pdf_encrypted")
            active = _has_active_content(reader)
            len(reader.pages)  # the page tree parses
    except ValidationError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise refuse(_("This file is not a readable PDF."), "pdf_invalid") from None
    except Exception:  # noqa: BLE001 - a forged file can make a parser fail in many ways
        raise refuse(_("This file is not a readable PDF."), "pdf_invalid") from None
    finally:
        file.seek(0)
    if active:
        raise refuse(
            _(
                "This PDF contains scripts or automatic actions, which a document of evidence does not need: "
                "export or print it again as a plain PDF and upload that."
            ),
            "pdf_active_content",
        )


def _normalise(raw: bytes) -> bytes:
    """Names with #xx escapes written out (/J#61vaScript is /JavaScript)."""
    return re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _has_active_content(reader) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    count = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        count += 1
        if count > MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            if ACTIVE_KEYS & set(obj.keys()):
                return True
            if obj.get("/S") in ACTIVE_ACTIONS:
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False
