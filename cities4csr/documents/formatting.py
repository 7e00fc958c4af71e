"""Amounts and dates as a contract in Italian or French writes them (pure: no Django).

Italian contracts write "€ 60.000,00" and the first of the month "1° dicembre 2026"; French ones
"60 000,00 €" and "1er décembre 2026". The space inside an amount is a no-break space, so a
line never breaks between the sign and the figure.
"""

from __future__ import annotations

from datetime import date

#: what a draft leaves for the legal office to fill in
BLANK = "[…]"

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: French groups of digits

MONTHS = {
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
FIRST = {"it": "1°", "fr": "1er"}


def _grouped(units: int, separator: str) -> str:
    digits = str(units)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def amount(cents: int, language: str, currency: str = "EUR") -> str:
    """``6_000_000`` cents → "€ 60.000,00" (it), "60 000,00 €" (fr). Other currencies keep their
    ISO code in place of the sign."""
    if cents < 0:
        raise ValueError("amounts in a draft are never negative")
    units, rest = divmod(cents, 100)
    sign = "€" if currency == "EUR" else currency
    if language == "fr":
        return f"{_grouped(units, NNBSP)},{rest:02d}{NBSP}{sign}"
    return f"{sign}{NBSP}{_grouped(units, '.')},{rest:02d}"


def long_date(day: date | str | None, language: str) -> str:
    """``2026-12-01`` → "1° dicembre 2026" (it), "1er décembre 2026" (fr); nothing → the blank."""
    if not day:
        return BLANK
    if isinstance(day, str):
        day = date.fromisoformat(day)
    number = FIRST[language] if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[language][day.month - 1]} {day.year}"
