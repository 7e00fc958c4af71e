"""Explanations are sentences in the reader's language, built from the stored components."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from cities4csr.matching.explain import explain

FACTS = {
    "theme": 0.75,
    "resource": 0.5,
    "proximity": 1.0,
    "timing": 1.0,
    "equity": 0.9,
    "shared_themes": 3,
    "coverage": 0.6,
    "site": 7,
    "distance_m": 904,
    "preferred_area": False,
    "priority": True,
    "deprivation": 0.8,
}
SITES = {7: SimpleNamespace(label="Via Ripamonti")}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["3 of your themes", "your site “Via Ripamonti” is 900 m away", "covers 60% of the missing €"]),
        ("it", ["3 dei vostri temi", "la vostra sede “Via Ripamonti” è a 900 m", "copre il 60% degli € mancanti"]),
        ("fr", ["3 de vos thèmes", "votre site « Via Ripamonti » est à 900 m", "couvre 60% des € manquants"]),
    ],
)
def test_company_reads_why_in_its_language(lang, expected):
    with translation.override(lang):
        reasons = explain(FACTS, sites=SITES, reader="company")
    assert reasons[:3] == expected
    assert len(reasons) == 4  # and the target area; timing fits, so it is not mentioned


def test_officer_reads_about_the_company_and_km_far_away():
    with translation.override("it"):
        reasons = explain(
            {**FACTS, "shared_themes": 1, "distance_m": 7130, "priority": False}, sites=SITES, reader="city"
        )
    assert reasons[0] == "1 tema in comune"
    assert reasons[1] == "la sua sede “Via Ripamonti” è a 7,1 km"
    assert "quartieri più svantaggiati" in reasons[-1]


def test_nothing_to_say_says_nothing():
    assert explain({"timing": 1.0}, sites={}) == []
