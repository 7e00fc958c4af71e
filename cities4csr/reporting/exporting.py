"""A statement as files (ADR 0036): JSON for programs (cents, codes and labels), XLSX for the CSR
team's spreadsheets (one sheet per table, amounts as numbers in the city's currency), PDF to file
with the report (WeasyPrint, from ``reporting/statement_pdf.html`` and ``statement.css``; the
machine's DejaVu fonts through fontconfig, nothing fetched), each in the reader's language.

The three are written from the same ``Statement``: the same rows in the same order, so the PDF's
and the spreadsheet's figures are the JSON's.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal, format_percent
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cities4csr.core.money import cents_to_euros, money_format
from cities4csr.core.tabular import safe_cell

from .statement import Indicator, Row, Statement

HERE = Path(__file__).resolve().parent
CSS = HERE / "statement.css"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _number(value, language: str) -> str:
    if value is None:
        return "–"
    return format_decimal(Decimal(value), format="#,##0.####", locale=language)


def _plain(value: Decimal | None):
    """A Decimal as a JSON number (an integer when it is whole)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


def filename(statement: Statement, ext: str) -> str:
    return f"statement-{statement.city_slug}-{statement.organisation_id}-{statement.since:%Y%m%d}-{statement.until:%Y%m%d}.{ext}"


# --- JSON ------------------------------------------------------------------------------------


def _row(row: Row, code: str, *, with_hours: bool = True, by_how: bool = True) -> dict:
    data = {code: row.code, "label": row.label, "value_cents": row.value_cents}
    if with_hours:
        data["hours"] = float(hours(row.minutes))
    if by_how:
        data["by_how_cents"] = dict(row.by_how)
    return data


def _indicator(i: Indicator) -> dict:
    return {
        "need_id": i.need_id,
        "need": i.need,
        "indicator": i.name,
        "unit": i.unit,
        "baseline": _plain(i.baseline),
        "baseline_on": i.baseline_on.isoformat(),
        "target": _plain(i.target),
        "target_on": i.target_on.isoformat(),
        "latest": _plain(i.latest),
        "latest_on": i.latest_on.isoformat() if i.latest_on else None,
        "progress": round(i.progress, 4),
        "counts_people": i.counts_people,
        "url": i.url,
        "evidence_url": i.evidence_url,
    }


def statement_data(s: Statement) -> dict:
    """The statement as the API's JSON: cents as integers, codes beside their labels."""
    return {
        "organisation": {"id": s.organisation_id, "name": s.organisation},
        "city": s.city,
        "currency": s.currency,
        "language": s.language,
        "from": s.since.isoformat(),
        "to": s.until.isoformat(),
        "issued_on": s.issued_on.isoformat(),
        "total_cents": s.total_cents,
        "b4si": {
            "inputs": [_row(r, "how", by_how=False) for r in s.inputs],
            "by_resource": [_row(r, "resource_kind", by_how=False) for r in s.by_resource],
            "by_motivation": [_row(r, "motivation") for r in s.by_motivation],
            "by_theme": [_row(r, "theme", with_hours=False) for r in s.by_theme],
            "by_area": [_row(r, "area_code") for r in s.by_area],
            "leverage": {"matches_cents": s.leverage_cents},
            "outputs": {
                "hours": float(hours(s.hours_minutes)),
                "pro_bono_hours": float(hours(s.expertise_minutes)),
                "people_reached": _plain(s.people_reached),
                "organisations_supported": len(s.organisations_supported),
                "needs_supported": len(s.needs_supported),
                "organisations": [
                    {"id": int(r.code), "name": r.label, "url": r.url} for r in s.organisations_supported
                ],
            },
            "impacts": [_indicator(i) for i in s.impacts],
        },
        "esrs_s3": {
            "s3_2_engagement": [
                {
                    "kind": e.kind,
                    "kind_label": e.kind_label,
                    "title": e.title,
                    "on": e.on.isoformat() if e.on else None,
                    "detail": e.detail,
                    "evidence_url": e.url,
                }
                for e in s.s3_2
            ],
            "s3_4_actions": [
                {
                    "need_id": int(r.code),
                    "need": r.label,
                    "area_code": r.by_how.get("area", ""),
                    "value_cents": r.value_cents,
                    "hours": float(hours(r.minutes)),
                    "results": [_indicator(i) for i in s.impacts if i.need_id == int(r.code)],
                    "evidence_url": r.url,
                }
                for r in s.s3_4
            ],
            "s3_5_targets": [_indicator(i) for i in s.s3_5],
        },
        "gri_413_1": {
            "sites": [{"site": x.label, "areas": x.areas, "engaged": x.engaged} for x in s.sites],
            "sites_total": len(s.sites),
            "sites_engaged": s.sites_engaged,
            "share": round(s.sites_share, 4) if s.sites_share is not None else None,
        },
    }


# --- what the tables hold, in the reader's words (XLSX and PDF) --------------------------------


def tables(s: Statement) -> list[dict]:
    """The statement's tables as (title, header, rows, total row, kinds of columns), the same for
    the spreadsheet and the PDF. Kinds: "text", "money" (cents), "hours" (minutes), "number",
    "date", "url", "percent"."""
    hows = [r.code for r in s.inputs]
    how_names = [s.hows[h] for h in hows]
    by_how = ["money"] * len(hows)
    out = [
        {
            "key": "inputs",
            "title": _("B4SI inputs: how"),
            "header": [_("Input"), _("Value"), _("Hours")],
            "kinds": ["text", "money", "hours"],
            "rows": [[r.label, r.value_cents, r.minutes] for r in s.inputs],
            "total": [_("Total"), s.total_cents, sum(r.minutes for r in s.inputs)],
        },
        {
            "key": "resources",
            "title": _("Inputs by resource"),
            "header": [_("Resource"), _("Value"), _("Hours")],
            "kinds": ["text", "money", "hours"],
            "rows": [[r.label, r.value_cents, r.minutes] for r in s.by_resource],
            "total": [_("Total"), s.total_cents, sum(r.minutes for r in s.by_resource)],
        },
        {
            "key": "motivation",
            "title": _("By motivation: why"),
            "header": [_("Motivation"), *how_names, _("Total")],
            "kinds": ["text", *by_how, "money"],
            "rows": [[r.label, *(r.by_how.get(h, 0) for h in hows), r.value_cents] for r in s.by_motivation],
            "total": [_("Total"), *(sum(r.by_how.get(h, 0) for r in s.by_motivation) for h in hows), s.total_cents],
        },
        {
            "key": "themes",
            "title": _("By theme: what"),
            "header": [_("Theme"), *how_names, _("Total")],
            "kinds": ["text", *by_how, "money"],
            "rows": [[r.label, *(r.by_how.get(h, 0) for h in hows), r.value_cents] for r in s.by_theme],
            "total": [_("Total"), *(sum(r.by_how.get(h, 0) for r in s.by_theme) for h in hows), s.total_cents],
        },
        {
            "key": "areas",
            "title": _("By area: where"),
            "header": [_("Area"), *how_names, _("Total"), _("Hours")],
            "kinds": ["text", *by_how, "money", "hours"],
            "rows": [[r.label, *(r.by_how.get(h, 0) for h in hows), r.value_cents, r.minutes] for r in s.by_area],
            "total": [
                _("Total"),
                *(sum(r.by_how.get(h, 0) for r in s.by_area) for h in hows),
                s.total_cents,
                sum(r.minutes for r in s.by_area),
            ],
        },
        {
            "key": "outputs",
            "title": _("Leverage and outputs"),
            "header": [_("Figure"), _("Value")],
            "kinds": ["text", "any"],
            "rows": [
                [_("Leverage: matches others added to its gifts"), ("money", s.leverage_cents)],
                [_("Hours given (time and pro-bono expertise)"), ("hours", s.hours_minutes)],
                [_("Of which pro-bono expertise"), ("hours", s.expertise_minutes)],
                [_("People reached by the needs it supported"), ("number", s.people_reached)],
                [_("Organisations supported"), ("number", len(s.organisations_supported))],
                [_("Needs supported"), ("number", len(s.needs_supported))],
            ],
            "total": None,
        },
        {
            "key": "s3_2",
            "title": _("ESRS S3-2: engagement with affected communities"),
            "header": [_("Kind"), _("What"), _("Date"), _("Detail"), _("Evidence")],
            "kinds": ["text", "text", "date", "text", "url"],
            "rows": [[e.kind_label, e.title, e.on, e.detail, e.url] for e in s.s3_2],
            "total": None,
        },
        {
            "key": "s3_4",
            "title": _("ESRS S3-4: actions and their effectiveness"),
            "header": [_("Need"), _("Area"), _("Resources given"), _("Hours"), _("Results"), _("Evidence")],
            "kinds": ["text", "text", "money", "hours", "text", "url"],
            "rows": [
                [r.label, r.by_how.get("area", ""), r.value_cents, r.minutes, _results(s, int(r.code)), r.url]
                for r in s.s3_4
            ],
            "total": None,
        },
        {
            "key": "s3_5",
            "title": _("ESRS S3-5: targets"),
            "header": [
                _("Need"),
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Baseline date"),
                _("Target"),
                _("Target date"),
                _("Latest approved value"),
                _("Measured on"),
                _("Progress"),
                _("Evidence"),
            ],
            "kinds": ["text", "text", "text", "number", "date", "number", "date", "number", "date", "percent", "url"],
            "rows": [
                [
                    i.need,
                    i.name,
                    i.unit,
                    i.baseline,
                    i.baseline_on,
                    i.target,
                    i.target_on,
                    i.latest,
                    i.latest_on,
                    i.progress,
                    i.evidence_url,
                ]
                for i in s.s3_5
            ],
            "total": None,
        },
        {
            "key": "gri",
            "title": _("GRI 413-1: sites with community engagement"),
            "header": [_("Site"), _("Area"), _("Its contributions reached this area")],
            "kinds": ["text", "text", "text"],
            "rows": [[x.label, x.areas, _("yes") if x.engaged else _("no")] for x in s.sites],
            "total": [_("Share of its sites"), "", _share(s)],
        },
    ]
    return out


def _results(s: Statement, need_id: int) -> str:
    items = [i for i in s.impacts if i.need_id == need_id]
    if not items:
        return _("No indicator yet")
    parts = []
    for i in items:
        latest = _number(i.latest, s.language) if i.latest is not None else _("not measured yet")
        parts.append(f"{i.name}: {latest} / {_number(i.target, s.language)} {i.unit}".strip())
    return "; ".join(parts)


def _share(s: Statement) -> str:
    if s.sites_share is None:
        return _("No site recorded")
    return f"{format_percent(s.sites_share, locale=s.language)} ({s.sites_engaged} / {len(s.sites)})"


def cell_text(kind: str, value, s: Statement) -> str:
    """A cell as the PDF and the page show it, in the reader's language."""
    if isinstance(value, tuple):
        kind, value = value
    if value is None or value == "":
        return "–" if kind in ("number", "date", "money", "hours") else ""
    if kind == "money":
        return money_format(value, locale=s.language, currency=s.currency)
    if kind == "hours":
        return format_decimal(hours(value), format="#,##0.##", locale=s.language)
    if kind == "number":
        return _number(value, s.language)
    if kind == "date":
        return date_format(value, "DATE_FORMAT")
    if kind == "percent":
        return format_percent(value, locale=s.language)
    return str(value)


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_value(kind: str, value):
    if isinstance(value, tuple):
        kind, value = value
    if value is None:
        return None
    if kind == "money":
        return cents_to_euros(value)
    if kind == "hours":
        return hours(value)
    if kind == "number":
        return Decimal(value)
    if kind in ("text", "url", "any"):
        return safe_cell(str(value))
    return value


def statement_xlsx(s: Statement) -> bytes:
    """One sheet per table, a summary first; amounts in the city's currency as numbers (two
    decimals), hours as numbers, dates as dates, in the statement's language."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    with translation.override(s.language):
        workbook = Workbook(write_only=True)
        bold = Font(bold=True)
        summary = workbook.create_sheet(_sheet_name(_("Statement")))
        for label, value in (
            (_("Company"), s.organisation),
            (_("City"), s.city),
            (_("From"), s.since),
            (_("To"), s.until),
            (_("Currency"), s.currency),
            (_("Issued on"), s.issued_on),
            (_("Total given"), cents_to_euros(s.total_cents)),
        ):
            summary.append([safe_cell(label), safe_cell(value) if isinstance(value, str) else value])
        summary.append([])
        summary.append(
            [
                safe_cell(
                    _(
                        "Figures read from the city's contributions ledger; time and in-kind valued at cost to the company."
                    )
                )
            ]
        )
        for table in tables(s):
            sheet = workbook.create_sheet(_sheet_name(table["title"]))
            sheet.append([_bold(sheet, safe_cell(h), bold, WriteOnlyCell) for h in table["header"]])
            for row in table["rows"]:
                sheet.append([_xlsx_value(k, v) for k, v in zip(table["kinds"], row, strict=True)])
            if table["total"]:
                sheet.append(
                    [
                        _bold(sheet, _xlsx_value(k, v) if v != "" else None, bold, WriteOnlyCell)
                        for k, v in zip(table["kinds"], table["total"], strict=True)
                    ]
                )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _bold(sheet, value, font, cell_class):
    cell = cell_class(sheet, value=value)
    cell.font = font
    return cell


def _sheet_name(title: str) -> str:
    """A sheet's name: at most 31 characters, none of []:*?/\\."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title.split(" (")[0][:31].strip()


# --- PDF -------------------------------------------------------------------------------------


def _css_class(kind: str, value=None) -> str:
    if isinstance(value, tuple):
        kind = value[0]
    return "num" if kind in ("money", "hours", "number", "percent") else ("url" if kind == "url" else "")


def statement_pdf(s: Statement) -> bytes:
    import weasyprint

    with translation.override(s.language):
        rendered = [
            {
                "title": t["title"],
                "key": t["key"],
                "header": list(zip(t["header"], [_css_class(k) for k in t["kinds"]], strict=True)),
                "kinds": t["kinds"],
                "rows": [
                    [(cell_text(k, v, s), _css_class(k, v)) for k, v in zip(t["kinds"], row, strict=True)]
                    for row in t["rows"]
                ],
                "total": [(cell_text(k, v, s), _css_class(k, v)) for k, v in zip(t["kinds"], t["total"], strict=True)]
                if t["total"]
                else None,
            }
            for t in tables(s)
        ]
        html = render_to_string(
            "reporting/statement_pdf.html",
            {
                "s": s,
                "tables": rendered,
                "total": money_format(s.total_cents, locale=s.language, currency=s.currency),
                "since": date_format(s.since, "DATE_FORMAT"),
                "until": date_format(s.until, "DATE_FORMAT"),
                "issued_on": date_format(s.issued_on, "DATE_FORMAT"),
            },
        )
    return weasyprint.HTML(string=html, base_url=str(HERE)).write_pdf(stylesheets=[weasyprint.CSS(filename=str(CSS))])
