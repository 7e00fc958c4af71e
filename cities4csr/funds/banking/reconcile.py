"""The matcher: which statement line pays which pending contribution.

Given the bank entries of a statement and the pending contributions of the fund, it decides, in
this order:

1. by reference: the contribution whose RF reference is the entry's structured creditor
   reference, or is written anywhere in its remittance text (in any case and spacing; a reference
   that runs into the next word is found too, since only references of pending contributions are
   looked for);
2. by amount and name, for the entries left: the contribution of exactly the entry's amount whose
   donor's name is similar to the debtor's (accents, case and punctuation aside, every word of the
   shorter name in the longer, words of one letter and company forms such as "srl" left out),
   when the entry has exactly one such candidate and the candidate fits no other entry left;
3. otherwise the entry stays unmatched, for an officer to look at.

Debits and entries in another currency are never matched. An entry is matched at most once, and
a contribution at most once. The matcher is pure: it reads its arguments and returns decisions;
storing them and receiving the money is the funds app's work.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cities4csr.funds.banking.records import BankEntry
from cities4csr.funds.banking.rf import rf_candidates, rf_normalise

#: why an entry was matched
REFERENCE = "reference"
AMOUNT_AND_NAME = "amount_name"
#: why an entry was not
DEBIT = "debit"
OTHER_CURRENCY = "currency"
NO_CANDIDATE = "no_candidate"
AMBIGUOUS = "ambiguous"
DUPLICATE = "duplicate"  # the same booking given twice

#: words that say what kind of body a name is, not which one (Italian, French, English forms)
LEGAL_FORMS = frozenset(
    [
        "srl",
        "srls",
        "spa",
        "sas",
        "snc",
        "sapa",
        "scarl",
        "scrl",
        "onlus",
        "odv",
        "aps",
        "ets",
        "sarl",
        "sa",
        "sasu",
        "eurl",
        "sci",
        "scop",
        "ltd",
        "llc",
        "inc",
        "plc",
        "gmbh",
        "ag",
        "sig",
        "sigra",
        "sra",
        "dott",
        "dr",
        "mr",
        "mrs",
        "ms",
        "mme",
        "mlle",
        "de",
        "di",
        "da",
        "del",
        "della",
        "dei",
        "degli",
        "le",
        "la",
        "les",
        "du",
        "des",
        "van",
        "von",
        "the",
        "and",
        "et",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class PendingContribution:
    id: int
    reference: str
    amount_cents: int
    donor_name: str = ""
    currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class Decision:
    """What the matcher decided for one entry: ``contribution_id`` is None when unmatched, and
    ``reason`` says why either way (REFERENCE, AMOUNT_AND_NAME; DEBIT, OTHER_CURRENCY,
    NO_CANDIDATE, AMBIGUOUS, DUPLICATE). ``amount_differs`` flags a reference match whose amount is not the
    contribution's."""

    entry_key: str
    contribution_id: int | None
    reason: str
    amount_differs: bool = False

    @property
    def matched(self) -> bool:
        return self.contribution_id is not None


def name_words(name: str) -> frozenset[str]:
    """The words of a person's or body's name that tell it apart: "Rossi Mario & C. S.r.l." ->
    {"rossi", "mario"}."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", plain)  # "s.r.l." -> "srl"
    plain = plain.replace(".", "")
    return frozenset(w for w in _WORD.findall(plain) if len(w) > 1 and w not in LEGAL_FORMS)


def names_similar(a: str | frozenset[str], b: str | frozenset[str]) -> bool:
    """Whether two names can be the same person or body: every word of the shorter in the longer
    ("ROSSI MARIO" and "Mario Rossi"; "Mario Rossi" and "Rossi Mario Giuseppe"; not "Maria Rossi")."""
    words_a = a if isinstance(a, frozenset) else name_words(a)
    words_b = b if isinstance(b, frozenset) else name_words(b)
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    return shorter <= longer


def references_in(entry: BankEntry) -> list[str]:
    """Every reference the entry may carry, the structured one first."""
    found = []
    if entry.reference:
        found.append(rf_normalise(entry.reference))
    for text in (entry.reference, entry.remittance):
        for candidate in rf_candidates(text):
            if candidate not in found:
                found.append(candidate)
    return found


def reconcile(
    entries: Sequence[BankEntry], pending: Iterable[PendingContribution], *, by_name: bool = True
) -> list[Decision]:
    """One decision per entry, in the entries' order (see the module's docstring). With
    ``by_name`` false, only references match (the caller looks for names later, among every
    entry left, since an entry matches by name only if no other entry fits the same gift)."""
    by_reference: dict[str, PendingContribution] = {}
    for contribution in pending:
        by_reference[rf_normalise(contribution.reference)] = contribution
    taken: set[int] = set()
    decisions: dict[int, Decision] = {}
    left: list[int] = []
    keys: set[str] = set()
    for position, entry in enumerate(entries):
        if entry.key in keys:
            decisions[position] = Decision(entry.key, None, DUPLICATE)
            continue
        keys.add(entry.key)
        if not entry.credit:
            decisions[position] = Decision(entry.key, None, DEBIT)
            continue
        for reference in references_in(entry):
            contribution = by_reference.get(reference)
            if contribution is None or contribution.id in taken or contribution.currency != entry.currency:
                continue
            taken.add(contribution.id)
            differs = contribution.amount_cents != entry.amount_cents
            decisions[position] = Decision(entry.key, contribution.id, REFERENCE, differs)
            break
        else:
            left.append(position)

    if not by_name:
        for position in left:
            decisions[position] = Decision(entries[position].key, None, NO_CANDIDATE)
        return [decisions[position] for position in range(len(entries))]

    # amount and name: candidates indexed by (amount, currency, word) so that each entry looks at
    # the few contributions that share its amount and a word of its name, not at all of them
    index: dict[tuple[int, str, str], list[PendingContribution]] = defaultdict(list)
    words_of: dict[int, frozenset[str]] = {}
    for contribution in by_reference.values():
        if contribution.id in taken:
            continue
        words_of[contribution.id] = words = name_words(contribution.donor_name)
        for word in words:
            index[(contribution.amount_cents, contribution.currency, word)].append(contribution)
    fits: dict[int, list[PendingContribution]] = {}
    fitted_by: dict[int, int] = defaultdict(int)
    for position in left:
        entry = entries[position]
        words = name_words(entry.debtor_name)
        seen: dict[int, PendingContribution] = {}
        for word in words:
            for contribution in index.get((entry.amount_cents, entry.currency, word), ()):
                if contribution.id not in seen and names_similar(words, words_of[contribution.id]):
                    seen[contribution.id] = contribution
        fits[position] = list(seen.values())
        for contribution_id in seen:
            fitted_by[contribution_id] += 1
    for position in left:
        entry = entries[position]
        candidates = fits[position]
        if len(candidates) == 1 and fitted_by[candidates[0].id] == 1:
            taken.add(candidates[0].id)
            decisions[position] = Decision(entry.key, candidates[0].id, AMOUNT_AND_NAME)
        elif candidates:
            decisions[position] = Decision(entry.key, None, AMBIGUOUS)
        else:
            currencies = {c.currency for c in by_reference.values()}
            reason = OTHER_CURRENCY if currencies and entry.currency not in currencies else NO_CANDIDATE
            decisions[position] = Decision(entry.key, None, reason)
    return [decisions[position] for position in range(len(entries))]
