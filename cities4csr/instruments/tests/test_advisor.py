"""The pure advisor and its rule packs: validation of packs, dated data, and a property test over
random questionnaires (every answer is an instrument or needs_review, never an error)."""

import copy
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cities4csr.instruments import advisor
from cities4csr.instruments.packs import PackError, available, load_common, load_pack, validate

COMMON = load_common()
PACKS = {country: load_pack(country) for country in available()}


def test_packs_load_for_the_documented_countries():
    assert set(PACKS) == {"IT", "FR", "ES", "PT"}
    assert load_pack("HU") is None and load_pack("") is None and load_pack("../it") is None
    for pack in PACKS.values():
        assert pack["version"]
        for rule in pack["rules"]:
            assert rule["source"] and set(rule["explanation"]) >= {"it", "en", "fr"}


def test_italy_has_the_eight_vademecum_instruments_and_the_bonuses():
    assert set(PACKS["IT"]["instruments"]) >= {
        "sponsorship",
        "technical_sponsorship",
        "donation",
        "loan_for_use",
        "concession",
        "collaboration_agreement",
        "coproduction_agreement",
        "partnership_agreement",
        "collaboration_pact",
        "art_bonus_donation",
        "social_bonus_donation",
        "third_sector_codesign",
    }
    assert set(PACKS["FR"]["instruments"]) == {
        "mecenat",
        "mecenat_competences",
        "parrainage",
        "convention_partenariat",
        "pret_a_usage",
        "occupation_domaine_public",
    }


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda p: p.pop("version"), "missing 'version'"),
        (lambda p: p["rules"][0].pop("source"), "no legal source"),
        (lambda p: p["rules"][0]["explanation"].pop("fr"), "needs a text in it, en, fr"),
        (lambda p: p["rules"][0].update(valid_from="soon"), "must be a date"),
        (lambda p: p["rules"][0].update(instrument="lease"), "is not in this pack"),
        (lambda p: p["rules"][0]["when"].update(contribution_kind=["cash"]), "contribution_kind must list"),
        (lambda p: p["rules"][0]["when"].update(colour=["red"]), "unknown field colour"),
        (lambda p: p["instruments"]["sponsorship"]["steps"][0].update(days="@nowhere"), "unknown parameter @nowhere"),
        (lambda p: p["parameters"]["sponsorship_notice_days"][0].pop("source"), "needs a value and a source"),
        (lambda p: p["rules"].append(copy.deepcopy(p["rules"][0])), "duplicate id"),
    ],
)
def test_a_bad_pack_is_a_clear_error(breakage, message):
    pack = copy.deepcopy(PACKS["IT"])
    breakage(pack)
    with pytest.raises(PackError, match=message):
        validate(pack, name="it.yaml")


def test_validity_dates_select_the_rules():
    answers = {
        "contribution_kind": "volunteer_time",
        "return_expected": "recognition",
        "public_asset": "municipal_asset_used",
        "duration_months": 12,
        "counterpart": "company",
        "value_eur": 0,
        "beneficiary": "municipality",
        "care_of_commons": True,
    }
    assert advisor.evaluate(answers, pack=PACKS["IT"], on=date(2024, 1, 31), common=COMMON).recommended == (
        "collaboration_pact"
    )
    # before Milan's commons regulation (20 May 2019) no pact rule applies
    before = advisor.evaluate(answers, pack=PACKS["IT"], on=date(2019, 5, 19), common=COMMON)
    assert before.recommended == advisor.NEEDS_REVIEW and before.questions


def test_a_missing_threshold_is_reported_not_guessed():
    pack = copy.deepcopy(PACKS["IT"])
    pack["parameters"]["sponsorship_notice_threshold_eur"] = [
        {"value": 40000, "valid_from": date(2023, 4, 1), "valid_to": date(2025, 12, 31), "source": "x"}
    ]
    answers = {
        "contribution_kind": "money",
        "return_expected": "visibility",
        "public_asset": "none",
        "duration_months": 12,
        "counterpart": "company",
        "value_eur": 90000,
        "beneficiary": "municipality",
    }
    result = advisor.evaluate(answers, pack=pack, on=date(2026, 6, 1), common=COMMON)
    assert result.recommended == advisor.NEEDS_REVIEW
    assert "sponsorship_notice_threshold_eur" in result.explanation["en"]


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


QUESTIONNAIRE = st.fixed_dictionaries(
    {},
    optional={
        **{name: _maybe(st.sampled_from(values)) for name, values in advisor.CHOICES.items()},
        "duration_months": _maybe(st.integers(min_value=0, max_value=600)),
        "value_eur": _maybe(st.one_of(st.integers(min_value=0, max_value=10_000_000), st.floats(0, 1e7))),
        **{flag: _maybe(st.booleans()) for flag in advisor.FLAGS},
        "giver_activities": st.lists(st.sampled_from(sorted(COMMON["exclusions"])), max_size=3),
        "open_procurement_same_office": st.booleans(),
    },
)
GARBAGE = st.dictionaries(
    st.sampled_from([*advisor.FIELDS, "other"]),
    st.one_of(
        st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5), st.lists(st.integers(), max_size=2)
    ),
)
DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31))
COUNTRIES = st.sampled_from(["IT", "FR", "ES", "PT", "HU", "DE"])


def _check(answers, country, on):
    result = advisor.evaluate(answers, pack=PACKS.get(country), on=on, common=COMMON)
    assert result.recommended in (*advisor.INSTRUMENTS, advisor.NEEDS_REVIEW)
    if result.recommended == advisor.NEEDS_REVIEW:
        assert result.questions, "needs_review always says what to ask"
        assert set(result.explanation) >= {"it", "en", "fr"}
    else:
        assert result.reasons and result.legal_basis and result.explanation
        assert all(s.due_on is None or s.due_on >= on.isoformat() for s in result.steps)
    result.as_dict()  # JSON-ready


@settings(max_examples=400, deadline=None)
@given(QUESTIONNAIRE, COUNTRIES, DAYS)
def test_every_questionnaire_gets_an_instrument_or_needs_review(answers, country, on):
    _check(answers, country, on)


@settings(max_examples=200, deadline=None)
@given(GARBAGE, COUNTRIES, DAYS)
def test_garbage_answers_never_raise(answers, country, on):
    _check(answers, country, on)


@settings(max_examples=200, deadline=None)
@given(QUESTIONNAIRE, DAYS)
def test_contractual_visibility_is_never_a_donation(answers, on):
    answers = {**answers, "return_expected": "visibility"}
    result = advisor.evaluate(answers, pack=PACKS["IT"], on=on, common=COMMON)
    assert result.recommended not in ("donation", "art_bonus_donation", "social_bonus_donation", "fund_donation")
