"""The one money parser (docs/adr/0009-money-input.md): each language's forms are read exactly,
whatever could mean two things or is out of bounds is refused with the accepted forms."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cities4csr.core.money import (
    MAX_CENTS,
    MAX_QUANTITY,
    MoneyError,
    money_check,
    money_format,
    money_from_decimal,
    money_input,
    money_parse,
    quantity_check,
    quantity_parse,
)

NBSP, NNBSP = "\u00a0", "\u202f"

ACCEPTED = {
    "it": [
        ("60.000", 6_000_000),
        ("60.000,50", 6_000_050),
        ("60000,5", 6_000_050),
        ("60000", 6_000_000),
        ("1.000.000", 100_000_000),
        ("0,05", 5),
        ("€ 60.000", 6_000_000),
        ("60.000,50 €", 6_000_050),
        ("  1.500  ", 150_000),
    ],
    "fr": [
        ("60 000,50", 6_000_050),
        (f"60{NBSP}000,50", 6_000_050),
        (f"60{NNBSP}000,50", 6_000_050),
        ("60000,50", 6_000_050),
        ("60 000", 6_000_000),
        ("1 000 000", 100_000_000),
        ("1,5", 150),
        ("60 000 €", 6_000_000),
    ],
    "en": [
        ("60,000.50", 6_000_050),
        ("60,000", 6_000_000),
        ("60000.50", 6_000_050),
        ("1.5", 150),
        ("1,000,000", 100_000_000),
        ("€60,000.50", 6_000_050),
        ("EUR 5", 500),
    ],
}

REFUSED = {
    "it": [
        ("60,000", "ambiguous"),  # 60 with three decimals, or sixty thousand as English writes it
        ("60,000.50", "ambiguous"),
        ("1.5", "ambiguous"),
        ("60 000,50", "ambiguous"),
        ("1.00.000", "ambiguous"),
        ("5,0000", "too_many_decimals"),
        ("5,505", "ambiguous"),
    ],
    "fr": [
        ("60.000", "ambiguous"),
        ("60.000,50", "ambiguous"),
        ("60,000.50", "ambiguous"),
        ("1.5", "ambiguous"),
        ("60,000", "ambiguous"),
        ("1,234", "ambiguous"),
    ],
    "en": [
        ("60.000", "ambiguous"),  # sixty thousand as an Italian writes it, or sixty
        ("1,5", "ambiguous"),  # one and a half, or fifteen
        ("60.000,50", "ambiguous"),
        ("60000,50", "ambiguous"),
        ("60 000", "ambiguous"),
        ("1.005", "ambiguous"),
        ("1.0055", "too_many_decimals"),
        ("1,00,000", "ambiguous"),
    ],
}

#: refused in every language
EVERYWHERE = [
    ("", "invalid"),
    ("lots", "invalid"),
    ("-5", "negative"),
    ("\u22125", "negative"),
    ("NaN", "invalid"),
    ("inf", "invalid"),
    ("Infinity", "invalid"),
    ("1e309", "invalid"),
    ("1E5", "invalid"),
    ("+5", "invalid"),
    ("0x10", "invalid"),
    ("\u0661\u0662", "invalid"),  # Arabic-Indic digits
    ("5 $", "invalid"),  # not the city's currency
    ("1" * 25, "too_large"),
    ("9" * 13, "too_large"),
    ("9" * 1000, "too_large"),
    ("x" * 1000, "invalid"),
]

EXAMPLES = {
    "it": "Write an amount such as 60.000 or 60.000,50.",
    "fr": f"Write an amount such as 60{NNBSP}000 or 60{NNBSP}000,50.",
    "en": "Write an amount such as 60,000 or 60,000.50.",
}


@pytest.mark.parametrize(
    ("locale", "text", "cents"), [(locale, text, cents) for locale, cases in ACCEPTED.items() for text, cents in cases]
)
def test_each_language_reads_its_own_forms(locale, text, cents):
    assert money_parse(text, locale=locale, currency="EUR") == cents


@pytest.mark.parametrize(
    ("locale", "text", "code"),
    [(locale, text, code) for locale, cases in REFUSED.items() for text, code in cases]
    + [(locale, text, code) for locale in ("it", "fr", "en") for text, code in EVERYWHERE],
)
def test_what_could_mean_two_things_or_is_out_of_bounds_is_refused_with_the_accepted_forms(locale, text, code):
    with pytest.raises(MoneyError) as refused:
        money_parse(text, locale=locale, currency="EUR")
    assert refused.value.code == code
    assert refused.value.message.endswith(EXAMPLES[locale])


def test_the_message_is_in_the_active_language():
    with translation.override("it"), pytest.raises(MoneyError) as refused:
        money_parse("1,5.0", locale="it", currency="EUR")
    assert refused.value.message.endswith("Scrivi un importo come 60.000 o 60.000,50.")
    with translation.override("fr"), pytest.raises(MoneyError) as refused:
        money_parse("60.000", locale="fr", currency="EUR")
    assert refused.value.message.endswith(f"Écrivez un montant comme 60{NNBSP}000 ou 60{NNBSP}000,50.")


def test_the_bound_is_inclusive_and_well_under_the_database_integer():
    assert MAX_CENTS < 2**63 // 1000
    assert money_parse("1.000.000.000.000", locale="it", currency="EUR") == MAX_CENTS
    with pytest.raises(MoneyError, match="at most 1.000.000.000.000,00") as refused:
        money_parse("1.000.000.000.000,01", locale="it", currency="EUR")
    assert refused.value.code == "too_large"


def test_the_currency_sets_the_decimals():
    assert money_parse("60.000", locale="it", currency="JPY") == 6_000_000  # cents are hundredths of any currency
    with pytest.raises(MoneyError) as refused:
        money_parse("60.000,5", locale="it", currency="JPY")
    assert refused.value.code == "too_many_decimals" and "JPY has no decimals" in refused.value.message
    assert money_parse("60.000,50", locale="it", currency="HUF") == 6_000_050


@given(
    cents=st.integers(min_value=0, max_value=MAX_CENTS),
    locale=st.sampled_from(["it", "en", "fr"]),
    currency=st.sampled_from(["EUR", "HUF", "CHF"]),
)
def test_what_is_shown_or_prefilled_reads_back_the_same(cents, locale, currency):
    """format then parse round-trips in each language: what a person sees, they can type back."""
    assert money_parse(money_input(cents, locale=locale, currency=currency), locale=locale, currency=currency) == cents
    shown = money_format(cents, locale=locale, currency=currency)
    assert money_parse(shown, locale=locale, currency=currency) == cents


def test_amounts_are_shown_as_the_reader_writes_them():
    assert money_format(6_000_050, locale="it", currency="EUR") == f"60.000,50{NBSP}€"
    assert money_format(6_000_050, locale="fr", currency="EUR") == f"60{NNBSP}000,50{NBSP}€"
    assert money_format(6_000_050, locale="en", currency="EUR") == "€60,000.50"
    assert "HUF" in money_format(6_000_050, locale="en", currency="HUF")


@pytest.mark.parametrize(
    ("value", "cents"),
    [(5000.5, 500_050), (5000, 500_000), ("60000.50", 6_000_050), (Decimal("1E+2"), 10_000), (0.07, 7)],
)
def test_exact_numbers_are_taken_exactly(value, cents):
    assert money_from_decimal(value, locale="en", currency="EUR") == cents


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (0.1 + 0.2, "too_many_decimals"),  # 0.30000000000000004: never rounded
        (1.005, "too_many_decimals"),
        (float("inf"), "invalid"),
        (float("nan"), "invalid"),
        ("1e309", "too_large"),
        (2**63, "too_large"),
        (-1, "negative"),
        (True, "invalid"),
        ("lots", "invalid"),
    ],
)
def test_exact_numbers_out_of_bounds_are_refused(value, code):
    with pytest.raises(MoneyError) as refused:
        money_from_decimal(value, locale="en", currency="EUR")
    assert refused.value.code == code


def test_integer_cents_are_bounded():
    assert money_check(MAX_CENTS, locale="en", currency="EUR") == MAX_CENTS
    for value, code in [(MAX_CENTS + 1, "too_large"), (2**63, "too_large"), (-1, "negative"), (1.5, "invalid")]:
        with pytest.raises(MoneyError) as refused:
            money_check(value, locale="en", currency="EUR")
        assert refused.value.code == code
    with pytest.raises(MoneyError) as refused:
        money_check(150, locale="en", currency="JPY")  # 1.50 yen
    assert refused.value.code == "too_many_decimals"


@pytest.mark.parametrize(
    ("locale", "text", "number"),
    [
        ("it", "1.500", 1500),
        ("fr", "1 500", 1500),
        ("fr", f"1{NNBSP}500", 1500),
        ("en", "1,500", 1500),
        ("en", "40", 40),
    ],
)
def test_quantities_are_read_as_each_language_writes_them(locale, text, number):
    assert quantity_parse(text, locale=locale) == number


@pytest.mark.parametrize(
    ("locale", "text", "code"),
    [
        ("en", "1.500", "ambiguous"),  # 1.5 or fifteen hundred
        ("it", "1,500", "ambiguous"),
        ("it", "1,5", "not_whole"),
        ("en", "1.5", "not_whole"),
        ("en", "-3", "negative"),
        ("en", "0", "too_small"),
        ("en", str(MAX_QUANTITY + 1), "too_large"),
        ("en", str(2**63), "too_large"),
        ("en", "1" * 25, "too_large"),
        ("en", "1e309", "invalid"),
        ("en", "ten", "invalid"),
    ],
)
def test_quantities_out_of_bounds_are_refused(locale, text, code):
    with pytest.raises(MoneyError) as refused:
        quantity_parse(text, locale=locale)
    assert refused.value.code == code and refused.value.message


def test_spreadsheet_quantities_must_be_whole_and_bounded():
    assert quantity_check(40.0, locale="en") == 40
    for value, code in [(40.5, "not_whole"), (float("inf"), "invalid"), (10.0**30, "too_large"), ("40", "invalid")]:
        with pytest.raises(MoneyError) as refused:
            quantity_check(value, locale="en")
        assert refused.value.code == code


#: the only float/Decimal conversions left in the files where input enters, and why
ALLOWED = {
    ("needs/importing.py", "number = float(value.replace"),  # coordinates in decimal degrees, not money
    ("instruments/api/serializers.py", 'data["value_eur"] = float('),  # DRF DecimalField's value, for the advisor
    # a campaign matcher's factor is a ratio ("€1 becomes €2"), not an amount
    ("campaigns/api/serializers.py", 'Decimal("0.001")'),
    ("campaigns/api/serializers.py", "Decimal(100)"),
    ("campaigns/api/serializers.py", "Decimal(1)"),
    ("campaigns/forms.py", "forms.DecimalField("),
    ("campaigns/forms.py", 'Decimal("0.001")'),
    ("campaigns/forms.py", "Decimal(100)"),
    ("campaigns/forms.py", "Decimal(1)"),
    ("funds/views.py", "float(cents_to_euros("),  # the chart's numbers, written out for Chart.js, not read
}


def test_no_other_amount_parser_is_left():
    """Amounts people type go through core.money: no euros_to_cents, no hand-made Decimal/float
    parsing, no "* 100" where forms, imports, commands and serializers read input."""
    root = Path(__file__).resolve().parents[2]
    inputs = [
        path
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.parts
        and (
            path.name in ("forms.py", "importing.py", "tabular.py", "serializers.py", "views.py")
            or "commands" in path.parts
        )
    ]
    assert len(inputs) > 20
    ad_hoc = re.compile(r"euros_to_cents|Decimal\(|float\(|\* ?100\b|forms\.DecimalField")
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in inputs
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ad_hoc.search(line)
        and not any(str(path.relative_to(root)) == name and snippet in line for name, snippet in ALLOWED)
    ]
    assert offenders == []
    assert not any("euros_to_cents" in p.read_text(encoding="utf-8") for p in root.rglob("*.py") if p != Path(__file__))
