"""Agreement drafts as DOCX (docxtpl, from the Word templates in docx/) and PDF (WeasyPrint).

Reproducible: the same inputs give byte-identical files, so the SHA-256 stored with a draft
identifies it. DOCX zip entries get a fixed date; PDFs carry no creation date and their font
subsets are stamped with a fixed time (SOURCE_DATE_EPOCH, honoured by fontTools).
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from cities4csr.instruments.advisor import ITALIAN_INSTRUMENTS

DOCX_DIR = Path(__file__).resolve().parent / "docx"
PDF_CSS = Path(__file__).resolve().parent / "agreement.css"
#: bump when a template's wording changes (scripts/build_agreement_templates.py writes them)
TEMPLATE_VERSION = "2026.11.1"
#: instruments with an agreement template
DRAFTABLE = (*ITALIAN_INSTRUMENTS, "mecenat")
FIXED_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
FIXED_EPOCH = "946684800"  # 2000-01-01


def normalize_zip(data: bytes) -> bytes:
    """The same zip with fixed entry dates and attributes (order kept: [Content_Types].xml first)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(instrument: str, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(DOCX_DIR / f"{instrument}.docx"))
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalize_zip(buffer.getvalue())


def pdf_unavailable_reason() -> str:
    """Empty when WeasyPrint (and the pango library it needs) can be loaded; why not otherwise."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: libpango missing
        return f"{type(exc).__name__}: {exc}"
    return ""


@contextlib.contextmanager
def _fixed_time():
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def render_pdf(context: dict, language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string("documents/agreement.html", context)
    with _fixed_time():
        return weasyprint.HTML(string=html, base_url=str(DOCX_DIR)).write_pdf(
            stylesheets=[weasyprint.CSS(filename=str(PDF_CSS))]
        )
