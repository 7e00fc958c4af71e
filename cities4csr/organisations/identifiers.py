"""Checks of legal identifiers, with their official check digits, by python-stdnum (which keeps
the rules of every EU country: office codes, check digits, formats). Pure Python."""

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.it import codicefiscale, iva


def italian_vat_ok(value: str) -> bool:
    """Partita IVA: 11 digits (an optional 'IT' prefix), a valid office code and check digit."""
    return iva.is_valid(value.upper().removeprefix("IT"))


def italian_tax_code_ok(value: str) -> bool:
    """Codice fiscale: 16 characters for people, or 11 digits for legal entities (as a VAT number)."""
    return codicefiscale.is_valid(value)


def siren_ok(value: str) -> bool:
    """French SIREN: 9 digits with a Luhn check digit."""
    return fr_siren.is_valid(value)


def vat_ok(value: str) -> bool:
    """An EU VAT number with its country prefix, checked by that country's rules."""
    return eu_vat.is_valid(value)
