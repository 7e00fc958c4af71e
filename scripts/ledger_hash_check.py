"""Recompute the hash of every movement in a fund's public ledger file (JSON), with nothing but
Python's standard library: what a citizen, a journalist or an auditor runs to check that the
movements published say what was hashed when they were recorded (ADR 0025, ADR 0030).

    python scripts/ledger_hash_check.py milano-milano-aiuta-ledger-2026-12-06.json

Each movement's hash is SHA-256 of the previous movement's hash (``prev_hash``), a line break and
the movement's content (``chain.content`` with ``chain.postings`` sorted) as JSON with sorted keys,
separators "," and ":" and UTF-8 characters as they are. Exits 1 naming each movement that does
not match. A fund's movements are part of the city's one chain: ``prev_hash`` links them to the
city's movement before, which may be another fund's; the whole chain is checked by the city with
``manage.py ledger_verify``, and the published head (number and hash) lets anyone see later that
it was not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import sys


def movement_hash(movement: dict) -> str:
    chain = movement["chain"]
    body = {**chain["content"], "postings": sorted([list(p) for p in chain["postings"]])}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{movement['prev_hash']}\n{text}".encode()).hexdigest()


def check(data: dict) -> list[tuple[int, str]]:
    """(number, why) of each movement whose published hash is not the hash of its content."""
    problems = []
    for movement in data["movements"]:
        if movement["chain"]["content"].get("seq") != movement["number"]:
            problems.append((movement["number"], "its number is not the one its hash covers"))
        elif movement_hash(movement) != movement["hash"]:
            problems.append((movement["number"], "its content does not match its hash"))
    return problems


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python scripts/ledger_hash_check.py LEDGER.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as file:
        data = json.load(file)
    problems = check(data)
    for number, why in problems:
        print(f"movement no. {number}: {why}")
    count = len(data["movements"])
    if not problems:
        head = data.get("head") or {}
        print(
            f"{count} movements: every hash matches its content. The city's chain head: no. {head.get('number')}, {head.get('hash')}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
