"""The hash of a ledger movement: SHA-256 over the previous movement's hash and a canonical
JSON of the movement's content (its postings in a fixed order). Pure: no Django."""

from __future__ import annotations

import hashlib
import json

#: the hash a city's first movement follows
GENESIS = "0" * 64


def group_hash(*, prev_hash: str, content: dict, postings: list[tuple]) -> str:
    """``content``: the movement's fields (strings and integers); ``postings``: one
    ``(account kind, account ref_id, amount_cents, quantity, unit)`` per posting, in any order."""
    body = {**content, "postings": sorted([list(p) for p in postings])}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()
