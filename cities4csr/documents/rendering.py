"""Agreement drafts as DOCX (python-docx) and PDF (WeasyPrint), both written from the same
``clauses.Document``: the clause source has the words, these writers only the layout, so the two
files hold the same clauses under the same headings in the same order.

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

from .clauses import DRAFTABLE, Document

HERE = Path(__file__).resolve().parent
PDF_CSS = HERE / "agreement.css"
#: bump when a clause's wording or the layout changes (stored with every draft)
TEMPLATE_VERSION = "2026.12.1"
__all__ = ["DRAFTABLE", "TEMPLATE_VERSION", "render_docx", "render_pdf", "pdf_unavailable_reason"]
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


def render_docx(document: Document) -> bytes:
    """The clauses as a Word file: the draft mark in the page header and at the top, the title,
    one "Heading 1" per clause, its paragraphs and bullets, the signature lines, the footer."""
    import datetime

    from docx import Document as Docx
    from docx.shared import Pt

    docx = Docx()
    props = docx.core_properties
    props.author = props.last_modified_by = "Cities4CSR"
    props.title = document.title
    props.created = props.modified = datetime.datetime(2000, 1, 1)
    props.revision = 1
    props.language = document.language
    section = docx.sections[0]
    section.header.paragraphs[0].text = document.mark
    section.footer.paragraphs[0].text = document.footer
    mark = docx.add_paragraph()
    run = mark.add_run(document.mark)
    run.bold = True
    docx.add_heading(document.title, level=0)
    for heading, clause in document.numbered():
        docx.add_heading(heading, level=1)
        for text in clause.paragraphs:
            docx.add_paragraph(text)
        for item in clause.items:
            docx.add_paragraph(item, style="List Bullet")
    for line in document.signatures:
        docx.add_paragraph(line)
        docx.add_paragraph("_" * 36)  # where the PDF draws its signature line
    footer = docx.add_paragraph().add_run(document.footer)
    footer.font.size = Pt(8)
    buffer = io.BytesIO()
    docx.save(buffer)
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


def render_pdf(document: Document) -> bytes:
    """The same clauses as an A4 PDF (documents/agreement.html, agreement.css)."""
    import weasyprint

    with translation.override(document.language):
        html = render_to_string("documents/agreement.html", {"document": document, "clauses": document.numbered()})
    with _fixed_time():
        return weasyprint.HTML(string=html, base_url=str(HERE)).write_pdf(
            stylesheets=[weasyprint.CSS(filename=str(PDF_CSS))]
        )
