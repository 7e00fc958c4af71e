"""Amounts for people: in the city's currency, as the reader's language writes them.

``{% money pledge.value_cents %}`` -> "60.000,50 €" on an Italian page, "€60,000.50" on an
English one. The currency is the city's (``city`` is in every city page's context); the tag
refuses to guess one.
"""

from django import template

from cities4csr.core.money import active_locale, money_format, quantity_format, unit_format

register = template.Library()


def context_currency(context) -> str:
    city = context.get("city")
    if city is None:
        raise template.TemplateSyntaxError("{% money %} needs the city (its currency) in the context")
    return city.currency


def money_text(cents, currency: str) -> str:
    """Cents as text for people: "60.000,50 €" (the active language), "" for no amount."""
    if cents in (None, ""):
        return ""
    return money_format(int(cents), locale=active_locale(), currency=currency)


def quantity_text(value, line, currency: str) -> str:
    """A line's quantity in its unit: an amount for money, the number and unit otherwise."""
    return quantity_format(value, money=line.kind == "money", unit=line.unit, locale=active_locale(), currency=currency)


@register.simple_tag(takes_context=True)
def money(context, cents, currency=None):
    return money_text(cents, currency or context_currency(context))


@register.simple_tag(takes_context=True)
def quantity(context, value, line):
    return quantity_text(value, line, context_currency(context))


@register.simple_tag
def units(value, unit):
    """A number and its unit in the reader's words: ``{% units offer.quantity offer.unit %}`` ->
    "1 ora", "30 ore"."""
    if value in (None, ""):
        return ""
    return unit_format(int(value), unit=unit, locale=active_locale())
