"""The public ledger of a fund (issue 15, item 4; ADR 0030): its page, CSV, JSON and API say who
gave only with consent, never personal data; running balances after a partial refund and a
payment; a donor finds their gift by its reference; totals with a table beside each chart; the
chain head and a hash anyone can recompute."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from cities4csr.funds.models import Award, Contribution
from cities4csr.funds.services import (
    award_propose,
    award_transition,
    contribution_create,
    contribution_refund,
    disbursement_record,
)
from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose
from cities4csr.ledger.chain import group_hash

SECRET_EMAIL = "maria.rossi@example.org"
SECRET_TAX = "RSSMRA80A01F205X"

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    """A fund with: a citizen's €100 without consent (then €30 of it refunded), a citizen's €50
    with consent, a company's €200 without consent, and an approved award of €120 to the
    third-sector body, €80 of it paid out."""
    fund = a_fund(world)
    hidden = a_gift(world, fund, 10_000, name="Maria Rossi", donor_email=SECRET_EMAIL, donor_tax_id=SECRET_TAX)
    named = a_gift(world, fund, 5_000, name="Giulia Bianchi", name_public=True, donor_email="giulia@example.org")
    company = a_gift(
        world,
        fund,
        20_000,
        name="Impresa",
        donor_kind=Contribution.DonorKind.COMPANY,
        organisation=world.company,
    )
    refunded = contribution_refund(actor=world.officer, contribution=hidden, amount_cents=3_000, reason="Sbagliato")
    purpose = a_purpose(world)
    award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=purpose,
        description="Spesa per famiglie",
        act_number="Delibera 123/2026",
        act_on=datetime.date(2026, 4, 10),
        amount_cents=12_000,
        organisation=world.third_sector,
    )
    award = award_transition(actor=world.officer, award=award, to=Award.State.APPROVED)
    disbursement_record(actor=world.officer, award=award, amount_cents=8_000, paid_on=datetime.date(2026, 4, 20))
    return {
        "fund": fund,
        "hidden": refunded,
        "named": named,
        "company": company,
        "award": award,
        "world": world,
    }


def urls(world, fund):
    kwargs = {"city_slug": world.city.slug, "slug": fund.slug}
    return {
        "page": reverse("fund_ledger", kwargs=kwargs),
        "csv": reverse("fund_ledger_csv", kwargs=kwargs),
        "json": reverse("fund_ledger_json", kwargs=kwargs),
        "api": reverse("api:fund-ledger", kwargs=kwargs),
        "totals": reverse("api:fund-ledger-totals", kwargs=kwargs),
    }


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def test_every_form_names_a_donor_only_with_consent_and_never_their_personal_data(ledger, world):
    client = Client()
    for name, url in urls(world, ledger["fund"]).items():
        text = body(client.get(url))
        assert SECRET_EMAIL not in text and SECRET_TAX not in text and "giulia@example.org" not in text, name
        assert "Maria Rossi" not in text, name
        if name != "totals":
            assert "Giulia Bianchi" in text, name  # she agreed
            assert "a citizen" in text, name  # Maria did not
            assert "a company" in text and world.company.name not in text, name  # nor did the company
            assert world.third_sector.name in text, name  # recipients are named


def test_running_balance_after_a_partial_refund_and_a_payment(ledger, world):
    data = Client().get(urls(world, ledger["fund"])["api"]).json()
    rows = [(r["kind"], r["counterpart"], r["amount_cents"], r["balance_after_cents"]) for r in data["results"]]
    assert rows == [  # newest first
        ("disbursement", world.third_sector.name, -8_000, 24_000),
        ("refund", "a citizen", -3_000, 32_000),
        ("fund_contribution", "a company", 20_000, 35_000),
        ("fund_contribution", "Giulia Bianchi", 5_000, 15_000),
        ("fund_contribution", "a citizen", 10_000, 10_000),
    ]
    assert data["results"][0]["award"]["act_number"] == "Delibera 123/2026"
    assert data["results"][1]["reverses"] == data["results"][4]["number"]
    assert data["next"] is None and data["previous"] is None


def test_the_page_shows_the_movements_awards_figures_and_chain_head(ledger, world):
    from cities4csr.ledger.models import ChainHead

    html = body(Client().get(urls(world, ledger["fund"])["page"]))
    head = ChainHead.objects.get(city=world.city)
    assert head.last_hash in html and f"ledger_verify --city {world.city.slug}" in html
    assert "Delibera 123/2026" in html and "Vulnerable families" in html
    assert "−" in html or "-€30.00" in html
    assert "€240.00" in html  # the balance
    assert "€200.00" in html  # available: €240 less the €40 the award still reserves
    assert "vendor/chart.js/chart.umd.min.js" in html


def test_each_chart_has_its_table_beside_it(ledger, world):
    html = body(Client().get(urls(world, ledger["fund"])["page"]))
    for canvas, rows in (
        ("chart-sources", ["Citizens", "€120.00", "Companies", "€200.00"]),
        ("chart-purposes", ["Vulnerable families", "€120.00", "€80.00"]),
    ):
        after = html.split(f'id="{canvas}"', 1)[1].split("</table>", 1)[0]
        assert "<table" in after, canvas
        for row in rows:
            assert row in after, (canvas, row)


def test_a_page_without_figures_loads_no_chart_script(world):
    fund = a_fund(world)
    html = body(Client().get(urls(world, fund)["page"]))
    assert "chart.umd.min.js" not in html and "No money has moved in this fund yet." in html


def test_the_chart_script_loads_on_no_other_page():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    users = [
        str(path.relative_to(root))
        for path in [*root.glob("templates/**/*.html"), *root.glob("cities4csr/*/templates/**/*.html")]
        if "chart.js/" in path.read_text()
    ]
    assert sorted(users) == [
        "cities4csr/funds/templates/funds/fund_ledger.html",
        "cities4csr/impact/templates/impact/dashboard.html",
        "cities4csr/impact/templates/impact/equity.html",
    ]


def test_a_donor_finds_their_gift_by_its_reference(ledger, world):
    hidden = ledger["hidden"]
    url = urls(world, ledger["fund"])["page"]
    spaced = " ".join(hidden.reference[i : i + 4] for i in range(0, len(hidden.reference), 4)).lower()
    html = body(Client().get(url, {"reference": spaced}))
    found = html.split('id="ledger-lookup"', 1)[1].split("</section>", 1)[0]
    assert "2 movements" in found and "a citizen" in found and SECRET_EMAIL not in found
    assert hidden.group.hash in found
    api = Client().get(urls(world, ledger["fund"])["api"], {"reference": hidden.reference}).json()
    assert [r["kind"] for r in api["results"]] == ["refund", "fund_contribution"]


def test_a_reference_not_received_or_of_another_fund_tells_nothing(ledger, world):
    url = urls(world, ledger["fund"])["page"]
    pending = contribution_create(
        actor=None,
        target=ledger["fund"],
        amount_cents=777,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Piero",
    )
    other = a_gift(world, a_fund(world, slug="altro", title="Altro"), 999)
    answers = set()
    for reference in (pending.reference, other.reference):
        found = body(Client().get(url, {"reference": reference})).split('id="ledger-lookup"', 1)[1]
        answers.add(found.split("</section>", 1)[0].split('role="status"', 1)[1])
    assert len(answers) == 1 and "No movement of this fund carries this reference yet" in answers.pop()


def test_a_mistyped_reference_is_told_in_the_readers_language(ledger, world):
    kwargs = {"city_slug": world.city.slug, "slug": ledger["fund"].slug}
    from django.utils import translation

    with translation.override("it"):
        url = reverse("fund_ledger", kwargs=kwargs)
    html = body(Client().get(url, {"reference": "RF00BANANA"}))
    assert "Questo non è un riferimento di pagamento" in html
    api = Client().get(urls(world, ledger["fund"])["api"], {"reference": "RF00BANANA"})
    assert api.status_code == 400 and api.json()["codes"]["reference"] == ["invalid_reference"]


def test_the_csv_neutralises_a_formula_in_a_consenting_donors_name(ledger, world):
    a_gift(world, ledger["fund"], 100, name='=HYPERLINK("http://evil.example","x")', name_public=True)
    text = body(Client().get(urls(world, ledger["fund"])["csv"]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[-1]["counterpart"] == '\'=HYPERLINK("http://evil.example","x")'
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    assert [row["amount"] for row in rows] == ["100.00", "50.00", "200.00", "-30.00", "-80.00", "1.00"]  # oldest first
    assert rows[-2]["balance"] == "240.00" and rows[-2]["act_number"] == "Delibera 123/2026"


def test_anyone_can_recompute_each_hash_from_the_json(ledger, world):
    data = json.loads(body(Client().get(urls(world, ledger["fund"])["json"])))
    assert data["head"]["number"] == len(data["movements"])  # this city has no other movement
    for movement in data["movements"]:
        chain = movement["chain"]
        assert (
            group_hash(prev_hash=movement["prev_hash"], content=chain["content"], postings=chain["postings"])
            == movement["hash"]
        )
        # … and by hand, as the page explains, without the platform's code
        text = json.dumps(
            {**chain["content"], "postings": sorted(chain["postings"])},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        assert hashlib.sha256(f"{movement['prev_hash']}\n{text}".encode()).hexdigest() == movement["hash"]


def test_the_hash_check_script_finds_a_tampered_amount(ledger, world, tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "scripts" / "ledger_hash_check.py"
    spec = importlib.util.spec_from_file_location("ledger_hash_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check = module.check

    data = json.loads(body(Client().get(urls(world, ledger["fund"])["json"])))
    assert check(data) == []
    data["movements"][1]["chain"]["postings"][0][2] += 100
    assert [number for number, _why in check(data)] == [data["movements"][1]["number"]]


def test_pages_of_movements_go_by_number_both_ways(world):
    fund = a_fund(world)
    for i in range(120):
        a_gift(world, fund, 100 + i)
    client = Client()
    api = urls(world, fund)["api"]
    first = client.get(api).json()
    assert len(first["results"]) == 50 and first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    numbers = [r["number"] for page in (first, second, third) for r in page["results"]]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == 120 and third["next"] is None
    back = client.get(third["previous"]).json()
    assert [r["number"] for r in back["results"]] == [r["number"] for r in second["results"]]
    oldest = client.get(api, {"after": 0}).json()
    assert oldest["results"][-1]["amount_cents"] == 100 and oldest["next"] is None


def test_another_citys_fund_is_not_found_here(two_cities):
    from django_scopes import scope

    with scope(city=two_cities.nantes.city.pk):
        fund = a_fund(two_cities.nantes, slug="fonds")
    milan = two_cities.milan.city.slug
    client = Client()
    assert client.get(reverse("fund_ledger", kwargs={"city_slug": milan, "slug": fund.slug})).status_code == 404
    assert client.get(reverse("fund_ledger_csv", kwargs={"city_slug": milan, "slug": fund.slug})).status_code == 404
    assert client.get(reverse("api:fund-ledger", kwargs={"city_slug": milan, "slug": fund.slug})).status_code == 404


def test_totals_by_source_and_purpose_add_up_to_the_balance(ledger, world):
    totals = Client().get(urls(world, ledger["fund"])["totals"]).json()
    sources = {row["code"]: row["cents"] for row in totals["by_source"]}
    assert sources == {"citizen": 12_000, "company": 20_000}
    assert totals["received_cents"] - totals["paid_cents"] == totals["balance_cents"] == 24_000
    assert totals["by_purpose"] == [
        {"code": "families", "name": "Vulnerable families", "awarded_cents": 12_000, "paid_cents": 8_000}
    ]
    assert totals["reserved_cents"] == 4_000 and totals["available_cents"] == 20_000


def test_the_same_number_of_queries_for_10_and_50_movements(world):
    """The page, the API and the exports read a page of movements in a fixed number of queries
    (tests/test_query_counts.py's pattern, with 10 then 50 movements of every kind)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_query_counts import add_fund_movements, the_fund_with_an_award

    fund = the_fund_with_an_award(world)
    client = Client()
    names = ("page", "api", "csv", "json", "totals")

    def counts():
        found = {}
        for name in names:
            url = urls(world, fund)[name]
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                body(client.get(url))
            found[name] = len(queries)
        return found

    add_fund_movements(world, 10)
    counts()  # warm what is cached per process
    ten = counts()
    add_fund_movements(world, 40)
    assert counts() == ten


def test_totals_kept_in_the_cache_follow_each_new_movement(ledger, world):
    """The totals by source are cached with the newest movement they include; new gifts,
    refunds and payments are added to them, and the result is what reading them whole gives."""
    from django.core.cache import cache

    from cities4csr.funds.selectors import fund_ledger_totals

    fund = ledger["fund"]
    cache.clear()
    fund_ledger_totals(fund=fund)  # cached
    more = a_gift(world, fund, 7_000, donor_kind=Contribution.DonorKind.FOUNDATION, name="Fondazione")
    contribution_refund(actor=world.officer, contribution=more, amount_cents=2_000, reason="Errore")
    a_gift(world, fund, 900, donor_kind=Contribution.DonorKind.ASSOCIATION, name="Amici")
    disbursement_record(
        actor=world.officer, award=ledger["award"], amount_cents=1_000, paid_on=datetime.date(2026, 5, 1)
    )
    fund.account.refresh_from_db()
    added = fund_ledger_totals(fund=fund)
    cache.clear()
    whole = fund_ledger_totals(fund=fund)
    assert added["by_source"] == whole["by_source"]
    assert {row["code"]: row["cents"] for row in whole["by_source"]} == {
        "citizen": 12_000,
        "company": 20_000,
        "foundation": 5_000,
        "association": 900,
    }
