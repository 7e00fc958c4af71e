"""Small filters of the fund pages."""

from django import template

register = template.Library()


@register.filter
def groups_of_four(value) -> str:
    """An IBAN or an RF reference as people read and type it: "RF18 C1N4 2"."""
    text = "".join(str(value or "").split()).upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
