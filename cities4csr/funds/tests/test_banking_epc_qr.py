"""The EPC QR code payload (EPC069-12 version 002) and its SVG rendering."""

import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st

from cities4csr.funds.banking.epc_qr import (
    MAX_AMOUNT_CENTS,
    EPCError,
    epc_amount,
    epc_payload,
    epc_qr,
    epc_svg,
)

IBAN = "IT60X0542811101000000123456"


def test_the_payload_lines_with_a_structured_reference():
    payload = epc_payload(
        name="Comune di Milano – Fondo di mutuo soccorso",
        iban="IT60 X054 2811 1010 0000 0123 456",
        amount_cents=2000,
        reference="rf47 mi10 1",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        "Comune di Milano – Fondo di mutuo soccorso",
        IBAN,
        "EUR20.00",
        "",
        "RF47MI101",
    ]
    assert not payload.endswith("\n")


def test_the_payload_lines_with_text_and_a_bic():
    payload = epc_payload(name="Ville de Lyon", iban=IBAN, bic="bpmoit22xxx", amount_cents=1234, text="Don  fonds")
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "BPMOIT22XXX",
        "Ville de Lyon",
        IBAN,
        "EUR12.34",
        "",
        "",
        "Don fonds",
    ]


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS))
def test_amounts_are_euros_with_a_dot_and_two_decimals(cents):
    text = epc_amount(cents)
    assert text.startswith("EUR")
    whole, decimals = text[3:].split(".")
    assert len(decimals) == 2 and int(whole) * 100 + int(decimals) == cents


@pytest.mark.parametrize("cents", [0, -1, MAX_AMOUNT_CENTS + 1])
def test_amounts_out_of_range_are_refused(cents):
    with pytest.raises(EPCError) as error:
        epc_amount(cents)
    assert error.value.code == "amount"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": "x" * 71}, "name"),
        ({"name": ""}, "name"),
        ({"iban": "IT60X0542811101000000123457"}, "iban"),
        ({"bic": "NOTABIC"}, "bic"),
        ({"reference": "RF17 5390 0754 7034"}, "reference"),
        ({"text": "y" * 141}, "text"),
        ({"reference": "RF47MI101", "text": "both"}, "both_remittances"),
        ({"text": "two\nlines"}, "line_break"),
    ],
)
def test_what_a_bank_app_could_not_read_is_refused(kwargs, code):
    arguments = {"name": "Comune di Milano", "iban": IBAN, "amount_cents": 500} | kwargs
    with pytest.raises(EPCError) as error:
        epc_payload(**arguments)
    assert error.value.code == code


def test_the_qr_code_is_level_m_version_13_at_most_in_utf8():
    payload = epc_payload(name="E" * 70, iban=IBAN, amount_cents=MAX_AMOUNT_CENTS, text="à" * 20 + "a" * 120)
    qr = epc_qr(payload)
    assert qr.error == "M" and qr.version <= 13 and qr.mode == "byte"


def test_a_payload_over_331_bytes_is_refused():
    # 140 accented letters are 280 bytes in UTF-8
    with pytest.raises(EPCError) as error:
        epc_payload(name="É" * 70, iban=IBAN, amount_cents=100, text="à" * 140)
    assert error.value.code == "too_long"


def test_the_svg_is_an_image_address_without_markup_to_trust():
    svg = epc_svg(epc_payload(name="Comune di Milano", iban=IBAN, amount_cents=2000, reference="RF47MI101"))
    assert svg.startswith("data:image/svg+xml") and "<script" not in svg
    # the same matrix as segno draws for the same payload at level M
    payload = epc_payload(name="Comune di Milano", iban=IBAN, amount_cents=2000, reference="RF47MI101")
    assert epc_qr(payload).matrix == segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8").matrix
