"""A bank's CSV export of account movements, read into the same ``BankEntry`` records as a
camt.053 statement.

Banks name their columns as they please ("Data contabile", "Date opération", "Booking date"),
separate them with semicolons or commas, write amounts as "1.234,56" (Italian, French banks also
"1 234,56") or "1,234.56", in one signed column or in two (credits and debits, "Avere"/"Dare"),
and dates as dd/mm/yyyy or ISO. A ``CsvProfile`` names the columns of one bank; the separator and
the decimal mark are found from the file unless the profile fixes them. As with camt.053, a line
that cannot be read refuses the whole file with its line number and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from cities4csr.funds.banking.records import BankEntry, StatementError, content_keys

_SPACES = " \u00a0\u202f\t"
_DIGITS = re.compile(r"\d+")
_DATE_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
#: the largest amount read: a hundred thousand million, well above any transfer
_MAX_WHOLE_DIGITS = 12


@dataclass(frozen=True)
class CsvProfile:
    """How one bank writes its CSV export. Column names are compared without case or surrounding
    spaces. Give either ``amount`` (signed: negative = debit) or ``credit`` and/or ``debit``."""

    booking_date: str = "booking_date"
    amount: str = ""
    credit: str = ""
    debit: str = ""
    value_date: str = ""
    debtor_name: str = ""
    remittance: str = ""
    reference: str = ""
    bank_reference: str = ""
    delimiter: str = ""  # "" = found from the header line (";", "," or a tab)
    decimal: str = ""  # "" = found from each amount ("," or ".")
    encoding: str = "utf-8-sig"
    skip_lines: int = 0  # lines above the header (an account summary some banks put first)
    currency: str = "EUR"


def parse_cents(text: str, *, decimal: str = "", line: int = 0) -> int:
    """Signed cents of a bank's amount: "1.234,56", "1 234,56", "1,234.56", "1234.5", "-12,00",
    "12,00-", "(12,00)", "€ 12,00". With ``decimal`` unset, the mark is the last of "," and "."
    unless it is followed by three digits and could group thousands ("1.234"): that is refused as
    ambiguous rather than guessed."""
    raw = text.strip()
    value = raw.replace("€", "").replace("EUR", "").strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    if value[:1] in "+-\u2212" and value:
        negative, value = value[:1] != "+", value[1:].strip()
    elif value[-1:] in "+-\u2212" and value:
        negative, value = value[-1:] != "+", value[:-1].strip()
    value = "".join(c for c in value if c not in _SPACES + "'’")
    if not value or any(c not in "0123456789.," for c in value):
        raise StatementError("bad_amount", line, value=raw[:40])
    mark = decimal
    if not mark:
        last = max(value.rfind(","), value.rfind("."))
        if last == -1:
            mark = ","  # no mark at all: a whole amount
        else:
            candidate = value[last]
            other = "." if candidate == "," else ","
            after = value[last + 1 :]
            if other not in value and value.count(candidate) == 1 and len(after) == 3:
                raise StatementError("bad_amount", line, value=raw[:40])  # "1.234": 1234 or 1.234?
            mark = candidate if value.count(candidate) == 1 else other
    group = "." if mark == "," else ","
    whole, _, fraction = value.partition(mark)
    if mark in fraction or group in fraction:
        raise StatementError("bad_amount", line, value=raw[:40])
    if group in whole:
        parts = whole.split(group)
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
            raise StatementError("bad_amount", line, value=raw[:40])
        whole = "".join(parts)
    whole = whole or "0"
    if not _DIGITS.fullmatch(whole) or (fraction and not _DIGITS.fullmatch(fraction)):
        raise StatementError("bad_amount", line, value=raw[:40])
    if len(fraction) > 2 and fraction[2:].strip("0"):
        raise StatementError("bad_amount", line, value=raw[:40])
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS:
        raise StatementError("bad_amount", line, value=raw[:40])
    cents = int(whole) * 100 + int(fraction[:2].ljust(2, "0"))
    return -cents if negative else cents


def parse_day(text: str, *, line: int = 0) -> date:
    """A date written dd/mm/yyyy (also with dots or dashes, or a two-digit year) or yyyy-mm-dd."""
    value = text.strip()
    try:
        if match := _DATE_ISO.fullmatch(value):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DATE_DMY.fullmatch(value):
            year = int(match.group(3))
            return date(year + 2000 if year < 100 else year, int(match.group(2)), int(match.group(1)))
    except ValueError:
        pass
    raise StatementError("bad_date", line, value=value[:40])


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise StatementError("bad_encoding", data[: error.start].count(b"\n") + 1) from None
    except LookupError:  # an encoding Python does not know
        raise StatementError("bad_encoding", 0) from None


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def parse_bank_csv(data: bytes, profile: CsvProfile, *, account: str = "") -> list[BankEntry]:
    """Every movement of a bank's CSV export ``data``; ``account`` (the fund's IBAN) prefixes the
    entries' keys as in camt.053 files."""
    text = _decode(data, profile.encoding)
    lines = text.splitlines(keepends=True)
    if not "".join(lines[profile.skip_lines :]).strip():
        raise StatementError("empty", 0)
    body = lines[profile.skip_lines :]
    delimiter = profile.delimiter or _delimiter(body[0])
    reader = csv.reader(io.StringIO("".join(body)), delimiter=delimiter)
    header = [h.strip().casefold() for h in next(reader)]
    header_line = profile.skip_lines + 1
    wanted = {
        "booking_date": profile.booking_date,
        "amount": profile.amount,
        "credit": profile.credit,
        "debit": profile.debit,
        "value_date": profile.value_date,
        "debtor_name": profile.debtor_name,
        "remittance": profile.remittance,
        "reference": profile.reference,
        "bank_reference": profile.bank_reference,
    }
    missing = [name for name in wanted.values() if name and name.strip().casefold() not in header]
    if not (profile.amount or profile.credit or profile.debit):
        missing.append("amount")
    if missing:
        raise StatementError("bad_columns", header_line, columns=", ".join(missing))
    index = {field: header.index(name.strip().casefold()) for field, name in wanted.items() if name}
    rows: list[tuple[BankEntry, tuple[str, ...]]] = []
    for row in reader:
        line = profile.skip_lines + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise StatementError("too_many_columns", line, count=len(row), expected=len(header))

        def cell(field: str, row=row) -> str:
            at = index.get(field)
            return row[at].strip() if at is not None and at < len(row) else ""

        booked_text = cell("booking_date")
        if not booked_text:
            raise StatementError("missing", line, element=profile.booking_date)
        booked = parse_day(booked_text, line=line)
        valued = parse_day(cell("value_date"), line=line) if cell("value_date") else None
        if profile.amount:
            if not cell("amount"):
                raise StatementError("missing", line, element=profile.amount)
            cents = parse_cents(cell("amount"), decimal=profile.decimal, line=line)
        else:
            credit_text, debit_text = cell("credit"), cell("debit")
            if not credit_text and not debit_text:
                raise StatementError("missing", line, element=profile.credit or profile.debit)
            if credit_text and parse_cents(credit_text, decimal=profile.decimal, line=line):
                cents = abs(parse_cents(credit_text, decimal=profile.decimal, line=line))
            else:
                cents = -abs(parse_cents(debit_text or "0", decimal=profile.decimal, line=line))
        if cents == 0:
            continue  # a line of information, not a movement
        bank_ref = cell("bank_reference")
        entry = BankEntry(
            key=f"{account}:{bank_ref}" if bank_ref else "",
            amount_cents=abs(cents),
            credit=cents > 0,
            booking_date=booked,
            value_date=valued,
            currency=profile.currency,
            account_iban=account,
            bank_reference=bank_ref,
            debtor_name=" ".join(cell("debtor_name").split()),
            reference=cell("reference"),
            remittance=" ".join(cell("remittance").split()),
            line=line,
        )
        parts = (booked.isoformat(), str(cents), entry.debtor_name, entry.reference, entry.remittance)
        rows.append((entry, parts if not bank_ref else ()))
    return content_keys(rows, account)
