"""Issue 10, item 1: the advisor's law corrected. One test per correction, through the API, named
after the correction it guards (instrument, parties, steps, legal basis, tax notes); and a test that
fails for any rule, figure or dated part without a source and a valid_from. The corrections and
their sources are listed in docs/adr/0007-legal-rules-as-dated-data.md."""

from datetime import date

import pytest
from django.test import Client

from cities4csr.cities.models import City
from cities4csr.instruments.packs import available, load_pack

ON = "2026-11-23"
BASE = {
    "duration_months": 0,
    "value_eur": 5000,
    "beneficiary": "municipality",
    "counterpart": "company",
    "public_asset": "none",
    "on": ON,
}


def advise(city_slug, answers, status=200):
    response = Client().post(f"/api/v1/cities/{city_slug}/advisor/", answers, content_type="application/json")
    assert response.status_code == status, response.content
    return response.json()


def refs(result):
    return " | ".join(ref["ref"] for ref in result["legal_basis"])


def notes(result, lang="en"):
    return " | ".join(note[lang] for note in result["tax_notes"])


def warnings(result, lang="en"):
    return " | ".join(w["text"][lang] for w in result["warnings"])


def steps(result):
    return [s["code"] for s in result["steps"]]


def roles(result):
    return [p["role"] for p in result["parties"]]


def parties(result, lang="en"):
    return " | ".join(p["text"][lang] for p in result["parties"])


PPP = {
    "contribution_kind": "works",
    "return_expected": "commercial_rights",
    "public_asset": "municipal_asset_used",
    "duration_months": 240,
    "value_eur": 2000000,
    "revenue_generating": True,
}
ART_BONUS = {"contribution_kind": "money", "return_expected": "none", "public_asset": "cultural_heritage"}
SOCIAL_BONUS = {
    "contribution_kind": "money",
    "return_expected": "none",
    "public_asset": "unused_public_building",
    "recipient": "third_sector_body",
    "beneficiary": None,
}
CTS_71 = {
    "contribution_kind": "space_use",
    "return_expected": "none",
    "public_asset": "unused_public_building",
    "counterpart": "third_sector",
    "duration_months": 120,
}
COMPANY_LENDS = {
    "contribution_kind": "goods",
    "return_expected": "none",
    "public_asset": "private_asset_lent",
    "duration_months": 6,
    "returnable": True,
}
PACT = {
    "contribution_kind": "volunteer_time",
    "return_expected": "recognition",
    "public_asset": "municipal_asset_used",
    "care_of_commons": True,
}
SPONSORSHIP = {"contribution_kind": "money", "return_expected": "visibility", "value_eur": 20000}
EMERGENCY_FUND = {
    "contribution_kind": "money",
    "return_expected": "none",
    "counterpart": "mixed",
    "beneficiary": "fund",
    "emergency": True,
    "multi_party": True,
}


# ------------------------------------------------------------------------------------------ Italy


@pytest.mark.django_db
def test_it_eu_concession_threshold_is_5_404_000_from_2026(milano):
    result = advise("milano", {**BASE, **PPP})
    tender = next(s for s in result["steps"] if s["code"] == "tender")
    assert "5 404 000" in tender["label"]["en"] and "no value in force" not in tender["label"]["en"]


@pytest.mark.django_db
def test_it_art_bonus_admits_a_public_thank_you(milano):
    result = advise("milano", {**BASE, **ART_BONUS, "return_expected": "recognition"})
    assert result["recommended"] == "art_bonus_donation"
    assert "thank-you is allowed" in result["explanation"]["en"]
    assert any(w["code"] == "recognition_not_contractual" for w in result["warnings"])


@pytest.mark.django_db
def test_it_art_bonus_admits_non_commercial_donors_such_as_foundations(milano):
    result = advise("milano", {**BASE, **ART_BONUS, "counterpart": "third_sector"})
    assert result["recommended"] == "art_bonus_donation"
    assert "non-commercial bodies (e.g. foundations)" in notes(result)


@pytest.mark.django_db
def test_it_art_bonus_works_on_a_protected_asset_need_the_soprintendenza(milano):
    result = advise("milano", {**BASE, **ART_BONUS})
    assert "soprintendenza_authorisation" in steps(result)
    assert "art. 21 c.4 D.Lgs. 42/2004" in refs(result)


@pytest.mark.django_db
def test_it_social_bonus_operative_only_from_29_july_2022_with_its_application(milano):
    before = advise("milano", {**BASE, **SOCIAL_BONUS, "on": "2022-07-28"})
    assert before["recommended"] != "social_bonus_donation"
    after = advise("milano", {**BASE, **SOCIAL_BONUS, "on": "2022-07-29"})
    assert after["recommended"] == "social_bonus_donation"
    assert after["reasons"][0]["valid_from"] == "2022-07-29"
    assert steps(after)[0] == "ministry_application"
    assert "DM Lavoro 23 febbraio 2022 n. 89" in refs(after)
    assert "50%" in notes(after)


@pytest.mark.django_db
def test_it_art_71_cts_excludes_social_enterprises(milano):
    result = advise("milano", {**BASE, **CTS_71, "social_enterprise": True})
    assert result["recommended"] == "needs_review" and result["rule"] == "IT-09-social-enterprise"
    assert "excludes social enterprises" in result["explanation"]["en"]
    assert "check with your legal office" in result["explanation"]["en"].lower()


@pytest.mark.django_db
def test_it_art_71_cts_the_city_is_the_lender(milano):
    result = advise("milano", {**BASE, **CTS_71})
    assert result["recommended"] == "loan_for_use" and result["rule"] == "IT-09"
    assert roles(result) == ["lender", "borrower"]
    assert result["parties"][0]["text"]["en"].startswith("The city as lender")
    assert "not a social enterprise" in result["parties"][1]["text"]["en"]
    assert "art. 26 D.Lgs. 33/2013" in refs(result)  # here the city grants an advantage
    assert {"registration", "transparency"} <= set(steps(result))


@pytest.mark.django_db
def test_it_company_lending_goods_to_the_city_has_no_art_26_publication_step(milano):
    result = advise("milano", {**BASE, **COMPANY_LENDS})
    assert result["recommended"] == "loan_for_use" and result["rule"] == "IT-07"
    assert "art. 26" not in refs(result)
    assert not any("art. 26" in s["label"]["en"] for s in result["steps"])
    assert roles(result) == ["lender", "borrower"] and "city as borrower" in parties(result)
    assert "registration" not in steps(result)  # a loan of movables is registered only in case of use


@pytest.mark.django_db
def test_it_a_written_loan_of_real_estate_is_registered(milano):
    result = advise("milano", {**BASE, **COMPANY_LENDS, "contribution_kind": "space_use"})
    assert result["recommended"] == "loan_for_use"
    registration = next(s for s in result["steps"] if s["code"] == "registration")
    assert registration["days"] == 30 and "DPR 131/1986" in registration["label"]["en"]
    assert "art. 5 c.4 Tariffa parte I DPR 131/1986" in refs(result)


@pytest.mark.django_db
def test_it_food_and_medicine_to_a_third_sector_body_fall_under_l_166_2016_city_not_a_party(milano):
    result = advise(
        "milano",
        {
            **BASE,
            "contribution_kind": "goods",
            "return_expected": "none",
            "food_or_medicine": True,
            "recipient": "third_sector_body",
            "beneficiary": None,
        },
    )
    assert result["recommended"] == "donation" and result["rule"] == "IT-FOOD"
    assert "L. 166/2016" in refs(result)
    assert "municipality" not in roles(result) and "The city is not a party" in parties(result)
    assert "the city approves nothing" in result["approver"]["en"]
    assert "acceptance" not in steps(result) and "transport_document" in steps(result)
    assert "L. 166/2016" in notes(result)


@pytest.mark.django_db
def test_it_art_66_dl_18_2020_covered_2020_only(milano):
    in_2026 = advise("milano", {**BASE, **EMERGENCY_FUND})
    assert in_2026["recommended"] == "fund_donation"
    assert "art. 66 DL 18/2020" not in refs(in_2026) and "art. 66" not in notes(in_2026)
    assert in_2026["reasons"][0]["source"].find("18/2020") == -1
    in_2020 = advise("milano", {**BASE, **EMERGENCY_FUND, "on": "2020-06-01"})
    assert "art. 66 DL 18/2020" in refs(in_2020) and "art. 66 DL 18/2020" in notes(in_2020)


@pytest.mark.django_db
def test_it_bologna_regulation_replaced_from_2023_and_milan_has_its_own(milano):
    in_2026 = advise("milano", {**BASE, **PACT})
    assert in_2026["recommended"] == "collaboration_pact"
    assert "Bologna" not in refs(in_2026) and "Milano" in refs(in_2026) and "20 maggio 2019" in refs(in_2026)
    in_2021 = advise("milano", {**BASE, **PACT, "on": "2021-06-01"})
    assert "Bologna" in refs(in_2021) and "sostituito dal 1° gennaio 2023" in refs(in_2021)


@pytest.mark.django_db
def test_it_no_unsourced_36_month_cap_on_pacts(milano):
    result = advise("milano", {**BASE, **PACT, "duration_months": 60})
    assert result["recommended"] == "collaboration_pact"


@pytest.mark.django_db
def test_it_the_city_invoices_a_sponsorship_with_vat(milano):
    result = advise("milano", SPONSORSHIP | {k: v for k, v in BASE.items() if k != "value_eur"})
    assert result["recommended"] == "sponsorship"
    assert "The city invoices the sponsor with VAT" in notes(result)
    assert "88/E" in refs(result)


@pytest.mark.django_db
def test_it_a_technical_sponsorship_is_an_exchange_of_supplies(milano):
    result = advise(
        "milano",
        {**BASE, "contribution_kind": "works", "return_expected": "visibility", "public_asset": "municipal_asset_used"},
    )
    assert result["recommended"] == "technical_sponsorship"
    assert "exchange of supplies (art. 11 DPR 633/1972)" in notes(result)
    assert "the city invoices the sponsor for the advertising" in notes(result)


@pytest.mark.django_db
def test_it_art_120_d_lgs_42_2004_only_for_cultural_assets(milano):
    plain = advise("milano", {**BASE, **SPONSORSHIP})
    assert plain["recommended"] == "sponsorship" and "art. 120" not in refs(plain)
    cultural = advise("milano", {**BASE, **SPONSORSHIP, "public_asset": "cultural_heritage"})
    assert cultural["recommended"] == "sponsorship" and "art. 120 D.Lgs. 42/2004" in refs(cultural)


@pytest.mark.django_db
def test_it_public_deed_question_for_large_cash_gifts_cites_cass_ss_uu_18725_2017(milano):
    result = advise("milano", {**BASE, "contribution_kind": "money", "return_expected": "none", "value_eur": 500000})
    assert result["recommended"] == "donation"
    assert "Cass. SS.UU. 18725/2017" in warnings(result)
    assert "check with your legal office" in warnings(result).lower()
    assert "18725" in refs(result)


# ----------------------------------------------------------------------------------------- France


@pytest.mark.django_db
def test_fr_receipt_fine_only_for_receipts_issued_knowingly_since_2019(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert result["recommended"] == "mecenat"
    assert "issued knowingly" in warnings(result) and "1740 A" in warnings(result)
    assert "25% fine" not in warnings(result)
    assert "CGI art. 1740 A" in refs(result)


@pytest.mark.django_db
def test_fr_mecenat_de_competences_lists_the_staff_loan_steps_of_l8241_2(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "expertise", "return_expected": "none"})
    assert result["recommended"] == "mecenat_competences"
    assert {"prior_agreement", "employee_consent", "contract_amendment"} <= set(steps(result))
    assert "L8241-2" in refs(result)


@pytest.mark.django_db
def test_fr_a_loan_of_goods_is_a_sourced_rule(nantes):
    result = advise("nantes", {**BASE, **COMPANY_LENDS})
    assert result["recommended"] == "pret_a_usage" and result["rule"] == "FR-PRET"
    assert "Code civil art. 1875" in refs(result) and result["reasons"][0]["source"].startswith("Code civil")
    assert roles(result) == ["lender", "borrower"]


@pytest.mark.django_db
def test_fr_use_of_public_property_is_a_sourced_rule(nantes):
    result = advise(
        "nantes",
        {**BASE, "contribution_kind": "space_use", "return_expected": "none", "public_asset": "municipal_asset_used"},
    )
    assert result["recommended"] == "occupation_domaine_public"
    assert "CG3P L2122-1" in refs(result) and "CG3P L2125-1" in refs(result)
    assert "not documented" not in result["explanation"]["en"]


@pytest.mark.django_db
def test_fr_nantes_metropole_approver_is_the_metropolitan_council_or_its_president(nantes):
    result = advise("nantes", {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert "metropolitan council" in result["approver"]["en"] and "L5211-10" in result["approver"]["en"]
    assert "president" in result["approver"]["en"]
    # a commune keeps its municipal council (CGCT L2242-1)
    commune = City.objects.create(slug="rennes", name="Rennes", country="FR", default_language="fr", languages=["fr"])
    assert (
        "L2242-1"
        in advise(commune.slug, {**BASE, "contribution_kind": "money", "return_expected": "none"})["approver"]["en"]
    )


# ------------------------------------------------------------------------------ Spain and Portugal


@pytest.fixture
def molina(db):
    return City.objects.get_or_create(
        slug="molina-de-segura",
        defaults=dict(name="Molina de Segura", country="ES", default_language="en", languages=["en"]),
    )[0]


@pytest.fixture
def guimaraes(db):
    return City.objects.get_or_create(
        slug="guimaraes", defaults=dict(name="Guimarães", country="PT", default_language="en", languages=["en"])
    )[0]


@pytest.mark.django_db
def test_es_patrocinio_under_art_22_ley_34_1988(molina):
    result = advise(molina.slug, {**BASE, "contribution_kind": "money", "return_expected": "commercial_rights"})
    assert result["recommended"] == "patrocinio"
    assert "Ley 34/1988" in refs(result) and "art. 22" in refs(result)


@pytest.mark.django_db
def test_es_convenios_also_under_ley_40_2015_arts_47_53(molina):
    result = advise(molina.slug, {**BASE, "contribution_kind": "money", "return_expected": "visibility"})
    assert result["recommended"] == "convenio_colaboracion"
    assert "Ley 40/2015, arts. 47-53" in refs(result)
    assert steps(result) == ["memoria", "convenio"]


@pytest.mark.django_db
def test_es_unsourced_15_percent_and_25000_counterpart_rule_removed(molina):
    result = advise(molina.slug, {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert result["recommended"] == "mecenazgo"
    text = notes(result) + result["explanation"]["en"] + " ".join(r["source"] for r in result["reasons"])
    assert "25 000" not in text and "25,000" not in text
    assert "mecenazgo_counterpart_cap_eur" not in load_pack("ES")["parameters"]


@pytest.mark.django_db
def test_pt_cultural_gifts_fall_under_ebf_art_62_b_at_130_percent(guimaraes):
    result = advise(guimaraes.slug, {**BASE, **ART_BONUS})
    assert result["recommended"] == "mecenato" and result["rule"] == "PT-MECENATO-CULTURAL"
    assert "130%" in notes(result) and "62.º-B" in notes(result)
    assert "EBF art. 62.º-B" in refs(result)
    general = advise(guimaraes.slug, {**BASE, "contribution_kind": "money", "return_expected": "none"})
    assert "120% for environmental, sports or educational purposes" in notes(general)
    assert "cultural" not in notes(general)


def test_pt_every_valid_from_has_a_source():
    pack = load_pack("PT")
    for name, records in pack["parameters"].items():
        for record in records:
            assert "Lei n.º 82-B/2014" in record["source"], name  # the act that set the wording in force
            assert record["valid_from"] == date(2015, 1, 1)
    for rule in pack["rules"]:
        assert "82-B/2014" in rule["source"] and rule["valid_from"] == date(2015, 1, 1)


# -------------------------------------------------------------------------------- who receives


@pytest.mark.django_db
def test_who_receives_a_state_school_its_own_board_approves_and_the_city_is_not_a_party(milano):
    result = advise(
        "milano",
        {
            **BASE,
            "contribution_kind": "money",
            "return_expected": "none",
            "recipient": "state_school",
            "beneficiary": None,
        },
    )
    assert result["recommended"] == "donation" and result["rule"] == "IT-SCHOOL"
    assert roles(result) == ["giver", "state_school", "city_facilitator"]
    assert (
        "Consiglio d'istituto" in result["approver"]["en"] and "the city does not approve" in result["approver"]["en"]
    )
    assert "school_board" in steps(result) and "acceptance" not in steps(result)
    assert "art. 100 c.2 lett. o-bis) TUIR" in notes(result)


@pytest.mark.django_db
def test_who_receives_a_third_sector_body_the_city_only_facilitates(milano):
    result = advise(
        "milano",
        {
            **BASE,
            "contribution_kind": "money",
            "return_expected": "none",
            "recipient": "third_sector_body",
            "beneficiary": None,
        },
    )
    assert result["recommended"] == "donation" and result["rule"] == "IT-01-third-sector"
    assert roles(result) == ["giver", "third_sector_entity", "city_facilitator"]
    assert "the city approves nothing" in result["approver"]["en"]
    assert "acceptance_by_body" in steps(result) and "acceptance" not in steps(result)
    assert "art. 83 CTS" in notes(result)


@pytest.mark.django_db
def test_who_receives_the_city_is_a_party_and_accepts(milano):
    result = advise(
        "milano",
        {**BASE, "contribution_kind": "money", "return_expected": "none", "recipient": "city", "beneficiary": None},
    )
    assert result["recommended"] == "donation" and result["rule"] == "IT-01"
    assert roles(result) == ["giver", "municipality"] and "Giunta" in result["approver"]["en"]
    assert "acceptance" in steps(result)


@pytest.mark.django_db
def test_who_receives_a_fund(milano):
    result = advise(
        "milano",
        {**BASE, "contribution_kind": "money", "return_expected": "none", "recipient": "fund", "beneficiary": None},
    )
    assert result["recommended"] == "fund_donation" and roles(result) == ["giver", "fund"]


@pytest.mark.django_db
def test_who_receives_must_agree_with_beneficiary(milano):
    response = advise(
        "milano",
        {**BASE, "contribution_kind": "money", "return_expected": "none", "recipient": "fund"},
        status=200,
    )
    assert response["recommended"] == "needs_review"
    assert [q["field"] for q in response["questions"]] == ["recipient"]


@pytest.mark.django_db
def test_who_receives_is_optional_and_documented_in_openapi(milano):
    from pathlib import Path

    import yaml

    schema = yaml.safe_load((Path(__file__).resolve().parents[3] / "openapi.yaml").read_text(encoding="utf-8"))
    questionnaire = schema["components"]["schemas"]["QuestionnaireRequest"]
    for name in ("recipient", "social_enterprise", "food_or_medicine"):
        assert name in questionnaire["properties"] and questionnaire["properties"][name].get("description")
    assert "recipient" not in questionnaire.get("required", [])
    assert "parties" in schema["components"]["schemas"]["Advice"]["properties"]
    # without a recipient the advice is as before
    assert advise("milano", {**BASE, "contribution_kind": "money", "return_expected": "none"})["rule"] == "IT-01"


# ------------------------------------------------------------------ every rule sourced and dated


def _dated_parts(pack):
    for owner, spec in [*pack["instruments"].items(), *((r["id"], r) for r in pack["rules"])]:
        for key in ("legal_basis", "tax_notes", "documents", "uncertain", "steps"):
            for item in spec.get(key, []) or []:
                if isinstance(item, dict) and ("valid_from" in item or "valid_to" in item):
                    yield owner, key, item


def unsourced(pack) -> list[str]:
    """Every rule, figure or dated part of a pack without a source or a valid_from."""
    out = []
    for rule in pack["rules"]:
        if not (isinstance(rule.get("source"), str) and rule["source"].strip()):
            out.append(f"rule {rule.get('id')}: no source")
        if not isinstance(rule.get("valid_from"), date):
            out.append(f"rule {rule.get('id')}: no valid_from")
    for name, records in pack.get("parameters", {}).items():
        for record in records:
            if not str(record.get("source") or "").strip():
                out.append(f"parameter {name}: no source")
            if not isinstance(record.get("valid_from"), date):
                out.append(f"parameter {name}: no valid_from")
    for owner, key, item in _dated_parts(pack):
        if not isinstance(item.get("valid_from"), date):
            out.append(f"{owner}.{key}: dated without valid_from")
    for code, spec in pack["instruments"].items():
        if not spec.get("legal_basis") or not all(ref.get("ref") for ref in spec["legal_basis"]):
            out.append(f"instrument {code}: a legal basis without ref")
    return out


@pytest.mark.parametrize("country", available())
def test_every_rule_and_figure_has_a_source_and_a_valid_from(country):
    assert unsourced(load_pack(country)) == []


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda p: p["rules"][0].pop("source"), "no source"),
        (lambda p: p["rules"][0].update(source=" "), "no source"),
        (lambda p: p["rules"][0].pop("valid_from"), "no valid_from"),
        (lambda p: p["parameters"]["art_bonus_rate"][0].pop("source"), "no source"),
        (lambda p: p["parameters"]["art_bonus_rate"][0].update(valid_from=None), "no valid_from"),
        (
            lambda p: next(r for r in p["instruments"]["fund_donation"]["legal_basis"] if "valid_to" in r).pop(
                "valid_from"
            ),
            "dated without valid_from",
        ),
    ],
)
def test_the_source_check_fails_for_a_rule_without_source_or_valid_from(breakage, problem):
    import copy

    from cities4csr.instruments.packs import PackError, validate

    pack = copy.deepcopy(load_pack("IT"))
    breakage(pack)
    assert any(problem in p for p in unsourced(pack))
    with pytest.raises(PackError):  # and the loader refuses the pack at start-up
        validate(pack, name="it.yaml")


def test_the_kind_of_local_authority_is_checked_policy():
    from cities4csr.cities.policy import CityPolicy

    assert CityPolicy.from_data({"local_authority": "epci"}).local_authority == "epci"
    with pytest.raises(ValueError, match="local_authority"):
        CityPolicy.from_data({"local_authority": "region"})
