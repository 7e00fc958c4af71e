from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(cents):
    """12345 -> '123.45' in the active locale's number format (e.g. '123,45')."""
    if cents in (None, ""):
        return ""
    return number_format(round(int(cents) / 100, 2), decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def quantity(value, line):
    """A line's quantity in its unit: euros for money, the number otherwise."""
    return f"€ {euros(value)}" if line.kind == "money" else f"{value} {line.unit}"
