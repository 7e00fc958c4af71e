"""Numbers on the dashboard's pages written as the page's language writes them."""

from django import template

from cities4csr.core.money import active_locale, quantity_input

register = template.Library()


@register.filter
def whole(value) -> str:
    """12345 -> "12.345" on an Italian page, "12,345" on an English one, "12 345" on a French one."""
    if value in (None, ""):
        return ""
    return quantity_input(int(value), locale=active_locale())
