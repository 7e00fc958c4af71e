"""Checks of legal identifiers, with their official check digits. Pure Python."""

import re


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def italian_vat_ok(value: str) -> bool:
    """Partita IVA: 11 digits, the last a Luhn check digit (optional 'IT' prefix)."""
    value = value.upper().removeprefix("IT")
    return bool(re.fullmatch(r"\d{11}", value)) and value != "00000000000" and _luhn_ok(value)


_CF_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=False,
    )
)


def _cf_even(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A")


def italian_tax_code_ok(value: str) -> bool:
    """Codice fiscale: 11 digits for legal entities (as a VAT number), 16 characters for people."""
    value = value.upper()
    if re.fullmatch(r"\d{11}", value):
        return italian_vat_ok(value)
    if not re.fullmatch(r"[A-Z0-9]{15}[A-Z]", value):
        return False
    total = sum(_CF_ODD[c] if i % 2 == 0 else _cf_even(c) for i, c in enumerate(value[:15]))
    return chr(ord("A") + total % 26) == value[15]


def siren_ok(value: str) -> bool:
    """French SIREN: 9 digits with a Luhn check digit."""
    value = value.replace(" ", "")
    return bool(re.fullmatch(r"\d{9}", value)) and _luhn_ok(value)


def french_vat_ok(value: str) -> bool:
    """French VAT: FR + 2-digit key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97."""
    match = re.fullmatch(r"FR(\d{2})(\d{9})", value.upper().replace(" ", ""))
    if not match or not siren_ok(match.group(2)):
        return False
    return int(match.group(1)) == (12 + 3 * (int(match.group(2)) % 97)) % 97


def vat_ok(value: str) -> bool:
    """An EU VAT number: checked for Italy and France, format-checked elsewhere."""
    value = value.upper().replace(" ", "")
    if value.startswith("IT"):
        return italian_vat_ok(value)
    if value.startswith("FR"):
        return french_vat_ok(value)
    return bool(re.fullmatch(r"[A-Z]{2}[0-9A-Z+*.]{2,12}", value))
