"""Reading camt.053 statements: what is read from versions 001.02 and 001.08, and how a file that
cannot be read is refused (the line and the reason, nothing returned)."""

import io
from datetime import date
from pathlib import Path

import pytest

from cities4csr.funds.banking.camt053 import parse_camt053
from cities4csr.funds.banking.records import StatementError
from cities4csr.funds.banking.synthetic import Transfer, write_camt053

FIXTURES = Path(__file__).parent / "fixtures"
IBAN = "IT60X0542811101000000123456"


def read(name):
    with open(FIXTURES / name, "rb") as source:
        return parse_camt053(source)


def refused(data: bytes) -> StatementError:
    with pytest.raises(StatementError) as error:
        parse_camt053(io.BytesIO(data))
    return error.value


def test_version_02_statement_and_its_booked_entries():
    parsed = read("camt053_v02.xml")
    assert parsed.version == 2
    assert parsed.message_id == "STMT-20260312-0001"
    assert [s.id for s in parsed.statements] == ["20260312-IT60X0542811101000000123456"]
    assert parsed.ibans == [IBAN]
    assert parsed.statements[0].currency == "EUR"
    entries = parsed.entries
    # the pending entry (Sts PDNG) is left out; the batch of two counts as two
    assert [e.amount_cents for e in entries] == [2000, 5000, 10000, 1250, 7500, 3000, 5000, 1500]
    assert [e.credit for e in entries] == [True, True, True, False, True, True, True, True]
    first = entries[0]
    assert first.key == f"{IBAN}:0312A0000001"
    assert first.booking_date == date(2026, 3, 12) and first.value_date == date(2026, 3, 12)
    assert first.end_to_end_id == "E2E-ROSSI-0001"
    assert first.debtor_name == "ROSSI MARIO"
    assert first.reference == "RF47MI101"
    assert first.line == 45
    assert entries[1].end_to_end_id == ""  # NOTPROVIDED
    assert entries[1].remittance == "Donazione Milano Aiuta rif. rf20 mi10 2"
    assert entries[2].remittance == "Fondo di mutuo soccorso contributo marzo"  # two Ustrd lines
    assert entries[3].remittance == "COMMISSIONI TENUTA CONTO RF47MI101"  # AddtlNtryInf
    batch = entries[5:7]
    assert [e.key for e in batch] == [f"{IBAN}:0312A0000007/1", f"{IBAN}:0312A0000007/2"]
    assert [e.debtor_name for e in batch] == ["Associazione Amici del Parco", "Fondazione Ca' Granda"]
    assert [e.reference for e in batch] == ["RF63MI104", "RF36 MI10 5"]
    # no AcctSvcrRef: a key from the content
    assert entries[7].key.startswith(f"{IBAN}#") and len({e.key for e in entries}) == len(entries)


def test_version_08_status_code_party_and_date_time():
    parsed = read("camt053_v08.xml")
    assert parsed.version == 8
    entries = parsed.entries
    assert [(e.amount_cents, e.credit) for e in entries] == [(12000, True), (5000, True), (200, False)]
    assert entries[0].debtor_name == "Élodie Dupont"  # RltdPties/Dbtr/Pty/Nm
    assert entries[0].reference == "RF09MI106"
    assert entries[0].booking_date == date(2026, 3, 14)  # BookgDt/DtTm
    assert entries[0].key == f"{IBAN}:2026031400000981"
    assert entries[1].debtor_name == "GALLI FRANCESCA"


def test_the_same_file_gives_the_same_keys_and_identical_bookings_different_ones():
    assert [e.key for e in read("camt053_v02.xml").entries] == [e.key for e in read("camt053_v02.xml").entries]
    twice = [Transfer(2000, "Neri Luca", text="per Milano")] * 2
    out = io.BytesIO()
    write_camt053(out, twice, iban=IBAN)
    keys = [e.key for e in parse_camt053(io.BytesIO(out.getvalue())).entries]
    assert len(set(keys)) == 2
    # another file holding the same bookings (another statement id) gives the same keys
    other = io.BytesIO()
    write_camt053(other, twice, iban=IBAN, statement_id="ANOTHER")
    assert [e.key for e in parse_camt053(io.BytesIO(other.getvalue())).entries] == keys


def test_a_malformed_amount_is_refused_with_its_line():
    with pytest.raises(StatementError) as error:
        read("camt053_malformed.xml")
    assert (error.value.code, error.value.line, error.value.params) == ("bad_amount", 77, {"value": "50,00"})


def test_broken_xml_is_refused_with_the_line_of_the_break():
    data = (FIXTURES / "camt053_v02.xml").read_bytes().replace(b"</Dbtr>", b"</Dbtor>", 1)
    error = refused(data)
    assert error.code == "not_xml" and error.params["problem"] == "mismatched_tag" and error.line == 62
    truncated = refused((FIXTURES / "camt053_v02.xml").read_bytes()[:3000])
    assert truncated.code == "not_xml" and truncated.params["problem"] == "truncated"


@pytest.mark.parametrize(
    ("replace", "code", "params"),
    [
        (
            (b"<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK", b"<CdtDbtInd>CRED</CdtDbtInd>\n        <Sts>BOOK"),
            "bad_indicator",
            {"value": "CRED"},
        ),
        ((b"<BookgDt><Dt>2026-03-12</Dt>", b"<BookgDt><Dt>12/03/2026</Dt>"), "bad_date", {"value": "12/03/2026"}),
        ((b'<Amt Ccy="EUR">20.00</Amt>\n        <CdtDbtInd>', b"<CdtDbtInd>"), "missing", {"element": "Amt"}),
        ((b'<Amt Ccy="EUR">20.00</Amt>', b'<Amt Ccy="EUR">20.005</Amt>'), "bad_amount", {"value": "20.005"}),
    ],
)
def test_an_entry_that_cannot_be_read_refuses_the_whole_file(replace, code, params):
    data = (FIXTURES / "camt053_v02.xml").read_bytes().replace(*replace, 1)
    assert data != (FIXTURES / "camt053_v02.xml").read_bytes()
    error = refused(data)
    assert (error.code, error.params) == (code, params)
    assert 40 < error.line < 60  # in the first entry


def test_what_is_not_a_statement():
    assert refused(b"").code == "empty"
    assert refused(b"<html><body>hello</body></html>").code == "not_camt053"
    notification = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>'
    )
    assert refused(notification).code == "not_camt053"
    old = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"><BkToCstmrStmt/></Document>'
    assert refused(old).code == "unsupported_version"
    empty = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr></BkToCstmrStmt></Document>'
    assert refused(empty).code == "no_statement"


def test_entities_and_dtds_are_refused_not_expanded():
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>'
    )
    assert refused(laughs).code == "forbidden_xml"
    external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>'
    )
    error = refused(external)
    assert error.code == "forbidden_xml" and error.line == 2


def test_a_large_statement_is_read_whole():
    out = io.BytesIO()
    write_camt053(
        out, (Transfer(100 + i, f"Donor {i}", bank_reference=f"B{i}") for i in range(5000)), iban=IBAN, version=8
    )
    entries = parse_camt053(io.BytesIO(out.getvalue())).entries
    assert len(entries) == 5000 and sum(e.amount_cents for e in entries) == sum(100 + i for i in range(5000))
