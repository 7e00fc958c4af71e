"""ISO 11649 structured creditor references ("RF" references).

A reference is ``RF`` + two check digits + a body of 1 to 21 letters and digits, 25 characters at
most. The check digits make ``body + "RF" + check`` (letters read as numbers, A=10 … Z=35) equal 1
modulo 97, as an IBAN's do (ISO 7064 MOD 97-10); python-stdnum computes and validates them.

The platform builds a contribution's reference from a per-city prefix and the contribution's id
(``rf_build(4217, "MI")`` -> ``"RF78MI4217"``), so it is unique per city and short enough to type.
People and banks write it with spaces and in lower case; everything here reads it back in either
form. ``rf_candidates`` finds the references hidden in a transfer's free text ("Donazione RF78 MI42
17 grazie"), where banks put them when the payer typed it instead of choosing "structured".
"""

from __future__ import annotations

import functools
import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

#: longest reference, "RF" and the check digits included
MAX_LENGTH = 25
#: longest body (what follows "RF" and the check digits)
MAX_BODY = MAX_LENGTH - 4

_ALNUM = re.compile(r"[0-9A-Z]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_START = re.compile(r"RF[0-9]{2}")
#: what a typed reference may hold besides letters and digits: spaces and dashes
_NOT_TYPED = re.compile(r"[^0-9A-Z\s-]")


class RFError(ValueError):
    """A reference that cannot be built or read. ``code``: "too_long", "bad_characters",
    "bad_prefix", "invalid"."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code, params)


def rf_normalise(text: str) -> str:
    """The compact form: upper case, without spaces or the separators people add ("rf78 mi42-17"
    -> "RF78MI4217"). Does not check anything."""
    return _NOT_ALNUM.sub("", (text or "").upper())


def rf_check_digits(body: str) -> str:
    """The two check digits of ``body`` (letters and digits)."""
    body = rf_normalise(body)
    if not body or not _ALNUM.fullmatch(body):
        raise RFError("bad_characters", value=body)
    return mod_97_10.calc_check_digits(body + "RF")


def rf_build(number: int, prefix: str = "") -> str:
    """The reference of ``number`` (a contribution's id) under a city's ``prefix``: "RF" + check
    digits + prefix + the number in decimal."""
    if number < 0:
        raise RFError("invalid", value=str(number))
    if prefix and not _ALNUM.fullmatch(prefix.upper()):
        raise RFError("bad_prefix", value=prefix)
    body = prefix.upper() + str(number)
    if len(body) > MAX_BODY:
        raise RFError("too_long", value=body, max=MAX_BODY)
    return "RF" + rf_check_digits(body) + body


def rf_validate(text: str) -> str:
    """The compact reference of ``text`` if it is a valid RF reference (any case and spacing);
    raises RFError otherwise."""
    if _NOT_TYPED.search((text or "").upper()):
        raise RFError("bad_characters", value=text)
    compact = rf_normalise(text)
    if not _mod97_holds(compact):  # most candidates out of free text: refused without stdnum's slower path
        raise RFError("invalid", value=text)
    try:
        compact = iso11649.validate(compact)
    except ValidationError:
        raise RFError("invalid", value=text) from None
    if not "02" <= compact[2:4] <= "98":  # 00 and 01 pass MOD 97-10 as 97 and 98 do, 99 never comes out
        raise RFError("invalid", value=text)
    return compact


#: letters as ISO 7064's numbers (A = 10 … Z = 35)
_AS_DIGITS = str.maketrans({chr(code): str(code - 55) for code in range(ord("A"), ord("Z") + 1)})


def _mod97_holds(compact: str) -> bool:
    """MOD 97-10 of a compact reference, as ``iso11649.validate`` checks it (which it still runs
    on the references that pass): the body, then "RF" and the check digits, as a number."""
    if len(compact) < 5 or not compact.startswith("RF") or not _ALNUM.fullmatch(compact):
        return True  # not this check's to refuse: stdnum says why
    return int((compact[4:] + compact[:4]).translate(_AS_DIGITS)) % 97 == 1


def rf_is_valid(text: str) -> bool:
    try:
        rf_validate(text)
    except RFError:
        return False
    return True


def rf_format(text: str) -> str:
    """For printing: groups of four characters ("RF78 MI42 17")."""
    compact = rf_normalise(text)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def rf_candidates(text: str) -> list[str]:
    """Every valid reference that could be written in ``text`` (free remittance text), in compact
    form, longest first for each place it starts. Spaces, dashes and slashes inside a reference
    are ignored, so a reference may run into the next word: several candidates can come out of
    one place, and the caller keeps those it knows."""
    return list(_candidates(text))


@functools.lru_cache(maxsize=4096)  # a statement's chunk asks each line's text twice
def _candidates(text: str) -> tuple[str, ...]:
    compact = rf_normalise(text)
    found: list[str] = []
    for start in _START.finditer(compact):
        begin = start.start()
        longest = min(len(compact), begin + MAX_LENGTH)
        for end in range(longest, begin + 4, -1):
            candidate = compact[begin:end]
            # a candidate is compact, "RF…", alphanumeric: rf_validate's first check (MOD 97-10)
            # inline, which most fail, before the whole of it
            if int((candidate[4:] + candidate[:4]).translate(_AS_DIGITS)) % 97 != 1:
                continue
            if candidate not in found and rf_is_valid(candidate):
                found.append(candidate)
    return tuple(found)
