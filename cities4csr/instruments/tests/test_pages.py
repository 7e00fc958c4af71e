"""The advisor's pages: the public questionnaire and result, instrument pages in three languages,
and inside a pledge the advisor pre-filled from it, the confirmation and the checklist."""

from urllib.parse import urlencode

import pytest

from cities4csr.instruments.models import Agreement
from cities4csr.pledges.models import Pledge

SPONSOR_QUERY = {
    "contribution_kind": "money",
    "return_expected": "visibility",
    "public_asset": "municipal_asset_used",
    "counterpart": "company",
    "recipient": "city",
    "value_eur": "60000",
    "duration_months": "12",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "heading", "instrument"),
    [("it", "Vademecum", "Sponsorizzazione"), ("en", "Vademecum", "Sponsorship"), ("fr", "Vademecum", "Parrainage")],
)
def test_public_questionnaire_and_result_in_three_languages(
    client, milano, lang, heading, instrument, django_assert_max_num_queries
):
    page = client.get(f"/{lang}/milano/advisor/")
    assert page.status_code == 200 and heading in page.content.decode()
    with django_assert_max_num_queries(6):
        result = client.get(f"/{lang}/milano/advisor/result/?{urlencode(SPONSOR_QUERY)}")
    body = result.content.decode()
    assert result.status_code == 200
    assert 'data-code="sponsorship"' in body and instrument in body
    assert "art. 134 c.4 D.Lgs. 36/2023" in body


@pytest.mark.django_db
def test_incomplete_answers_show_questions_and_bad_ones_a_400(client, milano):
    body = client.get("/en/milano/advisor/result/?contribution_kind=money").content.decode()
    assert 'data-code="needs_review"' in body and "What does it receive in return" in body
    assert client.get("/en/milano/advisor/result/?contribution_kind=cash&value_eur=-1").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "words"), [("it", "Che cosa è"), ("en", "What it is"), ("fr", "Ce que c")])
def test_instrument_pages(client, milano, lang, words, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        listing = client.get(f"/{lang}/milano/instruments/")
    assert listing.status_code == 200 and "/instruments/collaboration_pact/" in listing.content.decode()
    page = client.get(f"/{lang}/milano/instruments/collaboration_pact/")
    assert page.status_code == 200 and words in page.content.decode().replace("&#x27;", "'")
    assert "20 maggio 2019" in page.content.decode()
    assert client.get(f"/{lang}/milano/instruments/mecenat/").status_code == 404


@pytest.mark.django_db
def test_nantes_pages_use_the_french_pack(client, nantes):
    assert "/instruments/mecenat/" in client.get("/fr/nantes/instruments/").content.decode()


@pytest.fixture
def officer_client(client, users):
    client.force_login(users["milano", "officer"])
    return client


@pytest.mark.django_db
def test_officer_confirms_the_instrument_inside_a_pledge(officer_client, accepted_pledge, users):
    pledge = accepted_pledge(60_000)
    url = f"/en/milano/pledges/{pledge.pk}/agreement/"
    prefilled = officer_client.get(url).content.decode()
    assert 'value="60,000.00"' in prefilled and 'data-code="needs_review"' in prefilled  # return and asset unknown
    advised = officer_client.get(url + "?" + urlencode(SPONSOR_QUERY)).content.decode()
    assert 'data-code="sponsorship"' in advised and "Confirm this instrument" in advised
    import json

    response = officer_client.post(
        url,
        {
            "answers": json.dumps(
                {
                    k: (float(v) if k == "value_eur" else int(v) if k == "duration_months" else v)
                    for k, v in SPONSOR_QUERY.items()
                }
            ),
            "instrument": "sponsorship",
            "published_on": "",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(city=pledge.city, pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACCEPTED and agreement.instrument == "sponsorship"
    detail = officer_client.get(f"/en/milano/pledges/{pledge.pk}/").content.decode()
    assert 'data-testid="checklist"' in detail and "Publish the notice on the website for at least 30 days" in detail
    # concluding now is refused with the reason
    follow = officer_client.post(f"/en/milano/pledges/{pledge.pk}/agreement/conclude/", follow=True).content.decode()
    assert "Publish the public notice" in follow
    # the representative sees the pledge but cannot confirm
    officer_client.force_login(users["milano", "representative"])
    assert officer_client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_page_says_why_the_pdf_is_missing(officer_client, accepted_pledge, without_pango):
    from cities4csr.instruments.adapters import answers_from_pledge
    from cities4csr.instruments.services import agreement_confirm

    pledge = accepted_pledge(5_000)
    agreement_confirm(
        actor=None,
        pledge=pledge,
        answers={
            **answers_from_pledge(pledge),
            "return_expected": "none",
            "public_asset": "none",
            "duration_months": 0,
        },
        instrument="donation",
    )
    page = officer_client.post(f"/en/milano/pledges/{pledge.pk}/agreement/drafts/", follow=True).content.decode()
    assert 'data-testid="pdf-missing"' in page and "libpango" in page
    assert "DOCX" in page


@pytest.mark.django_db
def test_every_instrument_page_renders_with_dated_figures(client, milano, nantes):
    from cities4csr.instruments.packs import load_pack

    for city, country in (("milano", "IT"), ("nantes", "FR")):
        for code in load_pack(country)["instruments"]:
            body = client.get(f"/en/{city}/instruments/{code}/").content.decode()
            assert "{" not in body.split("<main", 1)[1].split("</main>", 1)[0], code  # no unfilled parameter
    art_bonus = client.get("/en/milano/instruments/art_bonus_donation/").content.decode()
    assert "65% tax credit" in art_bonus
    assert "30 days" in client.get("/en/milano/instruments/sponsorship/").content.decode()


@pytest.mark.django_db
def test_pledge_page_with_agreement_query_budget(officer_client, accepted_pledge, django_assert_max_num_queries):
    from cities4csr.documents.services import draft_generate
    from cities4csr.instruments.adapters import answers_from_pledge
    from cities4csr.instruments.services import agreement_confirm, return_add

    pledge = accepted_pledge(5_000)
    answers = {**answers_from_pledge(pledge), "return_expected": "none", "public_asset": "none", "duration_months": 0}
    agreement = agreement_confirm(actor=None, pledge=pledge, answers=answers, instrument="donation")
    for n in range(3):
        return_add(actor=None, agreement=agreement, kind="mention", description=f"Grazie {n}")
    draft_generate(actor=None, agreement=agreement)
    officer_client.get(f"/en/milano/pledges/{pledge.pk}/")  # warm the per-user role cache like a real session
    with django_assert_max_num_queries(20):
        page = officer_client.get(f"/en/milano/pledges/{pledge.pk}/")
    assert page.status_code == 200 and "Grazie 2" in page.content.decode()
