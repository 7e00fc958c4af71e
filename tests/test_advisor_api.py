"""The instrument advisor through the API: every row of the decision table in
shared/domain/instruments.md (§2.2) and each French, Spanish and Portuguese rule documented there."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cities4csr.cities.models import City
from cities4csr.instruments import advisor as engine

ON = "2026-11-23"
BASE = {
    "duration_months": 0,
    "value_eur": 5000,
    "beneficiary": "municipality",
    "counterpart": "company",
    "public_asset": "none",
    "on": ON,
}

# (row, answers, instrument) — the row numbers are those of the decision table
ITALY = [
    (1, {"contribution_kind": "money", "return_expected": "none"}, "donation"),
    (1, {"contribution_kind": "money", "return_expected": "none", "counterpart": "citizens"}, "donation"),
    (
        2,
        {"contribution_kind": "money", "return_expected": "none", "public_asset": "cultural_heritage"},
        "art_bonus_donation",
    ),
    (
        3,
        {
            "contribution_kind": "money",
            "return_expected": "none",
            "public_asset": "unused_public_building",
            "beneficiary": "third_sector_entity",
        },
        "social_bonus_donation",
    ),
    (
        4,
        {
            "contribution_kind": "money",
            "return_expected": "visibility",
            "public_asset": "municipal_asset_used",
            "duration_months": 24,
            "value_eur": 60000,
        },
        "sponsorship",
    ),
    (4, {"contribution_kind": "goods", "return_expected": "visibility", "value_eur": 45000}, "sponsorship"),
    (5, {"contribution_kind": "goods", "return_expected": "visibility", "value_eur": 15000}, "sponsorship"),
    (5, {"contribution_kind": "money", "return_expected": "visibility", "value_eur": 40000}, "sponsorship"),
    (
        6,
        {
            "contribution_kind": "works",
            "return_expected": "visibility",
            "public_asset": "municipal_asset_used",
            "duration_months": 18,
            "value_eur": 25000,
        },
        "technical_sponsorship",
    ),
    (
        7,
        {
            "contribution_kind": "goods",
            "return_expected": "none",
            "public_asset": "private_asset_lent",
            "duration_months": 6,
            "returnable": True,
        },
        "loan_for_use",
    ),
    (
        8,
        {
            "contribution_kind": "space_use",
            "return_expected": "commercial_rights",
            "public_asset": "municipal_asset_used",
            "duration_months": 72,
            "revenue_generating": True,
        },
        "concession",
    ),
    (
        9,
        {
            "contribution_kind": "space_use",
            "return_expected": "none",
            "public_asset": "unused_public_building",
            "counterpart": "third_sector",
            "duration_months": 360,
        },
        "loan_for_use",
    ),
    (
        10,
        {
            "contribution_kind": "works",
            "return_expected": "commercial_rights",
            "public_asset": "municipal_asset_used",
            "duration_months": 240,
            "value_eur": 2000000,
            "revenue_generating": True,
        },
        "ppp_concession",
    ),
    (
        11,
        {
            "contribution_kind": "volunteer_time",
            "return_expected": "recognition",
            "public_asset": "municipal_asset_used",
            "duration_months": 18,
            "value_eur": 2000,
            "care_of_commons": True,
        },
        "collaboration_pact",
    ),
    (
        11,
        {
            "contribution_kind": "works",
            "return_expected": "none",
            "public_asset": "municipal_asset_used",
            "counterpart": "citizens",
            "duration_months": 12,
            "value_eur": 0,
            "care_of_commons": True,
        },
        "collaboration_pact",
    ),
    (
        12,
        {
            "contribution_kind": "expertise",
            "return_expected": "none",
            "public_asset": "municipal_asset_used",
            "duration_months": 24,
            "value_eur": 20000,
        },
        "collaboration_agreement",
    ),
    (
        13,
        {
            "contribution_kind": "money",
            "return_expected": "visibility",
            "public_asset": "municipal_asset_used",
            "duration_months": 6,
            "value_eur": 30000,
            "revenue_generating": True,
        },
        "coproduction_agreement",
    ),
    (
        14,
        {
            "contribution_kind": "money",
            "return_expected": "recognition",
            "counterpart": "mixed",
            "duration_months": 36,
            "value_eur": 100000,
            "multi_party": True,
        },
        "partnership_agreement",
    ),
    (
        15,
        {
            "contribution_kind": "services",
            "return_expected": "none",
            "counterpart": "third_sector",
            "duration_months": 12,
            "value_eur": 50000,
        },
        "third_sector_codesign",
    ),
    (
        16,
        {
            "contribution_kind": "money",
            "return_expected": "none",
            "counterpart": "mixed",
            "duration_months": 3,
            "value_eur": 1000000,
            "beneficiary": "fund",
            "emergency": True,
            "multi_party": True,
        },
        "fund_donation",
    ),
    (
        16,
        {
            "contribution_kind": "money",
            "return_expected": "none",
            "counterpart": "mixed",
            "duration_months": 3,
            "value_eur": 500,
            "emergency": True,
            "multi_party": True,
        },
        "fund_donation",
    ),
]


def advise(city_slug, answers, status=200):
    response = Client().post(f"/api/v1/cities/{city_slug}/advisor/", answers, content_type="application/json")
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "answers", "instrument"), ITALY, ids=[f"row{r}-{i}" for r, _a, i in ITALY])
def test_italian_decision_table(milano, row, answers, instrument):
    result = advise("milano", {**BASE, **answers})
    assert result["recommended"] == instrument, result
    assert result["jurisdiction"] == "IT" and result["pack_version"]
    assert result["reasons"][0]["rule"].startswith("IT-") and result["reasons"][0]["source"]
    assert result["legal_basis"] and result["documents"] and result["approver"]["it"]
    assert set(result["explanation"]) == {"it", "en", "fr"}
    assert result["steps"] and result["tax_notes"]


@pytest.mark.django_db
def test_sponsorship_above_threshold_starts_with_a_30_day_notice(milano):
    above = advise(
        "milano", {**BASE, "contribution_kind": "money", "return_expected": "visibility", "value_eur": 40001}
    )
    notice = above["steps"][0]
    assert notice["code"] == "public_notice" and notice["days"] == 30 and notice["blocks_agreement"]
    assert notice["starts_on"] == ON and notice["due_on"] == "2026-12-23"
    assert any(r["rule"] == "sponsorship_notice_threshold_eur" and "134" in r["source"] for r in above["reasons"])
    at = advise("milano", {**BASE, "contribution_kind": "money", "return_expected": "visibility", "value_eur": 40000})
    assert "public_notice" not in [s["code"] for s in at["steps"]]
    assert not any(s["blocks_agreement"] for s in at["steps"])


@pytest.mark.django_db
def test_thresholds_are_dated_data(milano):
    """Before the public contracts code of 2023 the same rule came from art. 19 D.Lgs. 50/2016; the
    EU concession threshold is a value per two-year period, and none is stated after 2027."""
    old = advise(
        "milano",
        {**BASE, "contribution_kind": "money", "return_expected": "visibility", "value_eur": 50000, "on": "2020-06-01"},
    )
    assert old["recommended"] == "needs_review"  # the sponsorship rules encoded start with D.Lgs. 36/2023
    ppp = dict(ITALY[12][1])
    in_2025 = advise("milano", {**BASE, **ppp, "on": "2025-06-01"})
    in_2026 = advise("milano", {**BASE, **ppp})
    tender_2025 = next(s for s in in_2025["steps"] if s["code"] == "tender")["label"]["en"]
    tender_2026 = next(s for s in in_2026["steps"] if s["code"] == "tender")["label"]["en"]
    assert "5 538 000" in tender_2025
    assert "5 404 000" in tender_2026
    in_2028 = advise("milano", {**BASE, **ppp, "on": "2028-03-01"})
    assert "no value in force on this date" in next(s for s in in_2028["steps"] if s["code"] == "tender")["label"]["en"]


@pytest.mark.django_db
def test_art_bonus_tax_note_and_alternative(milano):
    result = advise(
        "milano", {**BASE, "contribution_kind": "money", "return_expected": "none", "public_asset": "cultural_heritage"}
    )
    assert "65%" in result["tax_notes"][0]["en"] and "5‰" in result["tax_notes"][0]["en"]
    assert {a["instrument"] for a in result["alternatives"]} == {"donation", "sponsorship"}
    assert all(set(a["why_not"]) == {"it", "en", "fr"} for a in result["alternatives"])


@pytest.mark.django_db
def test_exclusion_list_and_conflict_of_interest_warn(milano):
    result = advise(
        "milano",
        {
            **BASE,
            "contribution_kind": "money",
            "return_expected": "visibility",
            "giver_activities": ["tobacco"],
            "open_procurement_same_office": True,
        },
    )
    codes = {w["code"]: w for w in result["warnings"]}
    assert codes["excluded_activity"]["blocking"] is True and "tobacco" in codes["excluded_activity"]["text"]["en"]
    assert "conflict_of_interest" in codes


@pytest.mark.django_db
def test_city_exclusion_list_overrides_the_pack(milano):
    milano.policy = {**milano.policy, "sponsor_exclusions": ["gambling"]}
    milano.save()
    answers = {**BASE, "contribution_kind": "money", "return_expected": "visibility"}
    assert not any(
        w["code"] == "excluded_activity"
        for w in advise("milano", {**answers, "giver_activities": ["tobacco"]})["warnings"]
    )
    assert any(
        w["code"] == "excluded_activity"
        for w in advise("milano", {**answers, "giver_activities": ["gambling"]})["warnings"]
    )


# ------------------------------------------------------------------------------------------ France

FRANCE = [
    ("mecenat", {"contribution_kind": "money", "return_expected": "none", "value_eur": 30000}),
    ("mecenat", {"contribution_kind": "goods", "return_expected": "recognition"}),
    ("mecenat_competences", {"contribution_kind": "expertise", "return_expected": "none", "duration_months": 6}),
    ("mecenat_competences", {"contribution_kind": "volunteer_time", "return_expected": "recognition"}),
    ("parrainage", {"contribution_kind": "money", "return_expected": "visibility", "value_eur": 20000}),
    ("parrainage", {"contribution_kind": "services", "return_expected": "commercial_rights"}),
    ("mecenat", {"contribution_kind": "money", "return_expected": "none", "beneficiary": "fund"}),
    (
        "convention_partenariat",
        {"contribution_kind": "money", "return_expected": "none", "counterpart": "mixed", "multi_party": True},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("instrument", "answers"), FRANCE)
def test_french_rules(nantes, instrument, answers):
    result = advise("nantes", {**BASE, **answers})
    assert result["recommended"] == instrument, result
    assert result["jurisdiction"] == "FR"


@pytest.mark.django_db
def test_french_mecenat_figures(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    notes = " ".join(n["en"] for n in result["tax_notes"])
    assert "60%" in notes and "EUR 20 000" in notes and "5‰" in notes and "5 years" in notes
    assert "40%" in notes and "2 000 000" in notes
    assert "L2242-1" in " ".join(ref["ref"] for ref in result["legal_basis"])
    # before the 2020 finance law the cap was EUR 10,000 and there was no 40% band
    old = advise("nantes", {**BASE, "contribution_kind": "money", "return_expected": "none", "on": "2019-06-01"})
    old_notes = " ".join(n["en"] for n in old["tax_notes"])
    assert "EUR 10 000" in old_notes and "no value in force" in old_notes
    skills = advise("nantes", {**BASE, "contribution_kind": "expertise", "return_expected": "none"})
    assert "3 times the social-security ceiling" in skills["tax_notes"][0]["en"]
    assert skills["steps"][0]["code"] == "prior_agreement"


@pytest.mark.django_db
def test_french_endowment_fund_warns_about_public_money(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "money", "return_expected": "none", "beneficiary": "fund"})
    assert result["rule"] == "FR-MECENAT-FUND"
    assert any(w["code"] == "endowment_fund_public_money" for w in result["warnings"])


@pytest.mark.django_db
def test_french_public_space_is_not_guessed(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "space_use", "return_expected": "none"})
    assert result["recommended"] == "needs_review" and result["rule"] == "FR-ASSET" and result["questions"]


# ------------------------------------------------------------------------------- Spain and Portugal


@pytest.fixture
def foreign_cities(db):
    def make(slug, country, lang):  # the demo, when loaded, has Guimarães already
        return City.objects.get_or_create(
            slug=slug, defaults=dict(name=slug.title(), country=country, default_language=lang, languages=[lang])
        )[0]

    return {
        "ES": make("sevilla", "ES", "en"),
        "PT": make("guimaraes", "PT", "en"),
        "HU": make("budapest", "HU", "en"),
    }


SPAIN = [
    ("mecenazgo", {"contribution_kind": "money", "return_expected": "none"}),
    ("mecenazgo", {"contribution_kind": "goods", "return_expected": "recognition"}),
    (
        "mecenazgo",
        {
            "contribution_kind": "goods",
            "return_expected": "none",
            "public_asset": "private_asset_lent",
            "returnable": True,
        },
    ),
    ("convenio_colaboracion", {"contribution_kind": "money", "return_expected": "visibility", "value_eur": 80000}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("instrument", "answers"), SPAIN)
def test_spanish_rules(foreign_cities, instrument, answers):
    result = advise("sevilla", {**BASE, **answers})
    assert result["recommended"] == instrument, result
    assert result["jurisdiction"] == "ES"


@pytest.mark.django_db
def test_spanish_figures_and_patrocinio(foreign_cities):
    gift = advise("sevilla", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    notes = " ".join(n["en"] for n in gift["tax_notes"])
    assert "40%" in notes and "50%" in notes and "15%" in notes
    convenio = advise("sevilla", {**BASE, "contribution_kind": "money", "return_expected": "visibility"})
    assert "incompatible" in convenio["tax_notes"][0]["en"]
    patrocinio = advise("sevilla", {**BASE, "contribution_kind": "money", "return_expected": "commercial_rights"})
    assert patrocinio["recommended"] == "patrocinio"
    # lending goods counts as a gift only from 2024 (RDL 6/2023)
    lent = {**BASE, **SPAIN[2][1]}
    assert advise("sevilla", {**lent, "on": "2023-06-01"})["recommended"] == "needs_review"


@pytest.mark.django_db
def test_portuguese_mecenato(foreign_cities):
    result = advise("guimaraes", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert result["recommended"] == "mecenato" and result["jurisdiction"] == "PT"
    notes = " ".join(n["en"] for n in result["tax_notes"])
    assert "140%" in notes and "120%" in notes and "130%" in notes and "8‰" in notes
    assert advise("guimaraes", {**BASE, "contribution_kind": "money", "return_expected": "visibility"})[
        "recommended"
    ] == ("needs_review")


@pytest.mark.django_db
def test_no_rules_for_other_countries(foreign_cities):
    result = advise("budapest", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert result["recommended"] == "needs_review" and result["no_rules_loaded"] is True
    assert "No rules are loaded" in result["explanation"]["en"]
    assert len(result["questions"]) >= 3 and all(q["text"]["en"] for q in result["questions"])


# ------------------------------------------------------------------------- review and bad input


@pytest.mark.django_db
def test_incomplete_answers_give_questions(milano):
    result = advise("milano", {"contribution_kind": "money"})
    assert result["recommended"] == "needs_review"
    assert {q["field"] for q in result["questions"]} == {
        "return_expected",
        "public_asset",
        "duration_months",
        "counterpart",
        "value_eur",
        "beneficiary",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"contribution_kind": "money", "return_expected": "none", "returnable": True}, "money_returnable"),
        (
            {"contribution_kind": "goods", "return_expected": "none", "public_asset": "private_asset_lent"},
            "lent_not_returned",
        ),
        (
            {"contribution_kind": "space_use", "return_expected": "none", "revenue_generating": True},
            "nothing_back_but_revenue",
        ),
        ({"contribution_kind": "money", "return_expected": "none", "counterpart": "public_body"}, "public_body"),
        ({"contribution_kind": "money", "return_expected": "none", "value_eur": 0}, "money_without_value"),
    ],
)
def test_contradictions_give_needs_review(milano, answers, code):
    result = advise("milano", {**BASE, **answers})
    assert result["recommended"] == "needs_review"
    assert code in [q["code"] for q in result["questions"]]


@pytest.mark.django_db
def test_invalid_input_is_a_400_per_field(milano):
    response = advise(
        "milano",
        {
            "contribution_kind": "cash",
            "value_eur": -5,
            "duration_months": "long",
            "emergency": "maybe",
            "giver_activities": ["x"],
        },
        status=400,
    )
    assert set(response) >= {"contribution_kind", "value_eur", "duration_months", "emergency", "giver_activities"}
    assert "colour" in advise("milano", {**BASE, "colour": "red"}, status=400)


@pytest.mark.django_db
def test_advisor_query_count(milano, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        advise("milano", {**BASE, "contribution_kind": "money", "return_expected": "none"})


# --------------------------------------------------------------- property: never an error, via HTTP

ANY_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.sampled_from(values) for name, values in engine.CHOICES.items()},
        "duration_months": st.integers(min_value=0, max_value=600),
        "value_eur": st.integers(min_value=0, max_value=5_000_000),
        **{flag: st.booleans() for flag in engine.FLAGS},
    },
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=ANY_ANSWERS, city=st.sampled_from(["milano", "nantes"]))
def test_any_valid_questionnaire_gets_an_instrument_or_needs_review_through_the_api(milano, answers, city):
    result = advise(city, answers)
    assert result["recommended"] in (*engine.INSTRUMENTS, "needs_review")
    assert result["questions"] if result["recommended"] == "needs_review" else result["steps"]
