"""pagoPA payment notices (ADR 0028): the IUV and notice code of a contribution, their check
digits, the printed form and the QR code's text, checked against the published schemes and as
properties over every contribution number and every city setting."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cities4csr.funds.pagopa import (
    NoticeSettings,
    PagoPAError,
    check_digits,
    format_notice_code,
    iuv_for,
    normalise_tax_code,
    notice_code_for,
    parse_notice_code,
    qr_payload,
)

ROOT = Path(__file__).resolve().parents[3]
MILANO = "01199250158"  # Comune di Milano's codice fiscale

# Real tax codes of Italian municipalities (Milano, Bari, Napoli, Torino, Roma Capitale).
MUNICIPAL_TAX_CODES = ["01199250158", "80015010723", "80014890638", "00514490010", "02438750586"]

two_digits = st.integers(0, 99).map(lambda n: f"{n:02d}")
segregation_codes = st.integers(0, 45).map(lambda n: f"{n:02d}")
prefixes = st.integers(0, 6).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))


@st.composite
def settings_and_number(draw):
    aux = draw(st.sampled_from([3, 0]))
    prefix = draw(prefixes)
    settings = NoticeSettings(
        tax_code=draw(st.sampled_from(MUNICIPAL_TAX_CODES)),
        aux_digit=aux,
        segregation_code=draw(segregation_codes) if aux == 3 else "",
        application_code=draw(two_digits) if aux == 0 else "",
        base_prefix=prefix,
    )
    return settings, draw(st.integers(1, settings.max_number))


# ---------------------------------------------------------------- the published schemes


def test_aux_digit_3_is_segregation_code_base_and_check_digits_over_all_that_precedes():
    settings = NoticeSettings(tax_code=MILANO, segregation_code="01")
    code = notice_code_for(settings, 1234)
    # NAV.3: 3 <segregation code> <IUV base (13)> <check digits = (3 01 0000000001234) mod 93>
    assert code == "3" + "01" + "0000000001234" + f"{3010000000001234 % 93:02d}"
    # IUV.3: the 17 digits after the aux digit
    assert iuv_for(settings, 1234) == code[1:]
    assert len(iuv_for(settings, 1234)) == 17


def test_aux_digit_0_keeps_the_application_code_out_of_the_15_digit_iuv():
    settings = NoticeSettings(tax_code=MILANO, aux_digit=0, application_code="12")
    code = notice_code_for(settings, 1234)
    # NAV.0: 0 <application code> <IUV base (13)> <check digits = (0 12 0000000001234) mod 93>
    assert code == "0" + "12" + "0000000001234" + f"{120000000001234 % 93:02d}"
    assert iuv_for(settings, 1234) == code[3:]
    assert len(iuv_for(settings, 1234)) == 15


def test_check_digits_are_two_digits_even_when_the_remainder_is_small():
    assert check_digits("93") == "00"
    assert check_digits("100") == "07"


def test_the_base_prefix_reserves_a_range_inside_a_shared_segregation_code():
    settings = NoticeSettings(tax_code=MILANO, segregation_code="07", base_prefix="9")
    assert notice_code_for(settings, 42)[3:16] == "9000000000042"
    assert settings.max_number == 10**12 - 1
    with pytest.raises(PagoPAError) as refused:
        notice_code_for(settings, 10**12)
    assert refused.value.code == "number_out_of_range"


def test_the_notice_code_is_printed_in_groups_of_four_22_characters():
    printed = format_notice_code("301000000000123468")
    assert printed == "3010 0000 0000 1234 68"
    assert len(printed) == 22


def test_the_qr_text_follows_pagopa_version_002():
    assert qr_payload("301000000000123468", MILANO, 2000) == "PAGOPA|002|301000000000123468|01199250158|2000"
    # at least two digits of cents, as pagoPA's reader expects
    assert qr_payload("301000000000123468", MILANO, 5).endswith("|05")


@pytest.mark.parametrize("cents", [0, -100, 10_000_000_000, 12.5, True])
def test_an_amount_a_qr_code_cannot_carry_is_refused(cents):
    with pytest.raises(PagoPAError) as refused:
        qr_payload("301000000000123468", MILANO, cents)
    assert refused.value.code == "amount_out_of_range"


# ---------------------------------------------------------------- settings refused


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"tax_code": "01199250159", "segregation_code": "01"}, "tax_code_invalid"),  # check digit
        ({"tax_code": "0119925015", "segregation_code": "01"}, "tax_code_invalid"),  # 10 digits
        ({"tax_code": "RSSMRA80A01F205X", "segregation_code": "01"}, "tax_code_invalid"),  # a person's
        ({"tax_code": MILANO, "segregation_code": "1"}, "segregation_code_invalid"),
        ({"tax_code": MILANO, "segregation_code": "47"}, "segregation_code_invalid"),  # pagoPA's own
        ({"tax_code": MILANO, "segregation_code": "99"}, "segregation_code_invalid"),  # CIE
        ({"tax_code": MILANO, "segregation_code": "٠١"}, "segregation_code_invalid"),  # other digits
        ({"tax_code": MILANO, "aux_digit": 0, "application_code": ""}, "application_code_invalid"),
        ({"tax_code": MILANO, "aux_digit": 1}, "aux_digit_unsupported"),
        ({"tax_code": MILANO, "aux_digit": 2}, "aux_digit_unsupported"),
        ({"tax_code": MILANO, "segregation_code": "01", "base_prefix": "1234567"}, "base_prefix_invalid"),
        ({"tax_code": MILANO, "segregation_code": "01", "base_prefix": "12a"}, "base_prefix_invalid"),
    ],
)
def test_settings_a_city_cannot_issue_with_are_refused(kwargs, code):
    with pytest.raises(PagoPAError) as refused:
        NoticeSettings(**kwargs)
    assert refused.value.code == code


def test_the_tax_code_is_accepted_as_people_type_it():
    assert normalise_tax_code(" IT 011 9925 0158 ") == MILANO
    for tax_code in MUNICIPAL_TAX_CODES:
        assert normalise_tax_code(tax_code) == tax_code


@pytest.mark.parametrize("number", [0, -1, 10**13, True, 1.0])
def test_a_contribution_number_outside_the_iuv_base_is_refused(number):
    with pytest.raises(PagoPAError) as refused:
        notice_code_for(NoticeSettings(tax_code=MILANO, segregation_code="01"), number)
    assert refused.value.code == "number_out_of_range"


# ---------------------------------------------------------------- reading a notice code back


@pytest.mark.parametrize("value", ["30100000000012346", "3010000000001234689", "30100000000012346X", ""])
def test_a_notice_code_that_is_not_18_digits_is_refused(value):
    with pytest.raises(PagoPAError) as refused:
        parse_notice_code(value)
    assert refused.value.code == "notice_code_invalid"


def test_a_mistyped_notice_code_is_caught_by_its_check_digits():
    with pytest.raises(PagoPAError) as refused:
        parse_notice_code("301000000000123568")
    assert refused.value.code == "notice_check_digits_wrong"


def test_the_legacy_schemes_are_read():
    assert parse_notice_code("1" + "12345678901234567").iuv == "12345678901234567"  # no check digits
    head = "2" + "123456789012345"
    assert parse_notice_code(head + check_digits(head)).iuv == "123456789012345" + check_digits(head)


# ---------------------------------------------------------------- properties


@given(settings_and_number())
def test_every_notice_code_reads_back_to_its_iuv_and_station(case):
    settings, number = case
    code = notice_code_for(settings, number)
    assert len(code) == 18 and code.isdigit()
    read = parse_notice_code(format_notice_code(code))
    assert read.code == code
    assert read.aux_digit == settings.aux_digit
    assert read.iuv == iuv_for(settings, number)
    assert code.endswith(read.iuv)
    assert read.segregation_code == settings.segregation_code
    assert read.application_code == settings.application_code
    assert int(code[-15:-2]) % 10 ** (13 - len(settings.base_prefix)) == number


@given(settings_and_number(), settings_and_number())
def test_two_contributions_of_a_city_never_share_an_iuv(one, other):
    settings, number = one
    _, other_number = other
    other_number = min(other_number, settings.max_number)
    if number != other_number:
        assert iuv_for(settings, number) != iuv_for(settings, other_number)


@given(settings_and_number(), st.integers(0, 17), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(case, position, shift):
    settings, number = case
    code = notice_code_for(settings, number)
    digits = list(code)
    digits[position] = str((int(digits[position]) + shift) % 10)
    typo = "".join(digits)
    if typo[0] == "1":
        return  # the legacy scheme 1 has no check digits: nothing to catch with
    with pytest.raises(PagoPAError) as refused:
        parse_notice_code(typo)
    assert refused.value.code in ("notice_check_digits_wrong", "notice_code_invalid")


@given(settings_and_number(), st.integers(1, 9_999_999_999))
def test_the_qr_text_carries_the_notice_the_ente_and_the_exact_cents(case, cents):
    settings, number = case
    code = notice_code_for(settings, number)
    text = qr_payload(code, settings.tax_code, cents)
    identifier, version, notice, tax_code, amount = text.split("|")
    assert (identifier, version, notice, tax_code) == ("PAGOPA", "002", code, settings.tax_code)
    assert amount.isdigit() and 2 <= len(amount) <= 10
    assert int(amount) == cents
    assert text.isascii()


def test_the_module_imports_no_django():
    code = "import sys, cities4csr.funds.pagopa; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "[]"
