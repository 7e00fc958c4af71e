"""The matcher: by reference, then by amount and name; never twice (properties and cases)."""

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cities4csr.funds.banking.camt053 import parse_camt053
from cities4csr.funds.banking.reconcile import (
    AMBIGUOUS,
    AMOUNT_AND_NAME,
    DEBIT,
    DUPLICATE,
    NO_CANDIDATE,
    REFERENCE,
    PendingContribution,
    name_words,
    names_similar,
    reconcile,
)
from cities4csr.funds.banking.records import BankEntry
from cities4csr.funds.banking.rf import rf_build, rf_format

FIXTURES = Path(__file__).parent / "fixtures"


def pending(id_, cents, name=""):
    return PendingContribution(id=id_, reference=rf_build(id_, "MI"), amount_cents=cents, donor_name=name)


def entry(key, cents, *, name="", reference="", text="", credit=True):
    return BankEntry(
        key=key,
        amount_cents=cents,
        credit=credit,
        booking_date=date(2026, 3, 12),
        debtor_name=name,
        reference=reference,
        remittance=text,
    )


def test_the_v02_fixture():
    with open(FIXTURES / "camt053_v02.xml", "rb") as source:
        entries = parse_camt053(source).entries
    contributions = [
        pending(101, 2000, "Mario Rossi"),
        pending(102, 5000, "Anna Bianchi"),
        pending(103, 10000, "Giuseppe Esposito"),
        pending(104, 3000, "Amici del Parco"),
        pending(105, 5000, "Fondazione Ca' Granda"),
        pending(108, 7500, "Chiara Verdi"),
    ]
    decisions = reconcile(entries, contributions)
    assert [(d.contribution_id, d.reason) for d in decisions] == [
        (101, REFERENCE),  # structured reference
        (102, REFERENCE),  # "rf20 mi10 2" in the free text
        (103, AMOUNT_AND_NAME),  # "ESPOSITO GIUSEPPE", €100, no reference
        (None, DEBIT),  # bank fees, even with a reference in their text
        (None, NO_CANDIDATE),  # €75 from VERDI COSTRUZIONI SRL: not Chiara Verdi
        (104, REFERENCE),
        (105, REFERENCE),
        (None, NO_CANDIDATE),
    ]


def test_a_reference_wins_over_amount_and_name_and_its_amount_may_differ():
    decisions = reconcile(
        [
            entry("a", 2500, name="Mario Rossi", text=f"dono {rf_format(rf_build(1, 'MI'))}"),
            entry("b", 2000, name="Mario Rossi"),
        ],
        [pending(1, 2000, "Mario Rossi")],
    )
    assert (decisions[0].contribution_id, decisions[0].reason, decisions[0].amount_differs) == (1, REFERENCE, True)
    assert (decisions[1].contribution_id, decisions[1].reason) == (None, NO_CANDIDATE)


def test_amount_and_name_only_when_exactly_one_fits_both_ways():
    two_contributions = reconcile(
        [entry("a", 2000, name="ROSSI MARIO")], [pending(1, 2000, "Mario Rossi"), pending(2, 2000, "Mario Rossi")]
    )
    assert two_contributions[0].reason == AMBIGUOUS and two_contributions[0].contribution_id is None
    two_entries = reconcile(
        [entry("a", 2000, name="ROSSI MARIO"), entry("b", 2000, name="Mario Rossi")], [pending(1, 2000, "Mario Rossi")]
    )
    assert [d.reason for d in two_entries] == [AMBIGUOUS, AMBIGUOUS]
    other_amount = reconcile([entry("a", 2001, name="Mario Rossi")], [pending(1, 2000, "Mario Rossi")])
    assert other_amount[0].reason == NO_CANDIDATE


def test_names():
    assert name_words("Rossi Mario & C. S.r.l.") == {"rossi", "mario"}
    assert names_similar("ROSSI MARIO", "Mario Rossi")
    assert names_similar("Élodie Dupont", "DUPONT ELODIE")
    assert names_similar("Mario Rossi", "Rossi Mario Giuseppe")
    assert not names_similar("Maria Rossi", "Mario Rossi")
    assert not names_similar("", "Mario Rossi")
    assert not names_similar("S.r.l.", "S.p.A.")


def test_the_same_booking_twice_matches_once():
    reference = rf_build(1, "MI")
    decisions = reconcile(
        [entry("a", 2000, reference=reference), entry("a", 2000, reference=reference)], [pending(1, 2000)]
    )
    assert [(d.contribution_id, d.reason) for d in decisions] == [(1, REFERENCE), (None, DUPLICATE)]


names = st.sampled_from(["Mario Rossi", "Anna Bianchi", "ROSSI MARIO", "Verdi Srl", "Élodie Dupont", ""])


@st.composite
def scenario(draw):
    contributions = [
        pending(i, draw(st.sampled_from([500, 2000, 5000])), draw(names)) for i in range(1, draw(st.integers(0, 8)) + 1)
    ]
    ids = [c.id for c in contributions] + [99, 100]
    entries = []
    for n in range(draw(st.integers(0, 12))):
        how = draw(st.sampled_from(["structured", "text", "none"]))
        ref = rf_build(draw(st.sampled_from(ids)), "MI")
        entries.append(
            entry(
                draw(st.sampled_from([f"k{n}", "k0"])),  # some keys repeat
                draw(st.sampled_from([500, 2000, 5000])),
                name=draw(names),
                reference=ref if how == "structured" else "",
                text=f"dono {rf_format(ref).lower()} grazie" if how == "text" else "",
                credit=draw(st.booleans()),
            )
        )
    return entries, contributions


@given(scenario())
def test_never_twice_never_a_debit_and_every_match_justified(case):
    entries, contributions = case
    decisions = reconcile(entries, contributions)
    assert len(decisions) == len(entries)
    matched = [d for d in decisions if d.matched]
    assert len({d.contribution_id for d in matched}) == len(matched)  # a contribution at most once
    assert len({d.entry_key for d in matched}) == len(matched)  # an entry at most once
    by_id = {c.id: c for c in contributions}
    for e, d in zip(entries, decisions, strict=True):
        if not d.matched:
            continue
        assert e.credit
        c = by_id[d.contribution_id]
        if d.reason == REFERENCE:
            assert c.reference in (e.reference + " " + e.remittance).upper().replace(" ", "")
        else:
            assert d.reason == AMOUNT_AND_NAME
            assert c.amount_cents == e.amount_cents and names_similar(c.donor_name, e.debtor_name)
