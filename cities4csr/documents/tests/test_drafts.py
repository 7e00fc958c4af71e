"""Agreement drafts: an Italian sponsorship and a French mécénat parsed back (DOCX with
python-docx, PDF with pypdf) carry every clause a legal office expects, in the same order in both
files, with amounts and dates as the language writes them; reproducible SHA-256; DOCX without pango."""

import hashlib
import io
import re
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from cities4csr.cities.tests.factories import ILE_DE_NANTES
from cities4csr.documents import rendering
from cities4csr.documents.models import Draft
from cities4csr.documents.services import draft_generate
from cities4csr.instruments.adapters import answers_from_pledge
from cities4csr.instruments.models import ReturnItem
from cities4csr.instruments.services import agreement_confirm, agreement_terms_update, return_add
from cities4csr.instruments.tests.factories import SPONSORSHIP
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.services import organisation_update
from cities4csr.pledges.tests.factories import PledgeFactory


def spaced(text: str) -> str:
    """Amounts are written with no-break spaces: compare them as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def flat(text: str) -> str:
    """The text as one line: a PDF breaks lines where the page does."""
    return " ".join(text.split())


def docx_document(draft):
    with draft.file.open("rb") as f:
        return Document(io.BytesIO(f.read()))


def docx_text(draft) -> str:
    return spaced("\n".join(p.text for p in docx_document(draft).paragraphs))


def docx_headings(draft) -> list[str]:
    return [p.text for p in docx_document(draft).paragraphs if p.style.name == "Heading 1"]


def pdf_text(draft) -> str:
    with draft.file.open("rb") as f:
        return spaced("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages))


def same_words(docx_draft, pdf_draft) -> None:
    """Every paragraph of the Word file is in the PDF, word for word (compared without spaces: a
    PDF may break a line after a hyphen, "6-" / "bis")."""
    body = [
        line
        for line in pdf_text(pdf_draft).splitlines()
        if not re.fullmatch(r"\d+ / \d+|•", line.strip()) and not line.startswith(("BOZZA – ", "PROJET – "))
    ]  # without the running header, the page numbers and the list markers (extracted out of place)
    pdf = "".join("".join(body).split())
    for paragraph in docx_document(docx_draft).paragraphs:
        # not the signature line (drawn by the PDF's stylesheet) nor the mark (checked on its own)
        if paragraph.text.strip("_ ") and not paragraph.text.startswith(("BOZZA – ", "PROJET – ")):
            assert "".join(paragraph.text.split()) in pdf, paragraph.text


def in_order(text: str, headings: list[str]) -> bool:
    """Every heading is a line of ``text``, one after the other."""
    lines = [line.strip() for line in text.splitlines()]
    position = -1
    for heading in headings:
        try:
            position = lines.index(heading, position + 1)
        except ValueError:
            return False
    return True


def money_pledge(world, euros: int):
    """An accepted pledge of ``euros`` from the world's company to a new need of the city hall."""
    need = NeedFactory(
        city=world.city,
        owner=world.city_hall,
        title="Giardino della scuola",
        description="Arredi per il giardino della scuola di via Rogoredo.",
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


@pytest.fixture
def full_sponsorship(world):
    """A €60,000 sponsorship with every term filled in (above €40,000: the public notice ran)."""
    organisation_update(
        actor=None, organisation=world.city_hall, registered_office="Piazza della Scala 2, 20121 Milano"
    )
    organisation_update(
        actor=None,
        organisation=world.company,
        registered_office="Via Tortona 10, 20144 Milano",
        tax_code="07654320154",
    )
    pledge = money_pledge(world, 60_000)
    agreement = agreement_confirm(
        actor=world.officer,
        pledge=pledge,
        answers={**answers_from_pledge(pledge), **SPONSORSHIP},
        instrument="sponsorship",
        notice_starts_on=date(2026, 10, 1),
    )
    return_add(
        actor=None, agreement=agreement, kind=ReturnItem.Kind.LOGO, description="Logo sul pannello", value_cents=80_000
    )
    agreement_terms_update(
        actor=world.officer,
        agreement=agreement,
        city_signatory="dott.ssa Anna Rossi, Direttrice Area Verde",
        city_signatory_act="decreto sindacale n. 12 del 3 marzo 2025",
        giver_signatory="Marco Bianchi, amministratore delegato",
        giver_signatory_act="delibera del consiglio di amministrazione del 10 novembre 2026",
        regulation_ref="per le sponsorizzazioni (delibera C.C. n. 20)",
        regulation_on=date(2024, 5, 2),
        notice_ref="n. 7/2026",
        decision_ref="n. 345",
        decision_on=date(2026, 11, 20),
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 11, 30),
        payment_days=30,
    )
    return agreement


#: every clause of the issue, as the Italian draft titles it, and what its text must say
IT_CLAUSES = {
    "Tra": ["Piazza della Scala 2", "C.F. 07654320154", "Marco Bianchi", "decreto sindacale n. 12"],
    "Premesso che": [
        "per le sponsorizzazioni (delibera C.C. n. 20) del 2 maggio 2024",
        "dal 1° ottobre 2026 al 31 ottobre 2026",
        "determinazione dirigenziale n. 345 del 20 novembre 2026",
    ],
    "Oggetto": ["art. 43 L. 449/1997", "art. 119 D.Lgs. 267/2000", "art. 134 D.Lgs. 36/2023"],
    "Obblighi dello Sponsor": ["versare il corrispettivo"],
    "Obblighi del Comune": ["Logo sul pannello (valore stimato € 800,00)"],
    "Durata": ["dal 1° dicembre 2026 al 30 novembre 2027"],
    "Valore, pagamento, IVA e fatturazione": ["€ 60.000,00", "IVA", "88/E", "entro 30 giorni"],
    "Licenza d'uso del marchio": ["licenza non esclusiva"],
    "Diritto di rifiuto dei messaggi": ["può rifiutare"],
    "Recesso e risoluzione": ["recedere", "1456 c.c."],
    "Responsabilità e assicurazione": ["responsabilità civile"],
    "Protezione dei dati personali": ["art. 13", "art. 28"],
    "Conflitto di interessi e prevenzione della corruzione": ["conflitti di interesse", "53 c.16-ter", "190/2012"],
    "Foro competente": ["Foro di"],
    "Imposta di bollo e registrazione": ["642/1972", "caso d'uso"],
    "Sottoscrizione": ["firma digitale"],
}


@pytest.mark.django_db
def test_italian_sponsorship_has_every_clause_in_docx_and_pdf(full_sponsorship, world):
    drafts, missing = draft_generate(actor=world.officer, agreement=full_sponsorship)
    assert missing == ""
    by_format = {d.format: d for d in drafts}
    headings = docx_headings(by_format["docx"])
    titles = [re.sub(r"^Art\. \d+ – ", "", h) for h in headings]
    assert [t for t in titles if t in IT_CLAUSES] == list(IT_CLAUSES)  # every clause, in this order
    for text in (docx_text(by_format["docx"]), pdf_text(by_format["pdf"])):
        assert "BOZZA – da verificare a cura dell'ufficio legale" in text
        assert "Contratto di sponsorizzazione" in text
        for needle in (n for needles in IT_CLAUSES.values() for n in needles):
            assert needle in flat(text), needle
        # procedure steps are the checklist's, not obligations of the contract
        for step in full_sponsorship.steps.all():
            assert step.label not in flat(text)
    assert in_order(pdf_text(by_format["pdf"]), headings)  # same headings, same order
    same_words(by_format["docx"], by_format["pdf"])
    assert headings[0] == "Tra" and headings[2] == "Art. 1 – Oggetto"


@pytest.mark.django_db
def test_unknown_facts_are_left_blank_for_the_legal_office(sponsorship, world):
    drafts, _missing = draft_generate(actor=world.officer, agreement=sponsorship)
    text = docx_text(next(d for d in drafts if d.format == "docx"))
    assert "rappresentato da […], che agisce in forza di […]" in text  # no signatory entered
    assert "determinazione dirigenziale […] del […]" in text
    assert "€ 12.500,00" in text and "Logo sul pannello (valore stimato € 800,00)" in text
    assert "avviso pubblico" not in text  # below €40,000 the sponsorship needs no notice


@pytest.fixture
def mecenat(two_cities):
    from django_scopes import scope

    from cities4csr.pledges.models import Pledge
    from cities4csr.pledges.services import pledge_transition

    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        officer, company = nantes.officer, nantes.company
        organisation_update(actor=None, organisation=nantes.city_hall, registered_office="2 rue de l'Hôtel de Ville")
        need = NeedFactory(
            city=nantes.city,
            owner=nantes.city_hall,
            title="Jardin partagé",
            lat=ILE_DE_NANTES[0],
            lon=ILE_DE_NANTES[1],
            lines=[dict(kind="money", label="Outils", quantity=6_000_000)],
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
        agreement_terms_update(
            actor=officer,
            agreement=agreement,
            city_signatory="Mme Claire Martin, adjointe au maire",
            city_signatory_act="l'arrêté de délégation n° 2026-14",
            giver_signatory="M. Paul Durand, président",
            decision_ref="délibération du conseil municipal n° 2026-88",
            decision_on=date(2026, 11, 27),
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 6, 30),
            payment_days=45,
        )
        yield officer, agreement


FR_CLAUSES = {
    "Entre": ["2 rue de l'Hôtel de Ville", "Mme Claire Martin", "l'arrêté de délégation n° 2026-14", "M. Paul Durand"],
    "Préambule": [
        "loi n° 2003-709",
        "article 238 bis",
        "délibération du conseil municipal n° 2026-88 du 27 novembre 2026",
    ],
    "Objet": ["sans contrepartie directe"],
    "Engagements du Mécène": ["effectuer le don"],
    "Engagements de la Ville": ["affecter le don", "25 %"],
    "Durée": ["le 1er décembre 2026 et s'achève le 30 juin 2027"],
    "Montant, versement, TVA et reçu fiscal": ["60 000,00 €", "TVA", "Cerfa n° 11580", "45 jours"],
    "Mention du Mécène": ["peut refuser"],
    "Résiliation": ["intérêt général"],
    "Responsabilité et assurance": ["responsabilité civile"],
    "Protection des données personnelles": ["article 13", "article 28"],
    "Conflits d'intérêts et prévention de la corruption": ["2013-907", "2016-1691"],
    "Règlement des litiges": ["juridiction compétente"],
    "Droits de timbre et enregistrement": ["enregistrement"],
    "Signatures": ["exemplaires"],
}


@pytest.mark.django_db
def test_french_mecenat_has_every_clause_in_docx_and_pdf(mecenat):
    officer, agreement = mecenat
    drafts, missing = draft_generate(actor=officer, agreement=agreement)
    assert missing == ""
    by_format = {d.format: d for d in drafts}
    headings = docx_headings(by_format["docx"])
    titles = [re.sub(r"^Article \d+ – ", "", h) for h in headings]
    assert titles == list(FR_CLAUSES)
    for text in (docx_text(by_format["docx"]), pdf_text(by_format["pdf"])):
        assert "PROJET – à vérifier par le service juridique" in text
        assert "Convention de mécénat" in text and agreement.pledge.organisation.name in flat(text)
        for needle in (n for needles in FR_CLAUSES.values() for n in needles):
            assert needle in flat(text), needle
    assert in_order(pdf_text(by_format["pdf"]), headings)
    same_words(by_format["docx"], by_format["pdf"])


@pytest.mark.django_db
def test_same_inputs_same_document(sponsorship):
    first, _ = draft_generate(actor=None, agreement=sponsorship)
    second, _ = draft_generate(actor=None, agreement=sponsorship)
    assert [d.sha256 for d in first] == [d.sha256 for d in second]
    assert first[0].pk != second[0].pk
    draft = first[0]
    assert draft.pack_version == sponsorship.pack_version and draft.template_version == rendering.TEMPLATE_VERSION
    assert draft.inputs["giver"]["name"] == sponsorship.pledge.organisation.name and len(draft.sha256) == 64


@pytest.mark.django_db
def test_new_terms_make_a_new_document(sponsorship):
    first, _ = draft_generate(actor=None, agreement=sponsorship)
    agreement_terms_update(actor=None, agreement=sponsorship, payment_days=60)
    second, _ = draft_generate(actor=None, agreement=sponsorship)
    assert first[0].sha256 != second[0].sha256
    assert "entro 60 giorni" in docx_text(second[0])


@pytest.mark.django_db
def test_without_pango_the_docx_still_works_and_says_why(sponsorship, without_pango):
    drafts, missing = draft_generate(actor=None, agreement=sponsorship)
    assert [d.format for d in drafts] == [Draft.Format.DOCX]
    assert "libpango" in missing


def test_every_italian_instrument_and_mecenat_has_a_draft():
    from cities4csr.instruments.packs import load_pack

    italian = set(load_pack("IT")["instruments"])
    assert italian | {"mecenat"} <= set(rendering.DRAFTABLE)


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


@pytest.mark.django_db
def test_the_demo_sponsorship_draft_names_the_city_hall_and_its_dates(in_milano):
    from cities4csr.instruments.models import Agreement

    agreement = Agreement.objects.filter(city=in_milano, instrument="sponsorship").order_by("id").first()
    draft = agreement.drafts.filter(format=Draft.Format.DOCX).order_by("-id").first()
    text = flat(docx_text(draft))
    assert "Comune di Milano, con sede in Piazza della Scala 2, 20121 Milano, C.F. 01199250158" in text
    assert "entro 30 giorni" in text and "Il presente atto ha efficacia dal " in text
