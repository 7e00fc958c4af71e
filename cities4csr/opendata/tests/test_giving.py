"""The 360Giving export: valid against the vendored official schema (JSON Schema 2020-12, no
network), the same grants after a round trip through flattentool (CSV and XLSX), org-id
identifiers, NIL codes, and nothing private: no person, no private organisation."""

import datetime
import json

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from cities4csr.funds.models import Award
from cities4csr.funds.services import award_propose, award_transition
from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose
from cities4csr.ledger.models import ReasonCode, Source
from cities4csr.ledger.services import Leg, group_post, group_reverse
from cities4csr.needs.models import ResourceKind
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.opendata import giving, selectors
from cities4csr.opendata.identifiers import org_id
from cities4csr.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 12)


def package_errors(package: dict) -> list[str]:
    """Every error of ``package`` against the vendored package schema; the grant schema it
    refers to by its published address is served from the vendored copy (no network)."""
    package_schema, grant_schema = giving.schemas()
    # the schemas name their dialect "http://json-schema.org/draft/2020-12/schema" (http, not
    # the https of the dialect's id), so the resource is made as 2020-12 explicitly
    grant = DRAFT202012.create_resource(grant_schema)
    ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant_schema["$id"], grant), (ref, grant)])
    validator = Draft202012Validator(package_schema, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


def give(world, giver, receiver_kind, receiver_id, cents, *, kind=ResourceKind.MONEY, minutes=0, area="", ref=""):
    unit = "minutes" if minutes else ""
    return group_post(
        actor=None,
        city=world.city,
        legs=[
            Leg("giver", giver.pk, -cents, -minutes, unit, giver.name),
            Leg(receiver_kind, receiver_id, cents, minutes, unit, "receiver"),
        ],
        source=Source.VOLUNTEERING if minutes else Source.PLEDGE,
        source_ref=ref,
        resource_kind=kind,
        motivation="community_investment",
        valuation="cost" if minutes else "face_value",
        effective_on=DAY,
        area_code=area,
    )


@pytest.fixture
def grants_world(world):
    """A public company's money and time to a school need in a NIL, a private company's gift
    to the same need, a citizen's gift to a fund, a fund award to a public association and one
    to a private organisation."""
    nil = sorted(world.areas)[0]
    world.company.tax_code = ""
    world.company.vat_number = "IT00743110157"
    world.company.save()
    private = OrganisationFactory(city=world.city, name="Impresa riservata S.r.l.", is_public=False)
    school = NeedFactory(
        city=world.city, owner=world.third_sector, area=world.areas[nil], title="Doposcuola", published=True
    )
    give(world, world.company, "need", school.pk, 250_050, area=nil, ref="t:1")
    give(world, world.company, "need", school.pk, 96_000, kind=ResourceKind.VOLUNTEER_TIME, minutes=180, area=nil)
    wrong = give(world, world.company, "need", school.pk, 10_000, area=nil, ref="t:3")
    group_reverse(actor=None, group=wrong, reason_code=ReasonCode.ENTERED_IN_ERROR, source_ref="t:3:reversal")
    give(world, private, "need", school.pk, 77_700, area=nil, ref="t:4")
    fund = a_fund(world)
    a_gift(world, fund, 500_000, name="Maria Rossi", donor_email="maria.rossi@example.org")
    give(world, world.other_company, "fund", fund.pk, 120_000, ref="t:5")
    purpose = a_purpose(world)
    public_award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=purpose,
        description="Pacchi alimentari per 40 famiglie",
        act_number="DD 12/2026",
        act_on=datetime.date(2026, 6, 1),
        amount_cents=300_000,
        organisation=world.third_sector,
    )
    award_transition(actor=world.officer, award=public_award, to=Award.State.APPROVED)
    hidden_award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=purpose,
        description="Contributo riservato",
        act_number="DD 13/2026",
        act_on=datetime.date(2026, 6, 2),
        amount_cents=50_000,
        organisation=private,
    )
    award_transition(actor=world.officer, award=hidden_award, to=Award.State.APPROVED)
    return {"nil": nil, "school": school, "fund": fund, "private": private, "award": public_award}


def test_the_360giving_package_validates_against_the_official_schema_with_no_error(world, grants_world):
    package = selectors.giving_package(city=world.city, download_url="https://example.org/360giving.json")

    assert package["grants"], "an empty package is invalid by the schema: the test needs grants"
    assert package_errors(package) == []


def test_the_validator_does_find_errors(world, grants_world):
    """The check above can fail: a grant without its funder, or with a text amount, is refused."""
    package = selectors.giving_package(city=world.city)
    del package["grants"][0]["fundingOrganization"]
    package["grants"][1]["amountAwarded"] = "2500,50"

    errors = package_errors(package)

    assert len(errors) >= 2


def test_the_grants_say_who_gave_what_to_whom_where(world, grants_world):
    grants = {g["id"]: g for g in selectors.grants_of_city(city=world.city)}
    prefix = f"360G-cities4csr-{world.city.slug}"
    school = grants_world["school"]

    money = grants[f"{prefix}-gift-{world.company.pk}-need-{school.pk}-money"]
    assert money["amountAwarded"] == 2500.50  # the reversed €100 nets to nothing
    assert money["currency"] == "EUR"
    assert money["awardDate"] == "2026-05-01T00:00:00+00:00"  # the month of the first movement
    assert money["fundingOrganization"][0]["id"] == "IT-CF-00743110157"  # the partita IVA
    assert money["recipientOrganization"][0]["name"] == world.third_sector.name
    nil = world.areas[grants_world["nil"]]
    assert money["beneficiaryLocation"] == [
        {"geoCode": nil.code, "geoCodeType": "NIL", "name": nil.name, "countryCode": "IT"}
    ]
    time = grants[f"{prefix}-gift-{world.company.pk}-need-{school.pk}-volunteer_time"]
    assert time["amountAwarded"] == 960.0 and "3.0 h" in time["description"]
    award = grants[f"{prefix}-award-{grants_world['award'].pk}"]
    assert award["amountAwarded"] == 3000.0
    assert award["fundingOrganization"][0]["name"] == world.city.name
    assert award["awardDate"] == "2026-06-01T00:00:00+00:00"
    to_fund = grants[f"{prefix}-gift-{world.other_company.pk}-fund-{grants_world['fund'].pk}-money"]
    assert to_fund["recipientOrganization"][0]["name"] == world.city.name
    assert to_fund["grantProgramme"] == [{"code": "milano-aiuta", "title": "Milano Aiuta"}]


def test_private_organisations_and_people_never_appear(world, grants_world, client):
    private = grants_world["private"]
    response = client.get(reverse("opendata_giving_json", kwargs={"city_slug": world.city.slug}))
    text = response.content.decode()
    package = json.loads(text)

    assert response.status_code == 200
    assert package["grants"]
    assert private.name not in text and "riservat" not in text.lower()
    assert "Maria Rossi" not in text and "maria.rossi" not in text
    for person in (world.representative, world.member, world.officer, world.resident):
        assert person.email not in text
    funders = {org["name"] for grant in package["grants"] for org in grant["fundingOrganization"]}
    assert funders == {world.company.name, world.other_company.name, world.city.name}


def test_a_company_that_leaves_the_directory_leaves_the_open_data(world, grants_world):
    world.company.is_public = False
    world.company.save()

    names = json.dumps(selectors.grants_of_city(city=world.city))

    assert world.company.name not in names


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_grants_round_trip_through_flattentool(world, grants_world, fmt):
    package = selectors.giving_package(city=world.city)

    content = giving.flatten(package, fmt)
    back = giving.unflatten(content, fmt)

    def by_id(grants):  # the CSV files come back in another order
        return sorted(grants, key=lambda grant: grant["id"])

    assert by_id(back) == by_id(package["grants"])
    assert len(back) == len(package["grants"]) == 4


def test_the_flattened_csv_has_the_standard_column_titles(world, grants_world):
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(giving.flatten(selectors.giving_package(city=world.city), "csv")))
    header = archive.read("grants.csv").decode().splitlines()[0].split(",")

    assert header[:4] == ["Identifier", "Title", "Description", "Currency"]
    assert "Amount Awarded" in header and "Award Date" in header
    assert any(name.startswith("beneficiaryLocation") or "Beneficiary" in name for name in archive.namelist()) or any(
        "Beneficiary Location" in col for col in header
    )


def test_the_files_download(world, grants_world, client):
    slug = {"city_slug": world.city.slug}
    xlsx = client.get(reverse("opendata_giving_xlsx", kwargs=slug))
    csv = client.get(reverse("opendata_giving_csv", kwargs=slug))

    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert csv.status_code == 200 and csv["Content-Type"] == "application/zip"
    assert giving.unflatten(xlsx.content, "xlsx")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"tax_code": "80012345678"}, "IT-CF-80012345678"),
        ({"vat_number": "IT 00743110157"}, "IT-CF-00743110157"),
        ({"siren": "552100554"}, "FR-RCS-552100554"),
        ({"vat_number": "FR40552100554"}, "FR-RCS-552100554"),
        ({"vat_number": "DE123456789"}, "360G-x-org-7"),
        ({}, "360G-x-org-7"),
    ],
)
def test_org_ids(fields, expected):
    assert org_id(prefix="360G-x", pk=7, **fields) == expected


def test_the_publisher_prefix_comes_from_the_city_policy(world, grants_world):
    world.city.policy = {**world.city.policy, "opendata": {"prefix": "360G-comunemilano"}}
    world.city.save()

    ids = [g["id"] for g in selectors.grants_of_city(city=world.city)]

    assert ids and all(i.startswith("360G-comunemilano-") for i in ids)
    assert package_errors(selectors.giving_package(city=world.city)) == []


def test_the_demo_city_export_validates(in_milano):
    """The demo's Milan, with its funds, awards, pledges and volunteering: valid as published."""
    package = selectors.giving_package(city=in_milano)

    assert len(package["grants"]) >= 3
    assert package_errors(package) == []
    assert all(g["id"].startswith("360G-cities4csr-milano-") for g in package["grants"])


def test_a_gift_posted_without_its_area_is_located_where_the_need_is(world, grants_world):
    school = grants_world["school"]
    park = NeedFactory(
        city=world.city, owner=world.third_sector, area=world.areas[sorted(world.areas)[-1]], published=True
    )
    give(world, world.other_company, "need", park.pk, 5_000, ref="t:6")  # no area on the movement

    grants = {g["id"]: g for g in selectors.grants_of_city(city=world.city)}

    prefix = f"360G-cities4csr-{world.city.slug}"
    located = grants[f"{prefix}-gift-{world.other_company.pk}-need-{park.pk}-money"]["beneficiaryLocation"]
    assert [place["geoCode"] for place in located] == [park.area.code]
    assert school.area.code != park.area.code
