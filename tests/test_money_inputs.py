"""Every place an amount or a quantity enters goes through core.money (ADR 0009): the pages read
it in the page's language, imports in the importing person's, the API as cents or "60000.50";
beyond the bounds it is a 400 with a message, never a server error."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook

from cities4csr.cities.models import City
from cities4csr.core.money import MAX_CENTS
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.forms import AdvisorForm
from cities4csr.instruments.services import agreement_confirm
from cities4csr.needs.importing import COLUMNS, needs_import
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.offers.models import Offer
from cities4csr.organisations.models import Organisation
from cities4csr.pledges.models import Pledge

SPONSORSHIP = {
    "contribution_kind": "money",
    "return_expected": "visibility",
    "public_asset": "municipal_asset_used",
    "duration_months": 12,
    "counterpart": "company",
    "beneficiary": "municipality",
}
#: what gave a server error before (2^63 cents, a float beyond double, 25 digits), and what the
#: database took although it is beyond MAX_CENTS (10^15 cents: ten trillion euros)
OUT_OF_RANGE = [2**63, "1e309", "1" * 25, 10**25, 10**15]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def big_need(in_milano, users):
    """A published need asking €100,000 of money and 500 volunteer hours worth €12,500."""
    officer = users["milano", "officer"]
    need = need_create(
        actor=officer,
        city=in_milano,
        owner=Organisation.objects.get(name="Comune di Milano"),
        title="Palestra della scuola di via Polesine",
        description="Rifare la palestra.",
        lat=45.4403,
        lon=9.2235,
    )
    line_add(actor=officer, need=need, kind=ResourceKind.MONEY, label="Lavori", quantity=10_000_000)
    line_add(
        actor=officer, need=need, kind=ResourceKind.VOLUNTEER_TIME, label="Ore", quantity=500, value_cents=1_250_000
    )
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    return need


def money_line(need):
    return need.lines.get(kind=ResourceKind.MONEY)


def time_line(need):
    return need.lines.get(kind=ResourceKind.VOLUNTEER_TIME)


# --- the pledge form -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sixty_thousand_as_an_italian_writes_it_is_sixty_thousand(big_need, company_rep):
    """The defect of issue 9: "60.000" on the Italian page was stored as €60 and skipped the
    public notice due above €40,000."""
    rep, company = company_rep
    line = money_line(big_need)
    response = logged_in(rep).post(
        f"/it/milano/needs/{big_need.pk}/pledge/",
        {"organisation": company.pk, "is_public": "on", f"line_{line.pk}": "60.000"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    pledge = Pledge.objects.get(need=big_need)
    assert pledge.value_cents == 6_000_000 and pledge.items.get().quantity == 6_000_000


@pytest.mark.django_db
def test_sixty_thousand_with_a_dot_is_refused_in_english_with_the_accepted_forms(big_need, company_rep):
    rep, company = company_rep
    line = money_line(big_need)
    response = logged_in(rep).post(
        f"/en/milano/needs/{big_need.pk}/pledge/",
        {"organisation": company.pk, "is_public": "on", f"line_{line.pk}": "60.000"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "This amount can be read in more than one way. Write an amount such as 60,000 or 60,000.50." in body
    assert not Pledge.objects.filter(need=big_need).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "amount", "cost", "cents", "cost_cents"),
    [
        ("it", "1.234,50", "300,50", 123_450, 30_050),
        ("fr", "1\u202f234,50", "300,50", 123_450, 30_050),
        ("fr", "1 234,50", "1 300", 123_450, 130_000),
        ("en", "1,234.50", "300.50", 123_450, 30_050),
    ],
)
def test_the_pledge_form_reads_amounts_and_costs_in_the_page_language(
    big_need, company_rep, lang, amount, cost, cents, cost_cents
):
    rep, company = company_rep
    money, time = money_line(big_need), time_line(big_need)
    response = logged_in(rep).post(
        f"/{lang}/milano/needs/{big_need.pk}/pledge/",
        {
            "organisation": company.pk,
            f"line_{money.pk}": amount,
            f"line_{time.pk}": "10",
            f"cost_{time.pk}": cost,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    items = {i.line_id: i for i in Pledge.objects.get(need=big_need).items.all()}
    assert items[money.pk].quantity == cents
    assert (items[time.pk].quantity, items[time.pk].value_cents) == (10, cost_cents)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("line", "1" * 25, "The amount is too large: at most €1,000,000,000,000.00."),
        ("line", "-5", "The amount cannot be negative."),
        ("line", "1e309", "This is not an amount."),
        ("line", "60,000.505", "An amount in EUR has at most 2 decimals."),
        ("hours", str(2**63), "The number is too large: at most 1,000,000,000."),
        ("hours", "1.5", "This is not a whole number."),
        ("cost", "9" * 20, "The amount is too large"),
    ],
)
def test_the_pledge_form_refuses_out_of_range_input_with_a_message(big_need, company_rep, field, value, message):
    rep, company = company_rep
    money, time = money_line(big_need), time_line(big_need)
    data = {"organisation": company.pk, f"line_{time.pk}": "10"}
    data[{"line": f"line_{money.pk}", "hours": f"line_{time.pk}", "cost": f"cost_{time.pk}"}[field]] = value
    response = logged_in(rep).post(f"/en/milano/needs/{big_need.pk}/pledge/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pledge.objects.filter(need=big_need).exists()


# --- need lines, offers, returns, the advisor: the other forms -----------------------------------


@pytest.mark.django_db
def test_the_need_line_form_reads_the_page_language(big_need, users):
    officer = logged_in(users["milano", "officer"])
    url = f"/it/milano/needs/{big_need.pk}/lines/"
    officer.post(url, {"kind": "money", "label": "Arredi", "amount_eur": "2.500,50"})
    officer.post(url, {"kind": "goods", "label": "Palloni", "quantity": "1.200", "amount_eur": "3.000"})
    with scope(city=big_need.city_id):
        assert ResourceLine.objects.get(need=big_need, label="Arredi").quantity == 250_050
        balls = ResourceLine.objects.get(need=big_need, label="Palloni")
    assert (balls.quantity, balls.value_cents) == (1200, 300_000)
    refused = officer.post(
        f"/en/milano/needs/{big_need.pk}/lines/", {"kind": "money", "label": "X", "amount_eur": "2,5"}
    )
    assert refused.status_code == 400 and "Write an amount such as 60,000 or 60,000.50." in refused.content.decode()
    too_big = officer.post(url, {"kind": "goods", "label": "Y", "quantity": "1" * 25, "amount_eur": "1"})
    assert too_big.status_code == 400


@pytest.mark.django_db
def test_the_offer_form_reads_the_page_language(company_rep):
    rep, company = company_rep
    client = logged_in(rep)
    url = f"/fr/milano/workspace/company/?organisation={company.pk}"
    client.post(
        url, {"form": "offer", "organisation": company.pk, "kind": "money", "label": "Don", "amount_eur": "12 500"}
    )
    with scope(city=company.city_id):
        assert Offer.objects.get(organisation=company, label="Don").quantity == 1_250_000
    refused = client.post(
        url, {"form": "offer", "organisation": company.pk, "kind": "money", "label": "Don 2", "amount_eur": "12.500"}
    )
    assert refused.status_code == 400
    assert "Écrivez un montant comme 60\u202f000 ou 60\u202f000,50." in refused.content.decode()


def _sponsorship_confirmed(pledge, users):
    """The officer confirms a sponsorship for the pledge; their logged-in client."""
    agreement_confirm(
        actor=users["milano", "officer"],
        pledge=pledge,
        answers={**answers_from_pledge(pledge), **SPONSORSHIP},
        instrument="sponsorship",
    )
    return logged_in(users["milano", "officer"])


@pytest.mark.django_db
def test_the_return_form_reads_the_page_language(in_milano, users, company_rep):
    pledge = _accepted_pledge(in_milano, users, company_rep, 1_000_000)
    officer = _sponsorship_confirmed(pledge, users)
    url = f"/it/milano/pledges/{pledge.pk}/agreement/returns/"
    officer.post(url, {"kind": "logo", "description": "Logo sul pannello", "value_eur": "1.500"})
    refused = officer.post(url, {"kind": "logo", "description": "Altro", "value_eur": "1.500.00"}, follow=True)
    returns = list(pledge.agreement.returns.order_by("id"))
    assert [(r.description, r.value_cents) for r in returns] == [("Logo sul pannello", 150_000)]
    assert "60.000,50" in refused.content.decode()


def _accepted_pledge(city, users, company_rep, cents):
    from cities4csr.pledges.services import pledge_propose, pledge_transition

    officer = users["milano", "officer"]
    rep, company = company_rep
    need = need_create(
        actor=officer,
        city=city,
        owner=Organisation.objects.get(name="Comune di Milano"),
        title="Piazza",
        description="Una piazza.",
        lat=45.4403,
        lon=9.2235,
    )
    line = line_add(actor=officer, need=need, kind=ResourceKind.MONEY, label="Arredi", quantity=cents)
    need_transition(actor=officer, need=need, to=Need.State.PUBLISHED)
    pledge = pledge_propose(actor=rep, need=need, organisation=company, items=[(line, cents)])
    return pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)


@pytest.mark.django_db
def test_the_advisor_reads_the_value_in_the_page_language(milano):
    with translation.override("it"):
        form = AdvisorForm({"value_eur": "60.000"}, currency=milano.currency)
        assert form.is_valid() and form.answers()["value_eur"] == 60_000
    with translation.override("en"):
        form = AdvisorForm({"value_eur": "60.000"}, currency=milano.currency)
        assert not form.is_valid() and "can be read in more than one way" in str(form.errors["value_eur"])
    query = {**SPONSORSHIP, "value_eur": "60.000"}
    italian = Client().get("/it/milano/advisor/result/", query).content.decode()
    assert "Pubblicare sul sito l'avviso per almeno 30 giorni" in italian.replace("&#x27;", "'")  # above €40,000
    assert Client().get("/en/milano/advisor/result/", query).status_code == 400


@pytest.mark.django_db
def test_whole_numbers_in_forms_are_read_in_the_page_language(in_milano, users):
    """Django's IntegerField read the Italian "1.000" as 1: beneficiaries, headcount and duration
    are QuantityFields."""
    from cities4csr.cities.models import Area
    from cities4csr.needs.forms import NeedForm
    from cities4csr.needs.models import Action, Theme
    from cities4csr.offers.forms import ProfileForm

    owners = Organisation.objects.filter(city=in_milano, name="Comune di Milano")
    need = {"owner": owners.get().pk, "title": "T", "description": "D", "beneficiaries_expected": "1.000"}
    with translation.override("it"):
        form = NeedForm(need, city=in_milano, owners=owners, actions=Action.objects.none())
        assert form.is_valid(), form.errors
        assert form.cleaned_data["beneficiaries_expected"] == 1000
        profile = ProfileForm(
            {"headcount": "2.500"}, currency="EUR", themes=Theme.objects.none(), areas=Area.objects.none()
        )
        assert profile.is_valid() and profile.cleaned_data["headcount"] == 2500
        advisor = AdvisorForm({"duration_months": "1.500"}, currency="EUR")
        assert not advisor.is_valid() and "al massimo 1.200" in str(advisor.errors["duration_months"])
    with translation.override("en"):
        form = NeedForm(
            {**need, "beneficiaries_expected": str(2**63)}, city=in_milano, owners=owners, actions=Action.objects.none()
        )
        assert not form.is_valid() and "at most 1,000,000,000" in str(form.errors["beneficiaries_expected"])


# --- imports -------------------------------------------------------------------------------------


def _rows(amount, quantity="40"):
    return [
        {
            "title": "Orto condiviso (importi)",
            "description": "Un orto.",
            "owner": "Comune di Milano",
            "nil": "35",
            "kind": "money",
            "label": "Attrezzi",
            "amount_eur": amount,
        },
        {
            "title": "Orto condiviso (importi)",
            "owner": "Comune di Milano",
            "kind": "volunteer_time",
            "label": "Volontari",
            "quantity": quantity,
            "amount_eur": "1000",
        },
    ]


def csv_file(rows):
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return SimpleUploadedFile("needs.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("needs.xlsx", buffer.getvalue())


def imported_money(in_milano):
    return ResourceLine.objects.get(need__title="Orto condiviso (importi)", kind=ResourceKind.MONEY).quantity


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("locale", "amount", "quantity"),
    [("it", "60.000,50", "1.500"), ("fr", "60 000,50", "1 500"), ("en", "60,000.50", "1,500")],
)
def test_a_csv_is_read_in_the_importing_persons_language(in_milano, users, locale, amount, quantity):
    with translation.override(locale):
        report = needs_import(
            actor=users["milano", "officer"], city=in_milano, file=csv_file(_rows(amount, quantity)), dry_run=False
        )
    assert report.ok, report.as_dict()["errors"]
    assert imported_money(in_milano) == 6_000_050
    assert (
        ResourceLine.objects.get(need__title="Orto condiviso (importi)", kind=ResourceKind.VOLUNTEER_TIME).quantity
        == 1500
    )


@pytest.mark.django_db
def test_a_csv_amount_that_could_mean_two_things_is_refused_with_its_row(in_milano, users):
    with translation.override("en"):
        report = needs_import(
            actor=users["milano", "officer"], city=in_milano, file=csv_file(_rows("60.000")), dry_run=True
        )
    assert not report.ok
    (bad,) = report.bad_rows
    assert bad.number == 2
    assert bad.errors == [
        "amount_eur: “60.000”: This amount can be read in more than one way. Write an amount such as 60,000 or 60,000.50."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "quantity", "message"),
    [
        ("1" * 25, "40", "amount is too large"),
        ("10000000000000", "40", "amount is too large"),  # 10^15 cents: beyond MAX_CENTS, not the database's
        ("1000", str(2**63), "number is too large"),
        ("1000", "2000000000", "number is too large"),  # beyond MAX_QUANTITY
        ("-5", "40", "cannot be negative"),
        ("5", "1e309", "not a whole number"),
    ],
)
def test_out_of_range_values_in_a_csv_are_refused_not_a_database_error(in_milano, users, amount, quantity, message):
    report = needs_import(
        actor=users["milano", "officer"], city=in_milano, file=csv_file(_rows(amount, quantity)), dry_run=False
    )
    assert not report.ok and not report.written
    assert message in " ".join(e for row in report.bad_rows for e in row.errors)


@pytest.mark.django_db
def test_xlsx_numbers_are_taken_exactly_and_never_rounded(in_milano, users):
    officer = users["milano", "officer"]
    with translation.override("it"):  # a number cell is a number, whatever the language
        report = needs_import(actor=officer, city=in_milano, file=xlsx_file(_rows(60000.5, 1500)), dry_run=False)
    assert report.ok, report.as_dict()["errors"]
    assert imported_money(in_milano) == 6_000_050
    refused = needs_import(actor=officer, city=in_milano, file=xlsx_file(_rows(2500.125)), dry_run=True)
    assert "at most 2 decimals" in refused.bad_rows[0].errors[0]
    refused = needs_import(actor=officer, city=in_milano, file=xlsx_file(_rows(5, 40.5)), dry_run=True)
    assert "not a whole number" in refused.bad_rows[0].errors[0]


@pytest.mark.django_db
def test_the_import_page_says_how_amounts_are_read(users):
    page = logged_in(users["milano", "officer"]).get("/it/milano/needs/import/").content.decode()
    assert "60.000 o 60.000,50" in page


@pytest.mark.django_db
def test_the_import_api_reads_the_language_it_is_told(users, in_milano):
    api = logged_in(users["milano", "officer"])
    response = api.post(
        "/api/v1/cities/milano/needs/import/",
        {"file": csv_file(_rows("60.000,50")), "dry_run": "false", "locale": "it"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.json()
    assert imported_money(in_milano) == 6_000_050


# --- the API ---------------------------------------------------------------------------------------


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["quantity", "cost_cents"])
def test_out_of_range_pledge_amounts_are_a_400(big_need, company_rep, field, value):
    rep, company = company_rep
    item = {"line": time_line(big_need).pk, "quantity": 10, field: value}
    response = post(
        logged_in(rep),
        "/api/v1/cities/milano/pledges/",
        {"need": big_need.pk, "organisation": company.pk, "items": [item]},
    )
    assert response.status_code == 400, response.content
    assert "too large" in str(response.json()) or "Give" in str(response.json())
    assert not Pledge.objects.filter(need=big_need).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["quantity", "cost_cents"])
def test_a_json_number_beyond_double_is_a_400(big_need, company_rep, field):
    """1e309 as a JSON number (not a string) is read as infinity by the JSON parser."""
    rep, company = company_rep
    item = {"line": time_line(big_need).pk, "quantity": 10, field: "INF"}
    body = json.dumps({"need": big_need.pk, "organisation": company.pk, "items": [item]}).replace('"INF"', "1e309")
    response = logged_in(rep).post("/api/v1/cities/milano/pledges/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in str(response.json()["items"]) and "Give" in str(response.json()), response.json()


@pytest.mark.django_db
def test_a_pledge_cost_is_cents_or_a_decimal_string(big_need, company_rep):
    rep, company = company_rep
    client = logged_in(rep)
    url = "/api/v1/cities/milano/pledges/"
    time = time_line(big_need).pk
    for bad in ["300,50", "1.234,50", 300.5, "3e2", True, "300.505"]:
        response = post(
            client,
            url,
            {
                "need": big_need.pk,
                "organisation": company.pk,
                "items": [{"line": time, "quantity": 10, "cost_cents": bad}],
            },
        )
        assert response.status_code == 400, (bad, response.content)
    response = post(
        client,
        url,
        {
            "need": big_need.pk,
            "organisation": company.pk,
            "items": [{"line": time, "quantity": 10, "cost_cents": "300.50"}],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["value_cents"] == 30_050


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["quantity", "value_cents"])
def test_out_of_range_need_line_amounts_are_a_400(big_need, users, field, value):
    line = {"kind": "goods", "label": "Palloni", "quantity": 10, "value_cents": 1000, field: value}
    response = post(logged_in(users["milano", "officer"]), f"/api/v1/cities/milano/needs/{big_need.pk}/lines/", line)
    assert response.status_code == 400, response.content
    assert str(response.json()[field][0]).startswith(("The amount is too large", "The number is too large", "Give"))


@pytest.mark.django_db
def test_need_line_amounts_through_the_api(big_need, users):
    client = logged_in(users["milano", "officer"])
    url = f"/api/v1/cities/milano/needs/{big_need.pk}/lines/"
    made = post(client, url, {"kind": "goods", "label": "Palloni", "quantity": 12, "value_cents": "2500.50"})
    assert made.status_code == 201 and made.json()["value_cents"] == 250_050
    hours = post(client, url, {"kind": "goods", "label": "Troppi", "quantity": MAX_CENTS, "value_cents": 100})
    assert hours.status_code == 400 and "quantity" in hours.json()  # only money counts up to MAX_CENTS
    money = post(client, url, {"kind": "money", "label": "Tanti", "quantity": MAX_CENTS})
    assert money.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["quantity", "value_cents"])
def test_out_of_range_offer_amounts_are_a_400(company_rep, field, value):
    rep, company = company_rep
    offer = {
        "organisation": company.pk,
        "kind": "goods",
        "label": "PC",
        "quantity": 10,
        "value_cents": 1000,
        field: value,
    }
    response = post(logged_in(rep), "/api/v1/cities/milano/offers/", offer)
    assert response.status_code == 400, response.content
    assert str(response.json()[field][0]).startswith(("The amount is too large", "The number is too large", "Give"))


@pytest.mark.django_db
def test_out_of_range_return_values_and_evidence_hours_are_a_400(in_milano, users, company_rep):
    pledge = _accepted_pledge(in_milano, users, company_rep, 100_000)
    officer = _sponsorship_confirmed(pledge, users)
    url = f"/api/v1/cities/milano/pledges/{pledge.pk}/agreement/returns/"
    for value in OUT_OF_RANGE:
        response = post(officer, url, {"kind": "logo", "description": "Logo", "value_cents": value})
        assert response.status_code == 400 and "value_cents" in response.json()
    from cities4csr.pledges.tests.test_pledges import PNG

    rep = logged_in(company_rep[0])
    evidence = rep.post(
        f"/api/v1/cities/milano/pledges/{pledge.pk}/evidence/",
        {"kind": "photo", "file": SimpleUploadedFile("p.png", PNG), "volunteer_hours": str(2**63)},
    )
    assert evidence.status_code == 400 and "volunteer_hours" in evidence.json()


@pytest.mark.django_db
def test_an_id_beyond_the_database_integer_is_a_400(corvetto_need, company_rep):
    rep, company = company_rep
    line = corvetto_need.lines.first().pk
    body = {
        "need": corvetto_need.pk,
        "organisation": company.pk,
        "partners": [2**64],
        "items": [{"line": line, "quantity": 1}],
    }
    response = post(logged_in(rep), "/api/v1/cities/milano/pledges/", body)
    assert response.status_code == 400 and "partners" in response.json()


def test_api_errors_carry_a_stable_code():
    from cities4csr.pledges.api.serializers import ItemWriteSerializer

    cases = {
        "1e309": "invalid",  # not a decimal string
        "1" * 25: "too_large",
        "-1": "negative",
        "60.000,50": "invalid",
        "1.005": "too_many_decimals",
        2**63: "too_large",
        1.5: "invalid",
    }
    for value, code in cases.items():
        serializer = ItemWriteSerializer(data={"line": 1, "quantity": 1, "cost_cents": value})
        assert not serializer.is_valid()
        assert serializer.errors["cost_cents"][0].code == code, value
    serializer = ItemWriteSerializer(data={"line": 1, "quantity": 2**63})
    assert not serializer.is_valid() and serializer.errors["quantity"][0].code == "too_large"


# --- the city's currency, shown in the reader's language -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "shown"), [("it", "100.000,00\u00a0€"), ("fr", "100\u202f000,00\u00a0€"), ("en", "€100,000.00")]
)
def test_amounts_are_shown_in_the_readers_language(big_need, lang, shown):
    page = Client().get(f"/{lang}/milano/needs/{big_need.pk}/").content.decode()
    assert shown in page
    catalogue = Client().get(f"/{lang}/milano/needs/").content.decode()
    assert not re.search(r"\bcents?\b", catalogue + page, re.IGNORECASE)


@pytest.mark.django_db
def test_amounts_are_shown_and_read_in_the_citys_currency(big_need, company_rep):
    with scopes_disabled():
        City.objects.filter(pk=big_need.city_id).update(currency="HUF")
    page = Client().get(f"/en/milano/needs/{big_need.pk}/").content.decode()
    assert "HUF100,000.00" in page and "€" not in page.split("<main", 1)[-1]
    rep, company = company_rep
    form = logged_in(rep).get(f"/en/milano/needs/{big_need.pk}/").content.decode()
    assert "amount in HUF" in form


@pytest.mark.django_db
def test_a_city_currency_must_be_iso_4217(users):
    from django.core.exceptions import ValidationError

    from cities4csr.cities.services import city_create

    fields = {"slug": "torino", "name": "Torino", "country": "IT", "default_language": "it", "languages": ["it"]}
    with pytest.raises(ValidationError) as refused:
        city_create(actor=users["milano", "officer"], currency="EUX", **fields)
    assert "currency" in refused.value.message_dict
    assert city_create(actor=users["milano", "officer"], currency="HUF", **fields).currency == "HUF"
