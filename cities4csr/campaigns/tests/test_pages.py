"""The campaign's pages as a donor, a company's representative and an officer use them, in the
three languages."""

import datetime
import re

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.campaigns.models import Campaign, Matcher
from cities4csr.funds.models import Contribution
from cities4csr.funds.tests.factories import IBAN
from cities4csr.needs.tests.factories import NeedFactory

from .factories import a_campaign, a_campaign_gift, city_threshold, company_matcher

pytestmark = pytest.mark.django_db

BECOMES = {
    "en": "Your €50.00 becomes €100.00.",
    "it": "I tuoi 50,00\xa0€ diventano 100,00\xa0€.",
    "fr": "Vos 50,00\xa0€ deviennent 100,00\xa0€.",
}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def url(world, lang, rest=""):
    return f"/{lang}/{world.city.slug}/campaigns/{rest}"


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_campaign_page_shows_progress_match_money_left_and_what_a_gift_becomes(world, lang):
    campaign = a_campaign(world, matchers=[company_matcher(world, pool_cents=200_000), city_threshold()])
    a_campaign_gift(campaign, 100_000)
    response = client_for().get(url(world, lang, f"{campaign.slug}/"))
    assert response.status_code == 200
    body = text(response)
    assert 'role="progressbar"' in body and 'aria-valuenow="20"' in body  # €2,000 of €10,000
    assert BECOMES[lang] in body
    assert 'data-testid="campaign-gifts">1<' in body and 'data-testid="campaign-donors">1<' in body
    from cities4csr.core.money import money_format

    left = money_format(100_000, locale=lang, currency="EUR")
    assert left in body  # the company's pool: €2,000 less the €1,000 it matched
    assert 'name="amount_cents"' in body  # the give form


@pytest.mark.parametrize(
    ("lang", "typed", "cents"), [("it", "1.000,50", 100_050), ("en", "1,000.50", 100_050), ("fr", "25", 2_500)]
)
def test_the_preview_reads_the_amount_as_the_reader_writes_it(world, lang, typed, cents):
    campaign = a_campaign(world, matchers=[company_matcher(world, pool_cents=500_000)])
    response = client_for().get(
        url(world, lang, f"{campaign.slug}/preview/"), {"amount": typed}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body  # only the fragment htmx swaps in
    from cities4csr.core.money import money_format

    assert money_format(2 * cents, locale={"it": "it", "en": "en", "fr": "fr"}[lang], currency="EUR") in body


def test_an_amount_that_cannot_be_read_is_said_in_italian(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)])
    response = client_for().get(url(world, "it", f"{campaign.slug}/preview/"), {"amount": "dieci"})
    assert response.status_code == 200
    assert "importo" in text(response).lower()


def test_a_citizen_gives_by_bank_transfer_and_sees_the_reference_and_iban(world):
    campaign = a_campaign(world, matchers=[company_matcher(world)], iban=IBAN, beneficiary="Comune di Milano")
    client = client_for()
    response = client.post(
        url(world, "it", f"{campaign.slug}/give/"),
        {
            "amount_cents": "50",
            "donor_name": "Giulia Bianchi",
            "donor_email": "giulia@example.org",
            "idempotency_key": "k1",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        gift = Contribution.objects.get(donor_name="Giulia Bianchi", target=campaign.account)
    assert gift.target_id == campaign.account_id and gift.amount_cents == 5_000
    assert gift.state == Contribution.State.PENDING and gift.organisation is None
    page = text(client.get(response["Location"]))
    assert gift.reference in page and IBAN in page
    # the same form sent twice is one gift
    client.post(
        url(world, "it", f"{campaign.slug}/give/"),
        {"amount_cents": "50", "donor_name": "Giulia Bianchi", "idempotency_key": "k1"},
    )
    with scopes_disabled():
        assert Contribution.objects.filter(donor_name="Giulia Bianchi", target=campaign.account).count() == 1


def test_a_company_representative_gives_in_the_company_name(world):
    campaign = a_campaign(world, matchers=[company_matcher(world, organisation=world.other_company)])
    client = client_for(world.representative)
    page = text(client.get(url(world, "en", f"{campaign.slug}/")))
    assert world.company.name in page  # "Give as" offers the company
    response = client.post(
        url(world, "en", f"{campaign.slug}/give/"),
        {
            "amount_cents": "1000",
            "organisation": world.company.pk,
            "donor_name": world.company.name,
            "idempotency_key": "c1",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        gift = Contribution.objects.get(organisation=world.company, target=campaign.account)
    assert gift.donor_kind == Contribution.DonorKind.COMPANY and gift.amount_cents == 100_000


def test_a_bad_gift_is_refused_in_the_readers_words_and_nothing_is_written(world):
    campaign = a_campaign(world)
    response = client_for().post(url(world, "fr", f"{campaign.slug}/give/"), {"amount_cents": "-5", "donor_name": ""})
    assert response.status_code == 400
    assert "Veuillez corriger" in text(response) or "corriger" in text(response)
    with scopes_disabled():
        assert not Contribution.objects.filter(target=campaign.account).exists()


def test_a_draft_is_the_officers_own(world):
    campaign = a_campaign(world, open_it=False)
    assert client_for().get(url(world, "en", f"{campaign.slug}/")).status_code == 404
    assert client_for(world.representative).get(url(world, "en", f"{campaign.slug}/")).status_code == 404
    assert client_for(world.officer).get(url(world, "en", f"{campaign.slug}/")).status_code == 200
    assert campaign.title not in text(client_for().get(url(world, "en")))


def test_the_officer_prepares_opens_and_closes_a_campaign(world):
    need = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    client = client_for(world.officer)
    base = f"/it/{world.city.slug}/workspace/officer/campaigns/"
    day = (datetime.date.today() + datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    response = client.post(
        base + "new/",
        {
            "slug": "scuola-corvetto",
            "title": "Cortile della scuola",
            "description": "Un cortile nuovo.",
            "need": need.pk,
            "target_cents": "10.000",
            "deadline": day,
            "mode": "all_or_nothing",
            "on_miss": "refund",
            "cascade": "on",
            "iban": IBAN,
            "beneficiary": "Comune di Milano",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    with scopes_disabled():
        campaign = Campaign.objects.get(slug="scuola-corvetto")
    assert campaign.target_cents == 1_000_000 and campaign.state == "draft"
    response = client.post(
        base + "scuola-corvetto/matchers/",
        {
            "organisation": "",
            "order": "1",
            "kind": "top_up",
            "pool_cents": "5.000",
            "factor": "1",
            "threshold_percent": "50",
            "threshold_cap_cents": "5.000",
        },
    )
    assert response.status_code == 302
    response = client.post(
        base + "scuola-corvetto/matchers/",
        {"organisation": world.company.pk, "order": "2", "kind": "match", "pool_cents": "2.000", "factor": "0,5"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        matchers = list(Matcher.objects.filter(campaign=campaign).order_by("order"))
    assert [m.threshold_percent for m in matchers] == [50, None]
    assert str(matchers[1].factor) == "0.500"
    client.post(base + "scuola-corvetto/transition/", {"to": "open"})
    with scopes_disabled():
        campaign.refresh_from_db()
    assert campaign.state == "open"
    a_campaign_gift(campaign, 600_000)
    client.post(base + "scuola-corvetto/transition/", {"to": "close_now"})
    with scopes_disabled():
        campaign.refresh_from_db()
    assert campaign.state == "succeeded"
    page = text(client_for().get(url(world, "it", "scuola-corvetto/")))
    assert 'data-testid="campaign-top-up"' in page and "4.000,00\xa0€" in page  # the city's top-up to the target


def test_only_officers_reach_the_officer_pages(world):
    campaign = a_campaign(world, open_it=False)
    base = f"/en/{world.city.slug}/workspace/officer/campaigns/"
    for person in (None, world.representative, world.resident):
        client = client_for(person)
        assert client.get(base).status_code in (302, 403)
        assert client.get(base + f"{campaign.slug}/").status_code in (302, 403, 404)
        client.post(base + f"{campaign.slug}/transition/", {"to": "open"})
    with scopes_disabled():
        campaign.refresh_from_db()
    assert campaign.state == "draft"


def test_the_need_page_links_its_open_campaign_and_the_pledge_form_says_a_company_can_give_to_it(world):
    campaign = a_campaign(world, matchers=[company_matcher(world, organisation=world.other_company)])
    page = text(client_for(world.representative).get(f"/en/{world.city.slug}/needs/{campaign.need_id}/"))
    assert 'data-testid="need-campaign"' in page and f"/campaigns/{campaign.slug}/" in page
    assert 'data-testid="pledge-campaign-note"' in page
    other = NeedFactory(city=world.city, owner=world.city_hall, published=True)
    assert "need-campaign" not in text(client_for().get(f"/en/{world.city.slug}/needs/{other.pk}/"))
