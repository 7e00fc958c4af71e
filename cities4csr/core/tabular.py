"""Reading uploaded tables (CSV or XLSX) for the importers, and the report they give back.

One place for what every import shares: the size limit, telling CSV from XLSX, decoding, the
header check (case-insensitive, exact names) and the row numbers people see in their
spreadsheet (the header is row 1). Every cell comes back as a stripped string, whatever the
format, so that the importers validate one kind of input; an XLSX cell that holds a number
also keeps that number (``Row.numbers``), so that an amount is read exactly rather than from
its text (docs/adr/0009-money-input.md).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
LIST_SEPARATOR = ";"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value):
    """A cell for an exported table: text a spreadsheet would run as a formula is quoted, control
    characters are dropped (CSV injection)."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_bytes(header, rows) -> bytes:
    """A CSV file people open in a spreadsheet: UTF-8 with a BOM, every cell through ``safe_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


class TabularError(Exception):
    """The file as a whole cannot be read; the message says why, for people."""


@dataclass
class Row:
    number: int  # as in the spreadsheet: the header is row 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    #: the numeric cells of an XLSX row, as the spreadsheet holds them (int or float)
    numbers: dict[str, int | float] = field(default_factory=dict)


@dataclass
class Table:
    columns: list[str]  # the header's columns, normalised, in the file's order
    rows: list[Row]


def read_table(file, *, columns, required=(), max_bytes: int = MAX_BYTES) -> Table:
    """Read ``file`` (an upload, a file object or bytes) as a table with the given ``columns``.

    ``required`` columns must be in the header, the others may be left out; a column not in
    ``columns`` is refused. Raises TabularError with one clear message for anything that
    makes the whole file unusable.
    """
    name = str(getattr(file, "name", "") or "").lower()
    data = _read_bytes(file, max_bytes)
    if not data.strip():
        raise TabularError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise TabularError(_("Old Excel files (.xls) are not supported: save the file as .xlsx or as CSV (UTF-8)."))
    is_xlsx = data.startswith(_ZIP_MAGIC) or name.endswith(".xlsx")
    records = _xlsx_records(data) if is_xlsx else _csv_records(data)
    return _table(records, columns=list(columns), required=list(required))


def split_list(value: str) -> list[str]:
    """'a; b;;c' -> ['a', 'b', 'c'] (themes, SDG codes…)."""
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _read_bytes(file, max_bytes: int) -> bytes:
    too_large = TabularError(
        _("The file is too large: the limit is %(limit)d MB.") % {"limit": max_bytes // (1024 * 1024)}
    )
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise too_large
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise too_large
    return data


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value):
    """A spreadsheet cell's number (not a boolean, a date or text), else None."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _xlsx_records(data: bytes):
    """[(row number, [cell strings], {cell index: number})] of the first sheet."""
    from openpyxl import load_workbook

    not_xlsx = TabularError(_("This is not a valid XLSX file: open it in a spreadsheet and save it again as .xlsx."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl and zipfile raise many kinds of errors on a damaged file
        raise not_xlsx from None
    try:
        if not workbook.worksheets:
            raise not_xlsx
        records = []
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            numbers = {i: c for i, c in enumerate(cells) if _number(c) is not None}
            records.append((number, [_cell(c) for c in cells], numbers))
            _check_row_count(records)
        return records
    except TabularError:
        raise
    except Exception:
        raise not_xlsx from None
    finally:
        workbook.close()


def _csv_records(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TabularError(
            _("The file could not be read as CSV text in UTF-8: save it as “CSV UTF-8” or as .xlsx and try again.")
        ) from None
    if "\x00" in text:
        raise TabularError(_("This does not look like a CSV file: save it as “CSV UTF-8” or as .xlsx and try again."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            records.append((number, [_cell(c) for c in cells], {}))
            _check_row_count(records)
    except csv.Error as exc:
        raise TabularError(
            _("The CSV file is malformed near row %(row)d (%(reason)s).") % {"row": len(records) + 1, "reason": exc}
        ) from None
    return records


def _check_row_count(records):
    if len(records) > MAX_ROWS + 1:
        raise TabularError(_("The file has too many rows: the limit is %(limit)d.") % {"limit": MAX_ROWS})


def _table(records, *, columns: list[str], required: list[str]) -> Table:
    records = [(number, cells, numbers) for number, cells, numbers in records if any(cells)]
    if not records:
        raise TabularError(_("The file is empty."))
    _header_number, header, _numbers = records[0]
    header = [h.lower() for h in header]
    while header and not header[-1]:
        header.pop()
    seen, duplicated, unknown = set(), [], []
    for index, name in enumerate(header, start=1):
        if not name:
            unknown.append(_("column %(n)d (no name)") % {"n": index})
        elif name in seen:
            duplicated.append(name)
        elif name not in columns:
            unknown.append(name)
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
        if duplicated:
            problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(duplicated)})
        problems.append(
            _("The first row must name the columns, among: %(names)s (required: %(required)s).")
            % {"names": ", ".join(columns), "required": ", ".join(required)}
        )
        raise TabularError(" ".join(problems))
    rows = []
    for number, cells, numbers in records[1:]:
        row = Row(
            number=number,
            values={name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)},
            numbers={name: numbers[i] for i, name in enumerate(header) if i in numbers},
        )
        if any(cells[len(header) :]):
            row.errors.append(_("This row has more values than the header has columns."))
        rows.append(row)
    if not rows:
        raise TabularError(_("The file has a header row but no data rows."))
    ordered = [name for name in columns if name in seen]
    return Table(columns=ordered, rows=rows)


@dataclass
class ReportRow:
    number: int
    cells: list[str]  # the row's values in the report's column order, for the preview
    errors: list[str] = field(default_factory=list)
    outcome: str = ""  # "create", "update" or "unchanged", once the row is checked against the city's rows


@dataclass
class ImportOutcome:
    """One object a file creates, updates or leaves as it is, with the link to it (once it exists)."""

    outcome: str  # "create", "update", "unchanged"
    row: int
    label: str
    url: str = ""


@dataclass
class ImportReport:
    """What an import found: every row with its problems, and what was (or would be) created."""

    columns: list[str] = field(default_factory=list)
    rows: list[ReportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = True
    written: bool = False
    outcomes: list[ImportOutcome] = field(default_factory=list)

    @classmethod
    def from_table(cls, table: Table, *, dry_run: bool) -> ImportReport:
        rows = [ReportRow(r.number, [r.values.get(c, "") for c in table.columns], list(r.errors)) for r in table.rows]
        return cls(columns=list(table.columns), rows=rows, dry_run=dry_run)

    @classmethod
    def refused(cls, message: str, *, dry_run: bool) -> ImportReport:
        return cls(file_errors=[str(message)], dry_run=dry_run)

    def row(self, number: int | None) -> ReportRow:
        """The row numbered ``number`` (the first row when there is no such row)."""
        return next((r for r in self.rows if r.number == number), self.rows[0])

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.bad_rows

    @property
    def bad_rows(self) -> list[ReportRow]:
        return [r for r in self.rows if r.errors]

    def outcomes_of(self, outcome: str) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.outcome == outcome]

    @property
    def created(self) -> list[ImportOutcome]:
        return self.outcomes_of("create")

    @property
    def updated(self) -> list[ImportOutcome]:
        return self.outcomes_of("update")

    @property
    def unchanged(self) -> list[ImportOutcome]:
        return self.outcomes_of("unchanged")

    @property
    def outcome_groups(self) -> list[tuple[str, list[ImportOutcome]]]:
        return [(o, self.outcomes_of(o)) for o in ("create", "update", "unchanged")]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": dict(self.counts),
            "file_errors": [str(e) for e in self.file_errors],
            "columns": list(self.columns),
            "rows": [
                {
                    "row": r.number,
                    "values": dict(zip(self.columns, r.cells, strict=True)),
                    "errors": list(r.errors),
                    "outcome": r.outcome,
                }
                for r in self.rows
            ],
            "outcomes": [{"outcome": o.outcome, "row": o.row, "label": o.label, "url": o.url} for o in self.outcomes],
            "errors": [{"row": r.number, "errors": [str(e) for e in r.errors]} for r in self.bad_rows],
        }


def read_report(file, *, columns, required=(), dry_run: bool) -> tuple[ImportReport, Table | None]:
    """``read_table`` for importers: a refused file becomes a report with one file-level error."""
    try:
        table = read_table(file, columns=columns, required=required)
    except TabularError as exc:
        return ImportReport.refused(str(exc), dry_run=dry_run), None
    return ImportReport.from_table(table, dry_run=dry_run), table
