"""A bank's CSV export read into the same records as camt.053."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cities4csr.funds.banking.bank_csv import CsvProfile, parse_bank_csv, parse_cents, parse_day
from cities4csr.funds.banking.records import StatementError

IBAN = "IT60X0542811101000000123456"
ITALIAN = CsvProfile(
    booking_date="Data contabile",
    value_date="Data valuta",
    credit="Avere",
    debit="Dare",
    debtor_name="Ordinante",
    remittance="Descrizione",
    bank_reference="Riferimento",
    skip_lines=2,
)
FRENCH = CsvProfile(
    booking_date="Date", amount="Montant", remittance="Libellé", debtor_name="Tiers", delimiter=",", decimal=","
)


def test_an_italian_export_with_credit_and_debit_columns():
    data = (
        b"Conto;IT60X0542811101000000123456\n"
        b"Periodo;01/03/2026-31/03/2026\n"
        b"Data contabile;Data valuta;Dare;Avere;Ordinante;Descrizione;Riferimento\n"
        b"12/03/2026;12/03/2026;;1.234,56;ROSSI MARIO;Bonifico RF47 MI10 1;A001\n"
        b"12/03/2026;13/03/2026;12,50;;;Commissioni;A002\n"
        b"\n"
        b'13/03/2026;13/03/2026;;20,00;"Bianchi; Anna";Donazione;A003\n'
    )
    entries = parse_bank_csv(data, ITALIAN, account=IBAN)
    assert [(e.amount_cents, e.credit) for e in entries] == [(123456, True), (1250, False), (2000, True)]
    assert entries[0].booking_date == date(2026, 3, 12) and entries[1].value_date == date(2026, 3, 13)
    assert entries[0].key == f"{IBAN}:A001"
    assert entries[0].remittance == "Bonifico RF47 MI10 1"
    assert entries[2].debtor_name == "Bianchi; Anna"
    assert [e.line for e in entries] == [4, 5, 7]


def test_a_french_export_with_a_signed_amount_and_no_bank_reference():
    data = (
        "Date,Montant,Libellé,Tiers\n"
        '2026-03-12,"1 234,56",VIR SEPA RF47MI101,DUPONT ELODIE\n'
        '2026-03-12,"-3,00",FRAIS,\n'
        '2026-03-12,"1 234,56",VIR SEPA RF47MI101,DUPONT ELODIE\n'
    ).encode()
    entries = parse_bank_csv(data, FRENCH, account=IBAN)
    assert [(e.amount_cents, e.credit) for e in entries] == [(123456, True), (300, False), (123456, True)]
    # two identical lines are two bookings, and the same file gives the same keys again
    assert len({e.key for e in entries}) == 3
    assert [e.key for e in parse_bank_csv(data, FRENCH, account=IBAN)] == [e.key for e in entries]


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.234,56", 123456),
        ("1 234,56", 123456),
        ("1\u202f234,56", 123456),
        ("1,234.56", 123456),
        ("1234.5", 123450),
        ("-12,00", -1200),
        ("12,00-", -1200),
        ("(12,00)", -1200),
        ("€ 12,00", 1200),
        ("+20", 2000),
        ("1.234.567,00", 123456700),
    ],
)
def test_amounts_as_banks_write_them(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["1.234", "1,234", "12,3,4", "abc", "1.23.4,00", "", "12,345"])
def test_amounts_that_could_mean_two_things_or_nothing_are_refused(text):
    with pytest.raises(StatementError) as error:
        parse_cents(text, line=9)
    assert error.value.code == "bad_amount" and error.value.line == 9


def test_a_configured_decimal_mark_settles_the_ambiguity():
    assert parse_cents("1.234", decimal=",") == 123400
    assert parse_cents("1,234", decimal=".") == 123400


@given(st.integers(min_value=-(10**13), max_value=10**13), st.sampled_from(["it", "en", "plain"]))
def test_formatted_amounts_read_back(cents, style):
    whole, fraction = divmod(abs(cents), 100)
    grouped = f"{whole:,}"
    text = {
        "it": grouped.replace(",", ".") + f",{fraction:02d}",
        "en": grouped + f".{fraction:02d}",
        "plain": f"{whole}.{fraction:02d}",
    }[style]
    assert parse_cents(("-" if cents < 0 else "") + text) == cents


def test_dates():
    assert parse_day("12/03/2026") == parse_day("2026-03-12") == parse_day("12.03.26") == date(2026, 3, 12)
    for bad in ("31/02/2026", "2026/03/12", "marzo"):
        with pytest.raises(StatementError):
            parse_day(bad)


def test_a_bad_line_refuses_the_file_with_its_number():
    data = 'Date,Montant,Libellé,Tiers\n2026-03-12,"5,00",A,B\n2026-13-12,"5,00",A,B\n'.encode()
    with pytest.raises(StatementError) as error:
        parse_bank_csv(data, FRENCH)
    assert (error.value.code, error.value.line) == ("bad_date", 3)


def test_missing_columns_are_named():
    with pytest.raises(StatementError) as error:
        parse_bank_csv(b"Date,Amount\n2026-03-12,5.00\n", FRENCH)
    assert error.value.code == "bad_columns" and "Montant" in error.value.params["columns"]


def test_a_file_in_another_encoding_is_refused_with_the_line():
    with pytest.raises(StatementError) as error:
        parse_bank_csv("Date,Montant,Libellé,Tiers\n2026-03-12,5,Café,X\n".encode("latin-1"), FRENCH)
    assert error.value.code == "bad_encoding"
    assert (
        parse_bank_csv(
            "Date;Montant;Libellé;Tiers\n2026-03-12;5;Café;X\n".encode("latin-1"),
            CsvProfile(booking_date="Date", amount="Montant", remittance="Libellé", encoding="latin-1"),
        )[0].remittance
        == "Café"
    )
