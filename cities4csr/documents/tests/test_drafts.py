"""Agreement drafts: DOCX and PDF parsed back, reproducible SHA-256, and a DOCX without pango."""

import hashlib
import io

import pytest
from docx import Document
from pypdf import PdfReader

from cities4csr.cities.tests.factories import ILE_DE_NANTES
from cities4csr.documents import rendering
from cities4csr.documents.models import Draft
from cities4csr.documents.services import draft_generate
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import ReturnItem
from cities4csr.instruments.services import agreement_confirm, return_add
from cities4csr.instruments.tests.factories import SPONSORSHIP
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.pledges.tests.factories import PledgeFactory


def docx_text(draft) -> str:
    with draft.file.open("rb") as f:
        document = Document(io.BytesIO(f.read()))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(draft) -> str:
    with draft.file.open("rb") as f:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)


def money_pledge(world, euros: int):
    """An accepted pledge of ``euros`` from the world's company to a new need of the city hall."""
    need = NeedFactory(
        city=world.city,
        owner=world.city_hall,
        title="Giardino della scuola",
        lines=[dict(kind="money", label="Arredi", quantity=euros * 100)],
        published=True,
    )
    return PledgeFactory(need=need, organisation=world.company, accepted=True)


@pytest.fixture
def sponsorship(world):
    pledge = money_pledge(world, 12_500)
    agreement = agreement_confirm(
        actor=world.officer,
        pledge=pledge,
        answers={**answers_from_pledge(pledge), **SPONSORSHIP},
        instrument="sponsorship",
    )
    return_add(
        actor=None, agreement=agreement, kind=ReturnItem.Kind.LOGO, description="Logo sul pannello", value_cents=80_000
    )
    return agreement


def spaced(text: str) -> str:
    """Amounts are written with no-break spaces (core.money.money_format): compare them as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.django_db
def test_docx_and_pdf_contain_parties_amounts_instrument_and_visibility_plan(sponsorship, world):
    drafts, missing = draft_generate(actor=world.officer, agreement=sponsorship)
    assert missing == ""
    by_format = {d.format: d for d in drafts}
    company = sponsorship.pledge.organisation.name
    for text in (spaced(docx_text(by_format["docx"])), spaced(pdf_text(by_format["pdf"]))):
        assert "Sponsorizzazione" in text
        assert world.city.name in text
        assert company in text
        assert "12.500,00 €" in text
        assert "Logo sul pannello" in text and "800,00 €" in text
        assert "art. 134 c.4 D.Lgs. 36/2023" in text
        assert "12 mesi" in text
    draft = by_format["docx"]
    assert draft.pack_version == sponsorship.pack_version and draft.template_version == rendering.TEMPLATE_VERSION
    assert draft.inputs["giver_name"] == company and len(draft.sha256) == 64


@pytest.mark.django_db
def test_same_inputs_same_document(sponsorship):
    first, _ = draft_generate(actor=None, agreement=sponsorship)
    second, _ = draft_generate(actor=None, agreement=sponsorship)
    assert [d.sha256 for d in first] == [d.sha256 for d in second]
    assert first[0].file.name != second[0].file.name or first[0].pk != second[0].pk


@pytest.mark.django_db
def test_french_mecenat_draft(two_cities):
    from django_scopes import scope

    from cities4csr.pledges.models import Pledge
    from cities4csr.pledges.services import pledge_transition

    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        officer, company = nantes.officer, nantes.company
        need = NeedFactory(
            city=nantes.city,
            owner=nantes.city_hall,
            title="Jardin partagé",
            lat=ILE_DE_NANTES[0],
            lon=ILE_DE_NANTES[1],
            lines=[dict(kind="money", label="Outils", quantity=300_000)],
            published=True,
        )
        pledge = PledgeFactory(need=need, organisation=company)
        pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)
        answers = {
            **answers_from_pledge(pledge),
            "return_expected": "none",
            "public_asset": "none",
            "duration_months": 0,
        }
        agreement = agreement_confirm(actor=officer, pledge=pledge, answers=answers, instrument="mecenat")
        drafts, _missing = draft_generate(actor=officer, agreement=agreement)
        text = spaced(pdf_text(next(d for d in drafts if d.format == "pdf")))
        assert "Mécénat" in text and company.name in text and "3 000,00 €" in text and "CGI art. 238 bis" in text
        assert "Mécénat" in docx_text(next(d for d in drafts if d.format == "docx"))


@pytest.mark.django_db
def test_without_pango_the_docx_still_works_and_says_why(sponsorship, without_pango):
    drafts, missing = draft_generate(actor=None, agreement=sponsorship)
    assert [d.format for d in drafts] == [Draft.Format.DOCX]
    assert "libpango" in missing


def test_templates_exist_for_every_italian_instrument_and_mecenat():
    from cities4csr.instruments.packs import load_pack

    italian = set(load_pack("IT")["instruments"])
    assert italian | {"mecenat"} == set(rendering.DRAFTABLE)
    for instrument in rendering.DRAFTABLE:
        assert (rendering.DOCX_DIR / f"{instrument}.docx").exists()


def test_templates_are_reproducible_from_the_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build", rendering.DOCX_DIR.parents[2] / "scripts/build_agreement_templates.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.build("donation") == (rendering.DOCX_DIR / "donation.docx").read_bytes()


@pytest.mark.django_db
def test_drafts_download_only_for_people_who_see_the_pledge(sponsorship, two_cities, client):
    milan = two_cities.milan
    drafts, _missing = draft_generate(actor=None, agreement=sponsorship)
    url = f"/en/{milan.city.slug}/drafts/{drafts[0].pk}/"
    assert client.get(url).status_code in (403, 404)
    for outsider in (two_cities.nantes.officer, milan.other_representative, milan.resident):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)
    client.force_login(milan.representative)  # the pledging company
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == drafts[0].sha256
