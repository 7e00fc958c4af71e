"""Money is integer cents: hundredths of the city's currency, whatever the currency.

The one parser for every amount a person types (forms, imports) and the one formatter for
every amount shown to a person (docs/adr/0009-money-input.md). Both follow the language of the
person: Italian writes ``60.000,50``, French ``60 000,50``, English ``60,000.50``.

Parsing is strict. Whatever could mean two things ("60.000" in English: sixty, or sixty thousand
as an Italian writes it), has more decimals than the currency has, is negative, is not a plain
number (exponents, NaN, other scripts' digits) or lies above ``MAX_CENTS`` is refused with a
``MoneyError`` whose message shows the forms accepted in that language. Nothing is rounded or
guessed.

Quantities (hours, items, days) are whole numbers up to ``MAX_QUANTITY``, read the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol
from django.conf import settings
from django.utils.translation import get_language, ngettext, to_locale
from django.utils.translation import gettext as _

#: cents in one unit of any currency: stored amounts are always hundredths
CENTS = 100
#: the largest amount accepted anywhere, in cents: 1,000,000,000,000.00 (well under 2^63)
MAX_CENTS = 10**14
#: the largest quantity of hours, items or days accepted anywhere
MAX_QUANTITY = 10**9
#: longer input is refused before it is looked at
MAX_INPUT_CHARS = 64

#: spaces people type between groups of digits: space, no-break space, narrow no-break space
_SPACES = " \u00a0\u202f"
_MINUS = "-\u2212"
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = set(".,'’" + _SPACES)


class MoneyError(ValueError):
    """An amount or quantity refused. ``code`` is stable (for tests and API clients); ``message``
    is for people, in the active language, and says which forms are accepted."""

    CODES = ("invalid", "ambiguous", "too_many_decimals", "negative", "too_small", "too_large", "not_whole")

    def __init__(self, code: str, message: str):
        assert code in self.CODES, code
        self.code = code
        self.message = message
        super().__init__(message)


def active_locale() -> str:
    """The language amounts are read and written in: the request's (or the importing person's)."""
    return get_language() or settings.LANGUAGE_CODE


# --- locale conventions ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Convention:
    group: str  # one character; " " stands for every kind of space
    decimal: str
    primary: int  # digits in the last group (3)
    secondary: int  # digits in the others (3; 2 in India)


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(to_locale(code or "en"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown locale {code!r}") from None


@lru_cache(maxsize=64)
def _convention(code: str) -> _Convention:
    locale = _locale(code)
    group = locale.number_symbols["latn"]["group"]
    decimal = locale.number_symbols["latn"]["decimal"]
    primary, secondary = locale.decimal_formats[None].grouping
    return _Convention(" " if group in _SPACES else group, decimal, primary, secondary)


@lru_cache(maxsize=64)
def decimals_of(currency: str) -> int:
    """Decimals an amount of ``currency`` may have: the currency's own (0 for HUF in cash, JPY…),
    at most the two that cents hold."""
    return min(get_currency_precision(currency), 2)


def _examples(locale: str, currency: str) -> str:
    digits = decimals_of(currency)
    whole = format_decimal(60000, locale=_locale(locale))
    if not digits:
        return _("Write an amount such as %(whole)s.") % {"whole": whole}
    fraction = format_decimal(Decimal("60000.50"), format=f"#,##0.{'0' * digits}", locale=_locale(locale))
    return _("Write an amount such as %(whole)s or %(decimal)s.") % {"whole": whole, "decimal": fraction}


def money_example(*, locale: str, currency: str) -> str:
    """The forms accepted in ``locale``, for help texts: "Write an amount such as 60.000 or 60.000,50."."""
    return _examples(locale, currency)


# --- parsing -----------------------------------------------------------------------------------


def _read_number(text: str, convention: _Convention) -> tuple[str, str, bool] | str:
    """(whole digits, decimal digits, grouped?) of ``text`` written in ``convention``, or the code
    of the problem: "ambiguous" when it is made of digits and separators in another form,
    "invalid" otherwise."""
    if convention.group == " ":
        text = "".join(" " if c in _SPACES else c for c in text)
    if not text or any(not ("0" <= c <= "9") and c not in _SEPARATORS for c in text):
        return "invalid"
    whole, _sep, fraction = text.partition(convention.decimal)
    if _sep and not (fraction and _DIGITS.fullmatch(fraction)):
        return "ambiguous"  # "5,", "5,5,5", "1,5.0" or a group inside the decimals
    if _DIGITS.fullmatch(whole):
        return whole, fraction, False
    groups = whole.split(convention.group)
    if (
        len(groups) > 1
        and all(_DIGITS.fullmatch(g) for g in groups)
        and 1 <= len(groups[0]) <= (convention.secondary if len(groups) > 2 else convention.primary)
        and len(groups[-1]) == convention.primary
        and all(len(g) == convention.secondary for g in groups[1:-1])
    ):
        return "".join(groups), fraction, True
    return "ambiguous"  # "1,5" in English, "60.000" in French, "1.00.000" in Italian


def _strip_currency(text: str, *, locale: str, currency: str) -> str:
    """``text`` without the currency's own symbol or code before or after it ("€ 5.000", "5 000 €")."""
    for mark in {get_currency_symbol(currency, locale=_locale(locale)), currency}:
        if text.startswith(mark):
            text = text[len(mark) :].strip()
        elif text.endswith(mark):
            text = text[: -len(mark)].strip()
    return text


def _problem(code: str, *, locale: str, currency: str, decimals: int = 0) -> MoneyError:
    reasons = {
        "invalid": _("This is not an amount."),
        "ambiguous": _("This amount can be read in more than one way."),
        "too_many_decimals": ngettext(
            "An amount in %(currency)s has at most %(n)d decimal.",
            "An amount in %(currency)s has at most %(n)d decimals.",
            decimals,
        )
        % {"currency": currency, "n": decimals}
        if decimals
        else _("An amount in %(currency)s has no decimals.") % {"currency": currency},
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount is too large: at most %(max)s.")
        % {"max": money_format(MAX_CENTS, locale=locale, currency=currency)},
    }
    return MoneyError(code, f"{reasons[code]} {_examples(locale, currency)}")


def money_parse(text, *, locale: str, currency: str) -> int:
    """Cents of an amount of ``currency`` typed in the language ``locale`` ("it", "fr", "en"…).

    "60.000,50" in Italian, "60 000,50" in French (any space), "60,000.50" in English, and the
    same without grouping or decimals, optionally with the currency's symbol or code. Raises
    MoneyError for anything else.
    """
    convention = _convention(locale)
    digits = decimals_of(currency)
    raw = str(text).strip()
    if len(raw) > MAX_INPUT_CHARS:
        code = "too_large" if all("0" <= c <= "9" or c in _SEPARATORS for c in raw) else "invalid"
        raise _problem(code, locale=locale, currency=currency)
    raw = _strip_currency(raw, locale=locale, currency=currency)
    negative = raw[:1] in tuple(_MINUS)
    if negative:
        raw = raw[1:].strip()
    read = _read_number(raw, convention)
    if isinstance(read, str):
        raise _problem(read, locale=locale, currency=currency)
    whole, fraction, grouped = read
    if negative:
        raise _problem("negative", locale=locale, currency=currency)
    if len(fraction) > digits:
        # "60.000" in English, "60,000" in Italian: a thousands separator in another language
        ambiguous = len(fraction) == 3 and not grouped
        code = "ambiguous" if ambiguous else "too_many_decimals"
        raise _problem(code, locale=locale, currency=currency, decimals=digits)
    if len(whole.lstrip("0")) > len(str(MAX_CENTS // CENTS)):
        raise _problem("too_large", locale=locale, currency=currency)
    cents = int(whole) * CENTS + int((fraction or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise _problem("too_large", locale=locale, currency=currency)
    return cents


def money_from_decimal(value, *, locale: str, currency: str) -> int:
    """Cents of an exact number (a spreadsheet's numeric cell, the API's "60000.50"): refused, as
    typed text is, when it is not finite, negative, has more decimals than the currency or is
    too large. ``locale`` is only the language of the message."""
    if isinstance(value, bool):
        raise _problem("invalid", locale=locale, currency=currency)
    try:
        # a float by its shortest repr: 0.1 + 0.2 is 0.30000000000000004, which is refused
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise _problem("invalid", locale=locale, currency=currency) from None
    if not number.is_finite():
        raise _problem("invalid", locale=locale, currency=currency)
    if number < 0:
        raise _problem("negative", locale=locale, currency=currency)
    if number > MAX_CENTS // CENTS:
        raise _problem("too_large", locale=locale, currency=currency)
    digits = decimals_of(currency)
    number = number.normalize() if number else Decimal(0)
    if -number.as_tuple().exponent > digits:
        raise _problem("too_many_decimals", locale=locale, currency=currency, decimals=digits)
    return int(number * CENTS)


def money_check(cents: int, *, locale: str, currency: str) -> int:
    """``cents`` if it is a whole, non-negative amount of cents within MAX_CENTS that the currency
    can hold (no fraction of a yen), else MoneyError."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise _problem("invalid", locale=locale, currency=currency)
    if cents < 0:
        raise _problem("negative", locale=locale, currency=currency)
    if cents > MAX_CENTS:
        raise _problem("too_large", locale=locale, currency=currency)
    digits = decimals_of(currency)
    if cents % 10 ** (2 - digits):
        raise _problem("too_many_decimals", locale=locale, currency=currency, decimals=digits)
    return cents


# --- quantities ----------------------------------------------------------------------------------


def _quantity_problem(code: str, *, locale: str, minimum: int = 0, maximum: int = MAX_QUANTITY) -> MoneyError:
    reasons = {
        "invalid": _("This is not a whole number."),
        "not_whole": _("This is not a whole number."),
        "ambiguous": _("This number can be read in more than one way."),
        "negative": _("The number cannot be negative."),
        "too_small": _("The number must be at least %(minimum)d.") % {"minimum": minimum},
        "too_large": _("The number is too large: at most %(max)s.")
        % {"max": format_decimal(maximum, locale=_locale(locale))},
    }
    example = _("Write a whole number such as %(example)s.") % {"example": format_decimal(1500, locale=_locale(locale))}
    return MoneyError(code, f"{reasons[code]} {example}")


def quantity_check(value, *, locale: str, minimum: int = 1, maximum: int = MAX_QUANTITY) -> int:
    """``value`` if it is a whole number from ``minimum`` to ``maximum``, else MoneyError (a float
    or Decimal, as a spreadsheet gives, only if it is whole)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _quantity_problem("invalid", locale=locale)
    if isinstance(value, float | Decimal):  # a spreadsheet's number: whole, or refused
        finite = math.isfinite(value) if isinstance(value, float) else value.is_finite()
        if not finite:
            raise _quantity_problem("invalid", locale=locale)
        if value != int(value):
            raise _quantity_problem("not_whole", locale=locale)
        value = int(value)
    if value < 0 and minimum >= 0:
        raise _quantity_problem("negative", locale=locale)
    if value < minimum:
        raise _quantity_problem("too_small", locale=locale, minimum=minimum)
    if value > maximum:
        raise _quantity_problem("too_large", locale=locale, maximum=maximum)
    return value


def quantity_parse(text, *, locale: str, minimum: int = 1, maximum: int = MAX_QUANTITY) -> int:
    """A whole number typed in ``locale`` ("1.500" in Italian, "1 500" in French, "1,500" in
    English), from ``minimum`` to ``maximum``; MoneyError otherwise."""
    raw = str(text).strip()
    if len(raw) > MAX_INPUT_CHARS:
        code = "too_large" if all("0" <= c <= "9" or c in _SEPARATORS for c in raw) else "invalid"
        raise _quantity_problem(code, locale=locale, maximum=maximum)
    negative = raw[:1] in tuple(_MINUS)
    read = _read_number(raw[1:].strip() if negative else raw, _convention(locale))
    if isinstance(read, str):
        raise _quantity_problem(read, locale=locale)
    whole, fraction, grouped = read
    if negative:
        raise _quantity_problem("negative", locale=locale)
    if fraction:
        code = "ambiguous" if len(fraction) == 3 and not grouped else "not_whole"
        raise _quantity_problem(code, locale=locale)
    if len(whole.lstrip("0")) > len(str(maximum)):
        raise _quantity_problem("too_large", locale=locale, maximum=maximum)
    return quantity_check(int(whole), locale=locale, minimum=minimum, maximum=maximum)


# --- formatting ----------------------------------------------------------------------------------


def money_format(cents: int, *, locale: str, currency: str) -> str:
    """12345 cents -> "123,45 €" in French, "€123.45" in English, "123,45 €" in Italian."""
    return format_currency(Decimal(int(cents)) / CENTS, currency, locale=_locale(locale))


def money_input(cents: int, *, locale: str, currency: str) -> str:
    """Cents as a person would type them back into a form in ``locale``, with the currency's
    decimals always written, so that no reader takes the grouping for a decimal point:
    "60.000,00" in Italian, "60 000,00" in French, "60,000.00" in English (no symbol)."""
    digits = decimals_of(currency)
    pattern = "#,##0" + (f".{'0' * digits}" if digits else "")
    return format_decimal(Decimal(int(cents)) / CENTS, format=pattern, locale=_locale(locale))


def quantity_input(quantity: int, *, locale: str) -> str:
    """A quantity as a person would type it back in ``locale``: "1.500" in Italian."""
    return format_decimal(int(quantity), locale=_locale(locale))


def _unit_phrase(unit: str, quantity: int) -> str | None:
    """The words of a stored unit code for ``quantity``, in the active language: "1 ora",
    "30 ore". None for a unit a person typed (kept as typed)."""
    phrases = {
        "hours": lambda n: ngettext("%(n)s hour", "%(n)s hours", n),
        "days": lambda n: ngettext("%(n)s day", "%(n)s days", n),
        "units": lambda n: ngettext("%(n)s unit", "%(n)s units", n),
    }
    phrase = phrases.get(unit)
    return phrase(quantity) if phrase else None


def unit_name(unit: str) -> str:
    """A stored unit code as a plural noun for a label ("ore", "heures"); a typed unit as typed."""
    from django.utils.translation import gettext

    names = {"hours": gettext("hours"), "days": gettext("days"), "units": gettext("units")}
    return names.get(unit, unit)


def unit_format(quantity: int, *, unit: str, locale: str) -> str:
    """A number and its unit for people, in ``locale``, singular or plural: "1 ora", "1.500 ore",
    "180 jours". A unit nobody translated (typed by a person: "kg") follows the number as typed."""
    from django.utils import translation

    number = quantity_input(quantity, locale=locale)
    with translation.override(locale):
        phrase = _unit_phrase(unit, int(quantity))
    if phrase is None:
        return f"{number} {unit}".strip()
    return phrase % {"n": number}


def quantity_format(quantity: int, *, money: bool, unit: str, locale: str, currency: str) -> str:
    """A resource line's quantity for people: an amount for money ("25.000,00 €"), the number and
    its unit otherwise, in the reader's words ("180 giorni", "1 heure")."""
    if money:
        return money_format(quantity, locale=locale, currency=currency)
    return unit_format(quantity, unit=unit, locale=locale)


def cents_to_euros(cents: int) -> Decimal:
    """Cents as an exact number of units (for exports and data files): 12345 -> Decimal("123.45")."""
    return (Decimal(cents) / CENTS).quantize(Decimal("0.01"))
