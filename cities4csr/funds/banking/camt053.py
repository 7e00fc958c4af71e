"""ISO 20022 camt.053 bank-to-customer statements (``BkToCstmrStmt``), versions 001.02 to 001.13.

Read as a stream (expat through defusedxml: no DTD, no entity, no external reference is ever
expanded; each is refused), so a file of 100,000 entries takes the memory of its entries, not of
its tree. The whole file is read before anything is returned: a file with a problem anywhere
raises ``StatementError`` with the line and the reason, and gives no entries at all.

What is read, per statement (``Stmt``): its ``Id``, the account's IBAN (``Acct/Id/IBAN``, or
``Acct/Id/Othr/Id``) and currency (``Acct/Ccy``); per entry (``Ntry``): ``Amt`` (in integer cents,
never through a float) and its ``Ccy``, ``CdtDbtInd`` (CRDT/DBIT), ``RvslInd``, ``Sts`` (a code up
to version 06, ``Sts/Cd`` or ``Sts/Prtry`` later: only BOOK entries are kept), ``BookgDt`` and
``ValDt`` (``Dt`` or ``DtTm``), ``AcctSvcrRef``, ``AddtlNtryInf``; per transaction
(``NtryDtls/TxDtls``): ``Refs/EndToEndId`` and ``Refs/AcctSvcrRef``, its amount
(``AmtDtls/TxAmt/Amt``, or ``Amt`` from version 04), the debtor's name (``RltdPties/Dbtr/Nm``, or
``RltdPties/Dbtr/Pty/Nm`` from version 08), the structured creditor reference
(``RmtInf/Strd/CdtrRefInf/Ref``) and the unstructured remittance (``RmtInf/Ustrd``, every line).

A batch entry (one ``Ntry`` with several ``TxDtls`` whose amounts add up to it) becomes one
``BankEntry`` per transaction; otherwise an entry is one ``BankEntry`` with its first
transaction's details and every remittance line.
"""

from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from cities4csr.funds.banking.records import BankEntry, StatementError, content_keys

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)")
#: versions read here: 001.02 (ISO 20022 2009, still what most European banks send) to 001.13
VERSIONS = range(2, 14)
CHUNK = 1 << 20
_AMOUNT = re.compile(r"(\d{1,15})(?:\.(\d+))?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NOT_PROVIDED = "NOTPROVIDED"


class Node:
    """An element of an entry: what the reader keeps while the entry is open."""

    __slots__ = ("children", "line", "tag", "text", "ccy")

    def __init__(self, tag: str, line: int, ccy: str | None):
        self.tag = tag
        self.line = line
        self.ccy = ccy
        self.text: list[str] = []
        self.children: list[Node] = []

    def child(self, *path: str) -> Node | None:
        node = self
        for tag in path:
            for candidate in node.children:
                if candidate.tag == tag:
                    node = candidate
                    break
            else:
                return None
        return node

    def all(self, *path: str) -> list[Node]:
        """Every element at ``path`` below this one (each step may repeat)."""
        nodes = [self]
        for tag in path:
            nodes = [c for n in nodes for c in n.children if c.tag == tag]
        return nodes

    def value(self, *path: str) -> str:
        node = self.child(*path)
        return "".join(node.text).strip() if node is not None else ""

    def flat(self, prefix: str = "") -> list[str]:
        here = f"{prefix}/{self.tag}"
        text = "".join(self.text).strip()
        lines = [f"{here}={text}|{self.ccy or ''}"]
        for c in self.children:
            lines.extend(c.flat(here))
        return lines


class Statement:
    """One ``Stmt`` of the file."""

    def __init__(self, line: int):
        self.line = line
        self.id = ""
        self.iban = ""
        self.other_account = ""
        self.currency = ""
        self.entries: list[tuple[BankEntry, tuple[str, ...]]] = []

    @property
    def account(self) -> str:
        return self.iban or self.other_account


class ParsedStatement:
    """What a camt.053 file says: its message id, its statements and their entries in file order."""

    def __init__(self, version: int, message_id: str, statements: list[Statement]):
        self.version = version
        self.message_id = message_id
        self.statements = statements
        self.entries: list[BankEntry] = []
        for statement in statements:
            self.entries.extend(content_keys(statement.entries, statement.account))

    @property
    def ibans(self) -> list[str]:
        return sorted({s.iban for s in self.statements if s.iban})


def parse_amount(text: str, line: int) -> int:
    """Cents of an ISO 20022 decimal amount ("1234.5" -> 123450); more than two decimals are
    accepted only when the extra ones are zeros."""
    match = _AMOUNT.fullmatch(text.strip())
    if not match:
        raise StatementError("bad_amount", line, value=text.strip()[:40])
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > 2:
        if fraction[2:].strip("0"):
            raise StatementError("bad_amount", line, value=text.strip()[:40])
        fraction = fraction[:2]
    return int(whole) * 100 + int(fraction.ljust(2, "0") or "0")


def parse_date(node: Node | None) -> date | None:
    """The date of an ISO 20022 ``DateAndDateTimeChoice`` (``Dt`` or ``DtTm``)."""
    if node is None:
        return None
    text = node.value("Dt") or node.value("DtTm")
    match = _DATE.match(text)
    if not match:
        raise StatementError("bad_date", node.line, value=text[:40])
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise StatementError("bad_date", node.line, value=text[:40]) from None


def _required(node: Node, tag: str) -> str:
    value = node.value(tag)
    if not value:
        raise StatementError("missing", node.line, element=tag)
    return value


def _status(entry: Node) -> str:
    status = entry.child("Sts")
    if status is None:
        raise StatementError("missing", entry.line, element="Sts")
    return (status.value("Cd") or status.value("Prtry") or "".join(status.text)).strip().upper()


def _debtor(tx: Node) -> str:
    return tx.value("RltdPties", "Dbtr", "Nm") or tx.value("RltdPties", "Dbtr", "Pty", "Nm")


def _remittance(tx: Node) -> list[str]:
    return [t for n in tx.all("RmtInf", "Ustrd") if (t := " ".join("".join(n.text).split()))]


def _tx_amount(tx: Node) -> int | None:
    node = tx.child("AmtDtls", "TxAmt", "Amt") or tx.child("Amt")
    if node is None:
        return None
    return parse_amount("".join(node.text), node.line)


def _entries(entry: Node, statement: Statement) -> list[tuple[BankEntry, tuple[str, ...]]]:
    """The bookings of one ``Ntry`` (none unless it is booked)."""
    amount_node = entry.child("Amt")
    if amount_node is None:
        raise StatementError("missing", entry.line, element="Amt")
    amount = parse_amount("".join(amount_node.text), amount_node.line)
    indicator = _required(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError("bad_indicator", entry.child("CdtDbtInd").line, value=indicator[:10])
    status = _status(entry)
    booked = parse_date(entry.child("BookgDt"))
    valued = parse_date(entry.child("ValDt"))
    if status != "BOOK":
        return []
    reversal = entry.value("RvslInd").lower() == "true"
    currency = amount_node.ccy or statement.currency
    bank_ref = entry.value("AcctSvcrRef")
    info = " ".join(entry.value("AddtlNtryInf").split())
    txs = entry.all("NtryDtls", "TxDtls")
    common = {
        "credit": indicator == "CRDT" and not reversal,
        "booking_date": booked or valued,
        "value_date": valued,
        "currency": currency,
        "account_iban": statement.iban,
    }

    def tx_fields(tx: Node | None, remittance: list[str]) -> dict:
        if tx is None:
            return {"remittance": info}
        e2e = tx.value("Refs", "EndToEndId")
        return {
            "end_to_end_id": "" if e2e.upper() == _NOT_PROVIDED else e2e,
            "debtor_name": " ".join(_debtor(tx).split()),
            "reference": tx.value("RmtInf", "Strd", "CdtrRefInf", "Ref"),
            "remittance": " ".join(remittance) or info,
        }

    amounts = [_tx_amount(tx) for tx in txs]
    if len(txs) > 1 and None not in amounts and sum(amounts) == amount:
        out = []
        for rank, (tx, tx_amount) in enumerate(zip(txs, amounts, strict=True)):
            ref = tx.value("Refs", "AcctSvcrRef")
            key = f"{statement.account}:{ref}" if ref and ref != bank_ref else ""
            if not key and bank_ref:
                key = f"{statement.account}:{bank_ref}/{rank + 1}"
            record = BankEntry(
                key=key,
                amount_cents=tx_amount,
                bank_reference=ref or bank_ref,
                line=tx.line,
                **common,
                **tx_fields(tx, _remittance(tx)),
            )
            out.append((record, (*tx.flat(), str(tx_amount)) if not key else ()))
        return out
    remittance = [line for tx in txs for line in _remittance(tx)]
    record = BankEntry(
        key=f"{statement.account}:{bank_ref}" if bank_ref else "",
        amount_cents=amount,
        bank_reference=bank_ref,
        line=entry.line,
        **common,
        **tx_fields(txs[0] if txs else None, remittance),
    )
    return [(record, tuple(entry.flat()) if not bank_ref else ())]


class _Reader:
    """Expat's element handlers: keeps the statement's header fields and one entry at a time.

    Names come as "namespace}local" (the separator ElementTree's parser sets) and attributes as a
    flat list. Set directly on the expat parser, the handlers skip ElementTree's work per element,
    which is most of the time of a large file."""

    def __init__(self, expat_parser):
        self.expat = expat_parser
        self.path: list[str] = []  # the open elements outside entries
        self.version = 0
        self.message_id = ""
        self.statements: list[Statement] = []
        self.statement: Statement | None = None
        self.entry: list[Node] = []  # the open elements of the current entry
        self.text: list[str] = []
        self.names: dict[str, str] = {}

    def _local(self, name: str) -> str:
        local = self.names[name] = name.rpartition("}")[2]
        return local

    def start(self, name: str, attrs: list) -> None:
        local = self.names.get(name) or self._local(name)
        if self.entry:
            ccy = dict(zip(attrs[::2], attrs[1::2], strict=False)).get("Ccy") if attrs else None
            node = Node(local, self.expat.CurrentLineNumber, ccy)
            self.entry[-1].children.append(node)
            self.entry.append(node)
            return
        line = self.expat.CurrentLineNumber
        if not self.path:
            namespace = name.rpartition("}")[0]
            match = NAMESPACE.fullmatch(namespace)
            if local != "Document" or not match:
                raise StatementError("not_camt053", line, found=(namespace or local)[:80])
            self.version = int(match.group(1))
            if self.version not in VERSIONS:
                raise StatementError("unsupported_version", line, version=f"camt.053.001.{match.group(1)}")
        elif len(self.path) == 1 and local != "BkToCstmrStmt":
            raise StatementError("not_camt053", line, found=local[:80])
        self.text = []
        if local == "Ntry" and self.statement is not None and len(self.path) == 3:
            self.entry.append(Node(local, line, None))
        else:
            self.path.append(local)
            if local == "Stmt" and len(self.path) == 3:
                self.statement = Statement(line)
                self.statements.append(self.statement)

    def data(self, text: str) -> None:
        if self.entry:
            self.entry[-1].text.append(text)
        else:
            self.text.append(text)

    def end(self, name: str) -> None:
        if self.entry:
            node = self.entry.pop()
            if not self.entry:  # the entry is complete
                self.statement.entries.extend(_entries(node, self.statement))
            return
        local = self.path.pop()
        text = "".join(self.text).strip()
        self.text = []
        where = self.path[2:]
        if local == "MsgId" and self.path[-1:] == ["GrpHdr"]:
            self.message_id = text
        elif self.statement is not None and where[:1] == ["Stmt"]:
            rest = where[1:]
            if rest == [] and local == "Id":
                self.statement.id = text
            elif rest == ["Acct", "Id"] and local == "IBAN":
                self.statement.iban = text.replace(" ", "").upper()
            elif rest == ["Acct", "Id", "Othr"] and local == "Id":
                self.statement.other_account = text
            elif rest == ["Acct"] and local == "Ccy":
                self.statement.currency = text.upper()
        if local == "Stmt" and len(self.path) == 2:
            if not self.statement.id:
                raise StatementError("missing", self.statement.line, element="Id")
            self.statement = None


def _xml_problem(code: int) -> str:
    errors = expat.errors
    by_code = {
        errors.codes[errors.XML_ERROR_TAG_MISMATCH]: "mismatched_tag",
        errors.codes[errors.XML_ERROR_NO_ELEMENTS]: "truncated",
        errors.codes[errors.XML_ERROR_UNCLOSED_TOKEN]: "truncated",
        errors.codes[errors.XML_ERROR_PARTIAL_CHAR]: "truncated",
        errors.codes[errors.XML_ERROR_INVALID_TOKEN]: "bad_character",
        errors.codes[errors.XML_ERROR_BAD_CHAR_REF]: "bad_character",
        errors.codes[errors.XML_ERROR_UNDEFINED_ENTITY]: "bad_character",
        errors.codes[errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "after_end",
    }
    return by_code.get(code, "other")


def parse_camt053(source: BinaryIO) -> ParsedStatement:
    """Every booked entry of the camt.053 file ``source`` (open in binary), or StatementError."""
    # defusedxml's parser refuses DTDs, entities and external references (its handlers stay on
    # the expat parser); the element handlers are the reader's own
    expat_parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True).parser
    reader = _Reader(expat_parser)
    expat_parser.StartElementHandler = reader.start
    expat_parser.EndElementHandler = reader.end
    expat_parser.CharacterDataHandler = reader.data
    empty = True
    try:
        while chunk := source.read(CHUNK):
            empty = empty and not chunk.strip()
            expat_parser.Parse(chunk, False)
        if empty:
            raise StatementError("empty", 0)
        expat_parser.Parse(b"", True)
    except expat.ExpatError as error:
        problem = _xml_problem(error.code)
        raise StatementError("not_xml", error.lineno, problem=problem, column=error.offset + 1) from None
    except DefusedXmlException:
        raise StatementError("forbidden_xml", expat_parser.CurrentLineNumber) from None
    if not reader.statements:
        raise StatementError("no_statement", 0)
    return ParsedStatement(reader.version, reader.message_id, reader.statements)
