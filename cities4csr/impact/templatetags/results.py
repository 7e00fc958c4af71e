"""Figures of results as the page's language writes them."""

from decimal import Decimal

from babel.numbers import format_decimal
from django import template

from cities4csr.core.money import active_locale

register = template.Library()


@register.filter
def number(value) -> str:
    """A Decimal as the page's language writes it, without trailing zeros ("1.234,5" in it)."""
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value).normalize(), locale=active_locale())


@register.filter
def percent(progress) -> int:
    """A progress in [0, 1] as a whole percent (the bar's class pct-N)."""
    return 0 if progress is None else max(0, min(100, round(progress * 100)))
