"""Content typed by people (indicator names, action titles) kept in several languages.

Stored as a JSON object {"it": ..., "en": ..., "fr": ...}; read with the active language,
falling back to English, then to any language present.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

FALLBACK = "en"


def pick(texts: dict | None, language: str | None = None) -> str:
    if not texts:
        return ""
    language = (language or get_language() or FALLBACK)[:2]
    return texts.get(language) or texts.get(FALLBACK) or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Translated:
    """A text of the city's content as one reader gets it: in their language when someone
    translated it, else the original, with the original's language (for ``lang``) and a flag."""

    text: str
    language: str
    fallback: bool


def translated(texts: dict | None, *, original_language: str, original: str | None = None, language=None):
    """``texts`` ({language: text}) for the reader: their language, else the original (``original``
    or ``texts[original_language]``, else any), marked as a fallback when it is not theirs."""
    texts = {k: v for k, v in (texts or {}).items() if v}
    language = (language or get_language() or FALLBACK)[:2]
    if original:
        texts.setdefault(original_language, original)
    if texts.get(language):
        return Translated(texts[language], language, False)
    if texts.get(original_language):
        return Translated(texts[original_language], original_language, True)
    for other, text in texts.items():
        return Translated(text, other, True)
    return Translated("", language, False)


def language_name(language: str) -> str:
    """A language's name as the reader writes it inside a sentence: "Italian", "italiano", "italien"."""
    from django.utils.translation import get_language_info

    try:
        name = str(get_language_info(language)["name_translated"])
    except KeyError:
        return language
    return name if (get_language() or "en")[:2] == "en" else name.lower()


def original_marker(language: str) -> str:
    """The words "original in Italian", in the reader's language."""
    from django.utils.translation import gettext as _

    return _("original in %(language)s") % {"language": language_name(language)}
