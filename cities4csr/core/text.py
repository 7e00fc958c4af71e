"""Accent- and case-insensitive text for search that works the same on SQLite and PostgreSQL."""

import unicodedata


def fold(text: str) -> str:
    """'Città Studi' -> 'citta studi'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


#: the domain of an erased account's pseudonymous address (privacy.services.user_erase); RFC 2606:
#: a domain that can never receive mail
PSEUDONYM_DOMAIN = "erased.invalid"
