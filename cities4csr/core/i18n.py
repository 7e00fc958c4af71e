"""Content typed by people (indicator names, action titles) kept in several languages.

Stored as a JSON object {"it": ..., "en": ..., "fr": ...}; read with the active language,
falling back to English, then to any language present.
"""

from django.utils.translation import get_language

FALLBACK = "en"


def pick(texts: dict | None, language: str | None = None) -> str:
    if not texts:
        return ""
    language = (language or get_language() or FALLBACK)[:2]
    return texts.get(language) or texts.get(FALLBACK) or next(iter(texts.values()), "")
