"""ISO 11649 creditor references: built, validated, found in free text (properties and cases)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from cities4csr.funds.banking.rf import (
    RFError,
    rf_build,
    rf_candidates,
    rf_check_digits,
    rf_format,
    rf_is_valid,
    rf_normalise,
    rf_validate,
)

prefixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=0, max_size=6)
ids = st.integers(min_value=0, max_value=10**12)


@given(ids, prefixes)
def test_a_built_reference_is_valid_and_reads_back_in_any_spacing_and_case(number, prefix):
    reference = rf_build(number, prefix)
    assert reference.startswith("RF") and len(reference) <= 25 and reference.isalnum()
    assert iso11649.is_valid(reference)
    assert rf_validate(rf_format(reference).lower()) == reference
    assert rf_validate(" " + rf_format(reference) + " ") == reference
    assert reference.endswith(prefix.upper() + str(number))


@given(ids, prefixes, st.integers(min_value=0, max_value=99))
def test_only_the_right_check_digits_are_valid(number, prefix, digits):
    reference = rf_build(number, prefix)
    forged = f"RF{digits:02d}{reference[4:]}"
    assert rf_is_valid(forged) == (forged == reference)


@given(ids, prefixes)
def test_one_changed_character_is_caught(number, prefix):
    reference = rf_build(number, prefix)
    last = reference[-1]
    changed = reference[:-1] + ("1" if last != "1" else "2")
    assert not rf_is_valid(changed)


@given(ids, prefixes)
def test_a_reference_is_found_in_the_text_a_payer_typed(number, prefix):
    reference = rf_build(number, prefix)
    text = f"Donazione Milano Aiuta rif. {rf_format(reference).lower()} grazie mille"
    assert reference in rf_candidates(text)


def test_the_iso_example_and_printing_in_groups_of_four():
    assert rf_validate("RF18 5390 0754 7034") == "RF18539007547034"
    assert rf_format("RF18539007547034") == "RF18 5390 0754 7034"
    assert rf_check_digits("539007547034") == "18"
    assert rf_normalise("rf18-5390 0754.7034") == "RF18539007547034"


def test_what_is_refused():
    with pytest.raises(RFError) as too_long:
        rf_build(10**20, "ABCDEF")
    assert too_long.value.code == "too_long"
    with pytest.raises(RFError) as prefix:
        rf_build(1, "MI-")
    assert prefix.value.code == "bad_prefix"
    for bad in ("RF17 5390 0754 7034", "XX18539007547034", "RF18", "", "RF18 5390 0754 7034 !"):
        assert not rf_is_valid(bad), bad
