"""The city's own content (needs, actions, themes) in the reader's language, or visibly the original.

``{% translated theme.names %}`` and ``{% translated need.titles original=need.title %}`` write the
reader's translation when there is one; otherwise the original, inside ``lang="…"`` (screen readers
switch voice) and followed by a small "original in Italian". ``|translated_text`` gives the same
text without markup, for titles and attributes.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html

from cities4csr.core.i18n import original_marker
from cities4csr.core.i18n import translated as translated_text_of

register = template.Library()


def _original_language(context) -> str:
    city = context.get("city")
    return getattr(city, "default_language", None) or "en"


@register.simple_tag(takes_context=True)
def translated(context, texts, original=None, multiline=False):
    return translated_html(texts, original_language=_original_language(context), original=original, multiline=multiline)


def translated_html(texts, *, original_language: str, original=None, multiline=False):
    """The reader's translation, or the original in its ``lang`` with "(original in …)"."""
    found = translated_text_of(texts, original_language=original_language, original=original)
    text = linebreaksbr(found.text, autoescape=True) if multiline else found.text
    if not found.fallback:
        return format_html("{}", text)
    return format_html(
        '<span lang="{}">{}</span> <small class="text-body-secondary fw-normal fs-6 original-language">({})</small>',
        found.language,
        text,
        original_marker(found.language),
    )


@register.simple_tag(takes_context=True)
def translated_text(context, texts, original=None):
    return translated_text_of(texts, original_language=_original_language(context), original=original).text
