"""Donation receipts and donors' statements (ADR 0032): what the PDF says, in the reader's
language, with the country's receipt rules; who may get one; statements' totals; the advisor's
links to the city's open funds."""

import copy
import datetime
import io
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django_scopes import scope
from pypdf import PdfReader

from cities4csr.cities.services import city_settings_update
from cities4csr.funds.models import Contribution
from cities4csr.funds.receipt_packs import PackError, load_pack, receipt_rules, validate
from cities4csr.funds.services import contribution_create, contribution_receive, contribution_refund, fund_update
from cities4csr.funds.tests.factories import a_fund, a_gift

TAX_CODE = "RSSMRA80A01F205X"


def text_of(pdf: bytes) -> str:
    """The PDF's words on one line, spaces (also no-break ones) collapsed."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def receipt(client, city, contribution, lang="it"):
    return client.get(f"/{lang}/{city.slug}/funds/contributions/{contribution.access_token}/receipt.pdf")


def set_tax_code(world, tax_code):
    city = world.city
    city_settings_update(
        actor=world.admin,
        city=city,
        languages=city.languages,
        default_language=city.default_language,
        theme=city.theme,
        matching={},
        tax_code=tax_code,
    )
    city.refresh_from_db()


# --- the rules as data ---------------------------------------------------------------------------


def test_the_receipt_packs_load_and_cite_their_sources():
    for country in ("IT", "FR"):
        pack = load_pack(country)
        assert pack is not None
        for key in ("fields", "legal_basis"):
            assert all(item.get("source") or item.get("ref") for item in pack[key])
    assert load_pack("ES") is None


def test_a_bad_pack_is_refused_with_every_problem():
    pack = copy.deepcopy(load_pack("IT"))
    pack["fields"].append({"code": "shoe_size", "required": True, "source": "x"})
    pack["legal_basis"][0].pop("valid_from")
    del pack["legal_basis"][1]["text"]["fr"]
    with pytest.raises(PackError) as error:
        validate(pack, name="it.yaml")
    message = str(error.value)
    assert "shoe_size" in message and "valid_from" in message and "needs a text" in message


def test_the_legal_bases_are_those_in_force_on_the_day_of_the_gift():
    pack = load_pack("IT")
    in_2020 = receipt_rules(pack, on=datetime.date(2020, 4, 1), donor="individual", channel="bank_transfer")
    in_2026 = receipt_rules(pack, on=datetime.date(2026, 4, 1), donor="individual", channel="bank_transfer")
    assert any("DL 18/2020" in item.ref for item in in_2020.legal_basis)
    assert not any("DL 18/2020" in item.ref for item in in_2026.legal_basis)
    company = receipt_rules(pack, on=datetime.date(2020, 4, 1), donor="organisation", channel="card")
    assert any("L. 133/1999" in item.ref for item in company.legal_basis)
    assert not any("art. 15" in item.ref for item in company.legal_basis)


def test_cash_or_an_unknown_way_of_paying_keeps_no_italian_tax_benefit_for_sure():
    pack = load_pack("IT")
    transfer = receipt_rules(pack, on=datetime.date(2026, 4, 1), donor="individual", channel="pagopa")
    recorded = receipt_rules(pack, on=datetime.date(2026, 4, 1), donor="individual", channel="offline")
    assert transfer.traceable and not transfer.payment_note
    assert not recorded.traceable and "contanti" in recorded.payment_note["it"]


# --- the receipt's words ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_italian_receipt_holds_the_donor_the_amount_and_the_legal_basis(world, client):
    set_tax_code(world, "01199250158")
    fund = a_fund(world)
    gift = a_gift(world, fund, 123456, donor_tax_id=TAX_CODE, donor_address="Via Dante 1, Milano")
    response = receipt(client, world.city, gift, "it")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = text_of(response.content)
    assert "Ricevuta di erogazione liberale" in text
    assert "Maria Rossi" in text and TAX_CODE in text and "Via Dante 1, Milano" in text
    assert "1.234,56 €" in text  # as Italian writes it
    assert gift.reference in text
    assert "01199250158" in text  # the city's tax code, as beneficiary
    assert "Delibera di Giunta n. 90" in text and "Mutual aid for the families" in text
    assert "art. 769 c.c." in text and "art. 15 c. 1 lett. h) e i) TUIR" in text
    assert "verifica con l'ufficio legale" in text  # the purpose-dependent regime is uncertain
    assert f"n. {gift.group.seq}" in text and gift.group.hash[:16] in text
    assert "check with your legal office" not in text and "Received on" not in text


@pytest.mark.django_db
def test_the_same_receipt_in_english(world, client):
    gift = a_gift(world, a_fund(world), 123456, donor_tax_id=TAX_CODE)
    text = text_of(receipt(client, world.city, gift, "en").content)
    assert "Receipt for a liberal gift" in text and "€1,234.56" in text
    assert "check with your legal office" in text
    # a city without its tax code: the receipt says who has to complete it
    assert "to be completed by the city" in text


@pytest.mark.django_db
def test_a_french_receipt_for_a_french_city(two_cities, client):
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        gift = a_gift(
            nantes,
            a_fund(nantes, slug="solidarite", title="Fonds de solidarité"),
            5000,
            name="Jeanne Martin",
            donor_address="1 rue de Strasbourg, 44000 Nantes",
        )
    text = text_of(receipt(client, nantes.city, gift, "fr").content)
    assert "Reçu au titre des dons" in text
    assert "Jeanne Martin" in text and "1 rue de Strasbourg, 44000 Nantes" in text
    assert "***50,00 €***" in text  # framed, so it need not be written in words
    assert "article 200 du CGI" in text and "Cerfa n° 11580" in text
    assert "vérifiez avec votre service juridique" in text
    assert "Virement bancaire" in text  # the channel in French


@pytest.mark.django_db
def test_a_french_company_gets_the_mecenat_receipt(two_cities, client):
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        fund = a_fund(nantes, slug="solidarite", title="Fonds de solidarité")
        gift = contribution_create(
            actor=nantes.representative,
            target=fund,
            amount_cents=100000,
            donor_kind=Contribution.DonorKind.COMPANY,
            donor_name=nantes.company.name,
            donor_tax_id="552100554",
            organisation=nantes.company,
        )
        gift = contribution_receive(actor=None, contribution=gift, received_on=datetime.date(2026, 4, 1))
    text = text_of(receipt(client, nantes.city, gift, "fr").content)
    assert "article 238 bis du CGI" in text and "Cerfa n° 16216" in text and "552100554" in text
    assert "article 200 du CGI" not in text


@pytest.mark.django_db
def test_a_partly_refunded_gift_shows_what_remains(world, client):
    gift = a_gift(world, a_fund(world), 10000)
    contribution_refund(actor=world.officer, contribution=gift, amount_cents=2500, reason="Doppio versamento")
    gift.refresh_from_db()
    text = text_of(receipt(client, world.city, gift, "en").content)
    assert "Received €100.00" in text and "Refunded €25.00" in text and "Amount of the gift €75.00" in text


@pytest.mark.django_db
def test_a_refunded_gift_says_so(world, client):
    gift = a_gift(world, a_fund(world), 10000)
    contribution_refund(actor=world.officer, contribution=gift, amount_cents=10000, reason="Errore")
    gift.refresh_from_db()
    text = text_of(receipt(client, world.city, gift, "en").content)
    assert "refunded in full" in text and "no right to a tax benefit" in text


@pytest.mark.django_db
def test_a_pending_gift_has_no_receipt_yet(world, client):
    gift = a_gift(world, a_fund(world), 2000, received=False)
    response = receipt(client, world.city, gift, "it")
    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    assert "non ha ancora ricevuto" in response.content.decode()
    api = Client()
    api.force_login(world.officer)
    refused = api.get(f"/api/v1/cities/{world.city.slug}/funds/contributions/{gift.pk}/receipt.pdf")
    assert refused.status_code == 409 and refused.json()["code"] == "not_received"


@pytest.mark.django_db
def test_a_gift_recorded_by_an_officer_warns_about_cash(world, client):
    fund = a_fund(world)
    from cities4csr.funds.services import contribution_record

    gift = contribution_record(
        actor=world.officer,
        target=fund,
        amount_cents=5000,
        received_on=datetime.date(2026, 4, 2),
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Luigi Bianchi",
    )
    text = text_of(receipt(client, world.city, gift, "it").content)
    assert "in contanti non dà diritto ad agevolazioni fiscali" in text


# --- who gets a receipt ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_secret_link_opens_a_receipt(world, client):
    gift = a_gift(world, a_fund(world), 2000)
    assert receipt(client, world.city, gift).status_code == 200
    wrong = client.get(f"/it/{world.city.slug}/funds/contributions/{'x' * 32}/receipt.pdf")
    assert wrong.status_code == 404


@pytest.mark.django_db
def test_officers_and_donors_get_a_receipt_by_its_number_and_nobody_else(world):
    fund = a_fund(world)
    gift = contribution_create(
        actor=world.resident,
        target=fund,
        amount_cents=3000,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Anna Verdi",
    )
    contribution_receive(actor=None, contribution=gift, received_on=datetime.date(2026, 4, 1))
    page = f"/it/{world.city.slug}/workspace/officer/funds/contributions/{gift.pk}/receipt.pdf"
    api = f"/api/v1/cities/{world.city.slug}/funds/contributions/{gift.pk}/receipt.pdf"
    for user, expected in (
        (world.officer, 200),
        (world.resident, 200),
        (world.representative, 404),
        (world.volunteer, 404),
        (None, 404),
    ):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.get(page).status_code == expected, user
        assert client.get(api).status_code == expected, user
    client = Client()
    client.force_login(world.officer)
    response = client.get(api + "?lang=fr")
    assert response["Content-Type"] == "application/pdf" and "Anna Verdi" in text_of(response.content)


@pytest.mark.django_db
def test_a_receipt_of_another_city_is_not_found(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk):
        gift = a_gift(milan, a_fund(milan), 2000)
    client = Client()
    client.force_login(nantes.officer)
    assert client.get(f"/it/{nantes.city.slug}/funds/contributions/{gift.access_token}/receipt.pdf").status_code == 404
    api = f"/api/v1/cities/{nantes.city.slug}/funds/contributions/{gift.pk}/receipt.pdf"
    assert client.get(api).status_code == 404


# --- statements --------------------------------------------------------------------------------------


def company_gift(world, fund, cents, day, actor=None):
    gift = contribution_create(
        actor=actor or world.representative,
        target=fund,
        amount_cents=cents,
        donor_kind=Contribution.DonorKind.COMPANY,
        donor_name=world.company.name,
        organisation=world.company,
    )
    return contribution_receive(actor=None, contribution=gift, received_on=day)


@pytest.fixture
def company_gifts(world):
    fund = a_fund(world)
    inside = [
        company_gift(world, fund, 10000, datetime.date(2026, 3, 10)),
        company_gift(world, fund, 5050, datetime.date(2026, 6, 30)),
    ]
    company_gift(world, fund, 99900, datetime.date(2025, 12, 31))  # before the period
    pending = contribution_create(
        actor=world.representative,
        target=fund,
        amount_cents=77700,
        donor_kind=Contribution.DonorKind.COMPANY,
        donor_name=world.company.name,
        organisation=world.company,
    )
    contribution_refund(actor=world.officer, contribution=inside[1], amount_cents=50, reason="Commissione")
    a_gift(world, fund, 4000)  # a citizen's, not the company's
    return {"fund": fund, "inside": inside, "pending": pending}


PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.mark.django_db
def test_an_organisations_statement_sums_its_gifts_of_the_period(world, company_gifts):
    client = Client()
    client.force_login(world.representative)
    body = client.get(
        f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode({**PERIOD, 'organisation': world.company.pk})}"
    ).json()
    assert body["count"] == 2
    assert (body["received_cents"], body["refunded_cents"], body["net_cents"]) == (15050, 50, 15000)
    assert [c["received_on"] for c in body["contributions"]] == ["2026-03-10", "2026-06-30"]
    pdf = client.get(
        f"/api/v1/cities/{world.city.slug}/funds/gift-statement.pdf?{urlencode({**PERIOD, 'organisation': world.company.pk, 'lang': 'it'})}"
    )
    text = text_of(pdf.content)
    assert pdf.status_code == 200 and "Impresa di" in text and "150,50 €" in text and "150,00 €" in text


@pytest.mark.django_db
def test_the_statement_page_and_its_pdf(world, company_gifts):
    client = Client()
    client.force_login(world.representative)
    query = urlencode({"start": "01/01/2026", "end": "31/12/2026", "donor": f"org:{world.company.pk}"})
    page = client.get(f"/it/{world.city.slug}/funds/statements/?{query}")
    body = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'data-testid="statement-total">150,00\s€', body)
    assert company_gifts["inside"][0].reference in body
    pdf = client.get(f"/it/{world.city.slug}/funds/statements/statement.pdf?{query}")
    assert pdf["Content-Type"] == "application/pdf" and "150,00 €" in text_of(pdf.content)


@pytest.mark.django_db
def test_a_statement_period_that_ends_before_it_starts_is_refused_in_the_readers_words(world):
    client = Client()
    client.force_login(world.resident)
    query = urlencode({"start": "31/12/2026", "end": "01/01/2026", "donor": "me"})
    page = client.get(f"/it/{world.city.slug}/funds/statements/?{query}")
    assert page.status_code == 200 and "La fine del periodo" in page.content.decode()


@pytest.mark.django_db
def test_nobody_gets_another_organisations_statement(world, company_gifts):
    client = Client()
    client.force_login(world.other_representative)
    api = f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode({**PERIOD, 'organisation': world.company.pk})}"
    assert client.get(api).status_code == 403
    email = f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode({**PERIOD, 'email': 'x@example.org'})}"
    assert client.get(email).status_code == 403
    assert Client().get(api).status_code in (401, 403)
    officer = Client()
    officer.force_login(world.officer)
    assert officer.get(api).json()["net_cents"] == 15000


@pytest.mark.django_db
def test_a_persons_own_statement_and_an_officers_by_email(world):
    fund = a_fund(world)
    mine = contribution_create(
        actor=world.resident, target=fund, amount_cents=2500, donor_kind="citizen", donor_name="Anna Verdi"
    )
    contribution_receive(actor=None, contribution=mine, received_on=datetime.date(2026, 5, 1))
    # given without logging in, under the same address: still hers
    a_gift(world, fund, 1500, name="Anna Verdi", donor_email=world.resident.email.upper())
    a_gift(world, fund, 9900, name="Someone else", donor_email="else@example.org")
    client = Client()
    client.force_login(world.resident)
    own = client.get(f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode(PERIOD)}").json()
    assert (own["count"], own["net_cents"]) == (2, 4000)
    officer = Client()
    officer.force_login(world.officer)
    other = officer.get(
        f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode({**PERIOD, 'email': 'else@example.org'})}"
    ).json()
    assert (other["count"], other["net_cents"], other["donor"]) == (1, 9900, "Someone else")


@pytest.mark.django_db
def test_gifts_under_an_address_are_not_shown_to_who_has_not_verified_it(world):
    from cities4csr.accounts.tests.factories import UserFactory

    a_gift(world, a_fund(world), 1500, name="Anna Verdi", donor_email="anna@example.org", donor_tax_id=TAX_CODE)
    impostor = UserFactory(email="anna@example.org", verified=False)
    client = Client()
    client.force_login(impostor)
    own = client.get(f"/api/v1/cities/{world.city.slug}/funds/gift-statement/?{urlencode(PERIOD)}").json()
    assert own["count"] == 0


@pytest.mark.django_db
def test_the_statement_page_is_for_people_logged_in(world, client):
    assert client.get(f"/it/{world.city.slug}/funds/statements/").status_code == 403
    client.force_login(world.resident)
    page = client.get(f"/it/{world.city.slug}/funds/statements/").content.decode()
    assert "I miei doni" in page and "per indirizzo e-mail" not in page  # no officer's choices
    client.force_login(world.officer)
    assert "per indirizzo e-mail" in client.get(f"/it/{world.city.slug}/funds/statements/").content.decode()


# --- the advisor links to the funds ------------------------------------------------------------------


FUND_QUERY = {
    "contribution_kind": "money",
    "return_expected": "none",
    "public_asset": "none",
    "counterpart": "citizens",
    "recipient": "fund",
    "value_eur": "50",
    "duration_months": "0",
}


@pytest.mark.django_db
def test_the_advisors_fund_donation_lists_the_open_funds(world, client):
    fund = a_fund(world, translations={"en": {"title": "Milan Helps"}})
    closed = a_fund(world, slug="old", title="Old fund", opens_on=datetime.date(2020, 3, 1))
    fund_update(actor=world.officer, fund=closed, closes_on=datetime.date(2020, 12, 31))
    body = client.get(f"/en/{world.city.slug}/advisor/result/?{urlencode(FUND_QUERY)}").content.decode()
    assert 'data-code="fund_donation"' in body
    assert f'data-fund="{fund.slug}"' in body and "Milan Helps" in body
    assert "Old fund" not in body
    api = client.post(
        f"/api/v1/cities/{world.city.slug}/advisor/",
        FUND_QUERY,
        content_type="application/json",
    ).json()
    assert [f["slug"] for f in api["funds"]] == [fund.slug]


@pytest.mark.django_db
def test_the_advisor_says_when_no_fund_is_open(world, client):
    body = client.get(f"/it/{world.city.slug}/advisor/result/?{urlencode(FUND_QUERY)}").content.decode()
    assert 'data-code="fund_donation"' in body and 'data-testid="advice-funds"' in body
    assert "Il Comune non ha al momento fondi aperti ai doni" in body


@pytest.mark.django_db
def test_the_city_admin_enters_the_tax_code_the_receipts_print(world):
    client = Client()
    client.force_login(world.admin)
    url = f"/it/{world.city.slug}/manage/settings/"
    form = {
        "languages": world.city.languages,
        "default_language": world.city.default_language,
        "theme": world.city.theme,
        "weight_theme": "0.2",
        "weight_resource": "0.2",
        "weight_proximity": "0.2",
        "weight_timing": "0",
        "weight_equity": "0.4",
    }
    refused = client.post(url, {**form, "tax_code": "01199-250158"})
    assert refused.status_code == 200 and "sole lettere e cifre" in refused.content.decode()
    assert client.post(url, {**form, "tax_code": " 0119 9250158 "}).status_code == 302
    world.city.refresh_from_db()
    assert world.city.settings.tax_code == "01199250158"
    gift = a_gift(world, a_fund(world), 2000)
    text = text_of(receipt(client, world.city, gift, "it").content)
    assert "01199250158" in text and "da completare a cura del Comune" not in text
