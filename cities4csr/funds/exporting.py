"""A fund's public ledger as files (ADR 0030): CSV for spreadsheets and JSON for programs, both
streamed a chunk of movements at a time, so a fund of a million movements costs flat memory.

Amounts are plain numbers in the city's currency ("20.00", refunds and payments out negative),
dates ISO 8601; the kind and the other side are in the reader's language, as on the page. The
JSON carries, for each movement, what its hash covers (``chain``): anyone can recompute it
(scripts/ledger_hash_check.py shows how) without asking the city for anything else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from cities4csr.core.money import cents_to_euros
from cities4csr.core.tabular import safe_cell

CSV_COLUMNS = (
    "number",
    "date",
    "kind",
    "kind_label",
    "counterpart",
    "amount",
    "balance",
    "currency",
    "act_number",
    "act_date",
    "purpose",
    "reverses",
    "prev_hash",
    "hash",
)


def _amount(cents):
    """A number, not text: a negative amount is not a formula and is not quoted."""
    return None if cents is None else cents_to_euros(cents)


def award_data(award, *, purpose_name: str = "") -> dict | None:
    if award is None:
        return None
    return {
        "act_number": award.act_number,
        "act_date": award.act_on.isoformat(),
        "purpose": award.purpose.code,
        "purpose_label": purpose_name or award.purpose.name,
        "recipient": award.recipient_name,
        "amount_cents": award.amount_cents,
        "paid_cents": award.disbursed_cents,
    }


def ledger_line_data(line, *, chain: bool = True) -> dict:
    """One movement as the API and the JSON export give it (amounts in cents)."""
    data = {
        "number": line.seq,
        "date": line.effective_on.isoformat(),
        "kind": line.kind,
        "kind_label": line.kind_label,
        "counterpart": line.counterpart,
        "amount_cents": line.amount_cents,
        "balance_after_cents": line.balance_after_cents,
        "reverses": line.reverses,
        "award": award_data(line.award),
        "prev_hash": line.prev_hash,
        "hash": line.hash,
    }
    if chain:
        data["chain"] = {"content": line.content, "postings": line.postings}
    return data


def _csv_row(line, currency: str) -> list:
    award = line.award
    row = [
        line.seq,
        line.effective_on.isoformat(),
        line.kind,
        line.kind_label,
        line.counterpart,
        _amount(line.amount_cents),
        _amount(line.balance_after_cents),
        currency,
        award.act_number if award else "",
        award.act_on.isoformat() if award else "",
        award.purpose.name if award else "",
        line.reverses or "",
        line.prev_hash,
        line.hash,
    ]
    return ["" if value is None else safe_cell(value) for value in row]


def ledger_csv_chunks(lines, *, currency: str, batch: int = 500) -> Iterator[bytes]:
    """The CSV file, a few hundred rows per chunk: UTF-8 with a BOM (spreadsheets read it right),
    every cell through ``safe_cell`` (a donor named "=HYPERLINK(…)" stays text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for n, line in enumerate(lines, start=1):
        writer.writerow(_csv_row(line, currency))
        if n % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def ledger_json_chunks(header: dict, lines, *, batch: int = 200) -> Iterator[bytes]:
    """``{...header, "movements": [...]}``, written a batch of movements at a time."""
    opening = json.dumps(header, ensure_ascii=False)[:-1]
    yield f'{opening}{", " if header else ""}"movements": ['.encode()
    parts = []
    first = True
    for line in lines:
        parts.append(("" if first else ",\n") + json.dumps(ledger_line_data(line), ensure_ascii=False))
        first = False
        if len(parts) >= batch:
            yield "".join(parts).encode()
            parts = []
    yield ("".join(parts) + "]}\n").encode()
