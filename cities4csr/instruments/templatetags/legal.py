from django import template

from cities4csr.core.i18n import pick

register = template.Library()


@register.filter
def lang(texts):
    """A {language: text} of the rule packs, in the page's language."""
    return pick(texts) if isinstance(texts, dict) else texts


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, {})


@register.filter
def as_date(value):
    """An ISO date of the advice ("2022-07-29") as a date, for the ``date`` filter."""
    from datetime import date

    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return value
