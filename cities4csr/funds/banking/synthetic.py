"""camt.053 files made up for tests, benchmarks and the demo: the same shape banks send (version
001.02 or 001.08), one credit per transfer given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Transfer:
    amount_cents: int
    debtor_name: str
    reference: str = ""  # structured creditor reference
    text: str = ""  # unstructured remittance
    bank_reference: str = ""
    booked: date = date(2026, 3, 12)
    credit: bool = True


def write_camt053(
    out: BinaryIO,
    transfers: Iterable[Transfer],
    *,
    iban: str,
    statement_id: str = "SYNTHETIC-1",
    version: int = 2,
) -> None:
    """Write a camt.053.001.0``version`` statement of ``transfers`` to ``out``, streaming."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}"
    out.write(
        (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}">\n<BkToCstmrStmt>\n'
            f"<GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>2026-03-13T06:00:00</CreDtTm></GrpHdr>\n"
            f"<Stmt><Id>{escape(statement_id)}</Id>\n"
            f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        ).encode()
    )
    status = "<Sts>BOOK</Sts>" if version < 7 else "<Sts><Cd>BOOK</Cd></Sts>"
    buffer: list[str] = []
    for transfer in transfers:
        debtor = escape(transfer.debtor_name)
        party = f"<Dbtr><Nm>{debtor}</Nm></Dbtr>" if version < 8 else f"<Dbtr><Pty><Nm>{debtor}</Nm></Pty></Dbtr>"
        remittance = (
            f"<Strd><CdtrRefInf><Ref>{escape(transfer.reference)}</Ref></CdtrRefInf></Strd>"
            if transfer.reference
            else f"<Ustrd>{escape(transfer.text)}</Ustrd>"
        )
        amount = f"{transfer.amount_cents // 100}.{transfer.amount_cents % 100:02d}"
        ref = f"<AcctSvcrRef>{escape(transfer.bank_reference)}</AcctSvcrRef>" if transfer.bank_reference else ""
        day = transfer.booked.isoformat()
        buffer.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"CRDT" if transfer.credit else "DBIT"}</CdtDbtInd>'
            f"{status}<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>{ref}"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            f"<RltdPties>{party}</RltdPties><RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
        if len(buffer) >= 1000:
            out.write("".join(buffer).encode())
            buffer.clear()
    out.write("".join(buffer).encode())
    out.write(b"</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
