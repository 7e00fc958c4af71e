"""The fund pages as people use them: a citizen gives without an account, sees how to pay and
can cancel; an officer receives, refunds, awards and pays out; refusals are said in the
reader's language; nobody else opens the workspace."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope

from cities4csr.funds.models import Award, Contribution, Disbursement
from cities4csr.funds.services import award_propose, award_transition
from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose

pytestmark = pytest.mark.django_db


def _pdf(name="ricevuta.pdf"):
    from cities4csr.core.tests.test_upload_cleaning import pdf

    return SimpleUploadedFile(name, pdf(), content_type="application/pdf")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _give(client, world, fund, lang="it", **data):
    url = f"/{lang}/{world.city.slug}/funds/{fund.slug}/give/"
    page = client.get(url)
    key = page.context["form"].initial["idempotency_key"]
    post = {
        "donor_kind": "citizen",
        "donor_name": "Maria Rossi",
        "donor_email": "",
        "amount": "20,00" if lang in ("it", "fr") else "20.00",
        "channel": "bank_transfer",
        "idempotency_key": key,
        **data,
    }
    return client.post(url, post), key, post


def _contributions(world):
    with scope(city=world.city.pk):
        return list(Contribution.objects.filter(city=world.city).order_by("pk"))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", ["Fondi della città", "Dona", "Disponibile per nuove assegnazioni"]),
        ("en", ["City funds", "Give", "Available for new awards"]),
        ("fr", ["Fonds de la ville", "Donner", "Disponible pour de nouvelles attributions"]),
    ],
)
def test_fund_pages_speak_the_readers_language(world, lang, words):
    fund = a_fund(world, translations={"en": {"title": "Milan Helps"}, "fr": {"title": "Milan aide"}})
    a_gift(world, fund, 150_000)
    client = _client()
    listing = client.get(f"/{lang}/{world.city.slug}/funds/").content.decode()
    page = client.get(f"/{lang}/{world.city.slug}/funds/{fund.slug}/").content.decode()
    for word in words:
        assert word in listing + page
    title = {"it": "Milano Aiuta", "en": "Milan Helps", "fr": "Milan aide"}[lang]
    assert title in page
    assert {"it": "1.500,00", "en": "1,500.00", "fr": "1\u202f500,00"}[lang] in page
    assert "Delibera di Giunta n. 90" in page


def test_an_anonymous_citizen_gives_once_and_sees_how_to_pay(world):
    fund = a_fund(world, target_cents=10_000_000)
    client = _client()
    response, key, post = _give(client, world, fund, donor_tax_id="rssmra80a01f205x")
    assert response.status_code == 302
    again = client.post(f"/it/{world.city.slug}/funds/{fund.slug}/give/", post)  # a double post
    assert again.status_code == 302 and again["Location"] == response["Location"]
    (contribution,) = _contributions(world)
    assert contribution.state == Contribution.State.PENDING and contribution.amount_cents == 2000
    assert contribution.name_public is False and contribution.user is None
    assert contribution.donor_tax_id == "RSSMRA80A01F205X"
    page = client.get(response["Location"]).content.decode()
    assert "IT60 X054 2811 1010 0000 0123 456" in page
    assert contribution.reference[:4] in page and "20,00" in page
    assert "In attesa del pagamento" in page or "pagamento" in page


def test_the_donors_link_is_the_only_way_in(world):
    fund = a_fund(world)
    contribution = a_gift(world, fund, 500, received=False)
    client = _client()
    assert client.get(f"/en/{world.city.slug}/funds/contributions/{contribution.access_token}/").status_code == 200
    wrong = contribution.access_token[:-1] + ("y" if contribution.access_token.endswith("x") else "x")
    assert client.get(f"/en/{world.city.slug}/funds/contributions/{wrong}/").status_code == 404
    assert client.get(f"/en/{world.city.slug}/funds/contributions/{contribution.pk}/").status_code == 404


def test_the_donor_cancels_a_pending_gift_by_the_link(world):
    fund = a_fund(world)
    contribution = a_gift(world, fund, 500, received=False)
    client = _client()
    response = client.post(f"/en/{world.city.slug}/funds/contributions/{contribution.access_token}/cancel/")
    assert response.status_code == 302
    (contribution,) = _contributions(world)
    assert contribution.state == Contribution.State.CANCELLED
    assert "Nothing is due" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Scrivi"),
        ("0", "zero"),
        ("-5", "negativ"),
        ("99999999999999999999", "grand"),
    ],
)
def test_a_bad_amount_is_refused_in_the_readers_words_and_writes_nothing(world, amount, message):
    fund = a_fund(world)
    response, _key, _post = _give(_client(), world, fund, amount=amount)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Correggere quanto segue" in body
    errors = " ".join(response.context["form"].errors["amount"])
    assert message.lower() in errors.lower(), errors
    assert _contributions(world) == []


def test_a_representative_gives_in_their_companys_name(world):
    fund = a_fund(world)
    client = _client(world.representative)
    page = client.get(f"/en/{world.city.slug}/funds/{fund.slug}/give/")
    assert world.company.name in page.content.decode()
    response, _key, _post = _give(
        client, world, fund, lang="en", donor_kind="company", organisation=world.company.pk, name_public="on"
    )
    assert response.status_code == 302
    (contribution,) = _contributions(world)
    assert contribution.organisation == world.company and contribution.name_public
    listing = client.get(f"/en/{world.city.slug}/funds/").content.decode()
    assert "Your contributions" in listing


def test_a_company_representative_cannot_open_the_workspace_and_another_city_sees_nothing(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk):
        fund = a_fund(milan)
        contribution = a_gift(milan, fund, 500, received=False)
    base = f"/en/{milan.city.slug}/workspace/officer/funds/"
    rep = _client(milan.representative)
    for path in ("", "new/", "contributions/", "awards/", "awards/new/", "purposes/", f"{fund.pk}/"):
        assert rep.get(base + path).status_code == 403, path
    assert rep.post(base + f"contributions/{contribution.pk}/receive/", {}).status_code == 403
    other = _client(nantes.officer)
    assert other.get(base + f"contributions/{contribution.pk}/").status_code in (403, 404)
    own = _client(nantes.officer)
    assert (
        own.get(f"/en/{nantes.city.slug}/workspace/officer/funds/contributions/{contribution.pk}/").status_code == 404
    )


def test_the_officer_creates_a_fund_and_a_bad_iban_is_refused(world):
    client = _client(world.officer)
    url = f"/it/{world.city.slug}/workspace/officer/funds/new/"
    data = {
        "slug": "scuole",
        "title": "Fondo scuole",
        "purpose": "Arredi per le scuole",
        "opens_on": "01/03/2026",
        "iban": "IT60 X054 2811 1010 0000 0123 457",
        "beneficiary": "Comune di Milano",
        "target": "50.000",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "IBAN non valido" in refused.content.decode() or "IBAN" in " ".join(refused.context["form"].errors["iban"])
    data["iban"] = "IT60 X054 2811 1010 0000 0123 456"
    response = client.post(url, data)
    assert response.status_code == 302
    from cities4csr.funds.models import Fund

    with scope(city=world.city.pk):
        fund = Fund.objects.get(slug="scuole")
    assert fund.target_cents == 5_000_000 and fund.iban == "IT60X0542811101000000123456"
    again = client.post(url, data)
    assert again.status_code == 400 and "nome breve" in again.content.decode()


def test_the_officer_receives_then_refunds_part(world):
    fund = a_fund(world)
    contribution = a_gift(world, fund, 10_000, received=False)
    client = _client(world.officer)
    base = f"/en/{world.city.slug}/workspace/officer/funds/contributions/{contribution.pk}/"
    listing = client.get(f"/en/{world.city.slug}/workspace/officer/funds/contributions/?q=Rossi").content.decode()
    assert "Maria Rossi" in listing
    response = client.post(base + "receive/", {"receive-received_on": "02/04/2026", "receive-amount": ""})
    assert response.status_code == 302
    refused = client.post(base + "refund/", {"refund-amount": "200.00", "refund-reason": "Error"})
    assert refused.status_code == 400
    assert "cannot exceed" in refused.content.decode()
    response = client.post(base + "refund/", {"refund-amount": "30.00", "refund-reason": "Asked back"})
    assert response.status_code == 302
    (contribution,) = _contributions(world)
    assert contribution.state == Contribution.State.PARTLY_REFUNDED and contribution.refunded_cents == 3000
    fund.account.refresh_from_db()
    assert fund.account.balance_cents == 7000


def test_an_award_over_the_available_money_is_refused_in_the_readers_words(world):
    fund = a_fund(world)
    a_gift(world, fund, 100_000)
    purpose = a_purpose(world)
    award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=purpose,
        description="Buoni spesa",
        act_number="DG 412",
        act_on=datetime.date(2026, 4, 2),
        amount_cents=150_000,
        organisation=world.third_sector,
    )
    client = _client(world.officer)
    response = client.post(
        f"/it/{world.city.slug}/workspace/officer/funds/awards/{award.pk}/transition/", {"to": "approved"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Il fondo ha 1.000,00\xa0€ disponibili" in body or "1.000,00" in body
    assert "1.500,00" in body
    with scope(city=world.city.pk):
        assert Award.objects.get(pk=award.pk).state == Award.State.PROPOSED


def test_the_officer_proposes_approves_and_pays_out_an_award(world):
    fund = a_fund(world)
    a_gift(world, fund, 100_000)
    purpose = a_purpose(world)
    client = _client(world.officer)
    url = f"/en/{world.city.slug}/workspace/officer/funds/awards/new/"
    found = client.get(url, {"recipient_q": world.third_sector.name[:8]}).content.decode()
    assert world.third_sector.name in found and world.other_company.name not in found
    response = client.post(
        url,
        {
            "fund": fund.pk,
            "purpose": purpose.pk,
            "description": "Shopping vouchers",
            "act_number": "DG 412",
            "act_on": "02/04/2026",
            "amount": "600.00",
            "organisation": world.third_sector.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    with scope(city=world.city.pk):
        award = Award.objects.get()
    assert award.state == Award.State.PROPOSED
    listing = client.get(f"/en/{world.city.slug}/workspace/officer/funds/awards/").content.decode()
    assert "1,000.00" in listing  # the fund's available money beside the award
    client.post(f"/en/{world.city.slug}/workspace/officer/funds/awards/{award.pk}/transition/", {"to": "approved"})
    pay = f"/en/{world.city.slug}/workspace/officer/funds/awards/{award.pk}/disbursements/"
    refused = client.post(pay, {"amount": "700.00", "paid_on": "03/04/2026", "receipt": _pdf()})
    assert refused.status_code == 400, refused.context["disbursement_form"].errors
    assert "more than the award has left" in refused.content.decode(), refused.context["disbursement_form"].errors
    response = client.post(pay, {"amount": "600.00", "paid_on": "03/04/2026", "receipt": _pdf()})
    assert response.status_code == 302
    with scope(city=world.city.pk):
        award.refresh_from_db()
        assert award.state == Award.State.PAID
        assert Disbursement.objects.get().receipt
    page = client.get(f"/en/{world.city.slug}/workspace/officer/funds/awards/{award.pk}/").content.decode()
    assert "Paid out" in page and "receipt" in page


def test_an_award_with_neither_or_both_recipients_is_refused(world):
    fund = a_fund(world)
    purpose = a_purpose(world)
    client = _client(world.officer)
    response = client.post(
        f"/en/{world.city.slug}/workspace/officer/funds/awards/new/",
        {
            "fund": fund.pk,
            "purpose": purpose.pk,
            "description": "x",
            "act_number": "1",
            "act_on": "02/04/2026",
            "amount": "10",
        },
    )
    assert response.status_code == 400
    assert "one of the two" in response.content.decode()


def test_the_officer_records_an_offline_gift_with_its_evidence(world):
    fund = a_fund(world)
    client = _client(world.officer)
    url = f"/en/{world.city.slug}/workspace/officer/funds/contributions/new/"
    key = client.get(url).context["form"].initial["idempotency_key"]
    data = {
        "fund": fund.pk,
        "donor_kind": "association",
        "donor_name": "Amici del Parco",
        "amount": "250.00",
        "received_on": "05/04/2026",
        "idempotency_key": key,
    }
    response = client.post(url, {**data, "evidence": _pdf("assegno.pdf")})
    assert response.status_code == 302, response.context["form"].errors
    (contribution,) = _contributions(world)
    assert contribution.state == Contribution.State.RECEIVED and contribution.channel == "offline"
    assert contribution.evidence
    assert client.get(response["Location"] + "evidence/").status_code == 200
    fund.account.refresh_from_db()
    assert fund.account.balance_cents == 25_000


def test_the_officer_closes_the_fund_and_the_give_form_says_so(world):
    fund = a_fund(world)
    client = _client(world.officer)
    client.post(f"/en/{world.city.slug}/workspace/officer/funds/{fund.pk}/state/", {"to": "closed"})
    page = _client().get(f"/en/{world.city.slug}/funds/{fund.slug}/give/").content.decode()
    assert "closed to new contributions" in page


def test_the_fund_page_shows_reserved_and_available(world):
    fund = a_fund(world)
    a_gift(world, fund, 100_000)
    award = award_propose(
        actor=world.officer,
        fund=fund,
        purpose=a_purpose(world),
        description="x",
        act_number="DG 1",
        act_on=datetime.date(2026, 4, 2),
        amount_cents=40_000,
        organisation=world.third_sector,
    )
    award_transition(actor=world.officer, award=award, to=Award.State.APPROVED)
    page = _client().get(f"/en/{world.city.slug}/funds/{fund.slug}/")
    figures = page.content.decode()
    assert "€1,000.00" in figures and "€400.00" in figures and "€600.00" in figures


def test_a_channel_is_offered_only_when_its_check_says_the_city_has_it(world):
    from cities4csr.funds import selectors

    fund = a_fund(world)
    assert selectors.channels_available(world.city) == ["bank_transfer"]
    selectors.channel_availability_register("card", lambda city: city.slug == world.city.slug)
    try:
        assert selectors.channels_available(world.city) == ["bank_transfer", "card"]
        page = _client().get(f"/en/{world.city.slug}/funds/{fund.slug}/give/").content.decode()
        assert 'value="card"' in page
    finally:
        selectors.CHANNEL_AVAILABILITY.pop("card")
    page = _client().get(f"/en/{world.city.slug}/funds/{fund.slug}/give/").content.decode()
    assert 'value="card"' not in page
