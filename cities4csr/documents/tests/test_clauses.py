"""The clause source for every instrument, rendered as DOCX and PDF from plain inputs (no
database): each draft renders, carries the common clauses in order and its own clauses, and the
two formats agree. Amounts and dates as Italian and French write them."""

import io
from datetime import date

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from cities4csr.documents import clauses, rendering
from cities4csr.documents.formatting import BLANK, amount, long_date

ITALIAN = [code for code in clauses.DRAFTABLE if code != "mecenat"]


def sample_inputs(instrument: str, **changes) -> dict:
    """Inputs as services.draft_inputs makes them, for a €25,000 contribution."""
    language = "fr" if instrument == "mecenat" else "it"
    euros = amount(2_500_000, language)
    inputs = {
        "instrument": instrument,
        "instrument_name": instrument,
        "city": {
            "name": "Comune di Prova",
            "seat": "Piazza Grande 1",
            "tax_code": "01199250158",
            "siren": BLANK,
            "court": "Prova",
            "signatory": "Anna Rossi, dirigente",
            "signatory_act": "decreto sindacale n. 4 del 2 gennaio 2026",
        },
        "giver": {
            "name": "Impresa Alfa S.p.A.",
            "seat": "Via Roma 2",
            "tax_code": "07654320154",
            "vat": "IT07654320154",
            "siren": BLANK,
            "signatory": "Marco Bianchi",
            "signatory_act": "procura del 5 maggio 2026",
        },
        "partners": "",
        "need_title": "Giardino della scuola",
        "need_description": "Arredi per il giardino",
        "contributions": [{"label": "Arredi", "quantity": euros, "value": euros}],
        "total": euros,
        "total_cents": 2_500_000,
        "returns": [],
        "acts": {
            "regulation": {"ref": "sulle sponsorizzazioni", "on": long_date(date(2024, 5, 2), language)},
            "notice": {"required": False, "ref": BLANK, "on": BLANK, "until": BLANK},
            "decision": {"ref": "n. 12", "on": long_date(date(2026, 11, 1), language)},
        },
        "duration": {
            "starts_on": long_date(date(2026, 12, 1), language),
            "ends_on": long_date(date(2027, 11, 30), language),
            "months": 12,
        },
        "payment_days": 30,
        "legal_basis": ["art. 43 L. 449/1997"],
        "approver": "",
        "advised_on": long_date(date(2026, 11, 1), language),
        "jurisdiction": "FR" if language == "fr" else "IT",
        "pack_version": "test",
        "template_version": rendering.TEMPLATE_VERSION,
        "language": language,
    }
    return inputs | changes


def docx_paragraphs(data: bytes):
    return Docx(io.BytesIO(data)).paragraphs


def pdf_lines(data: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return [line.strip() for line in text.replace("\u00a0", " ").replace("\u202f", " ").splitlines()]


#: what only this instrument's draft says (a heading of its own, or its legal basis)
SPECIFIC = {
    "sponsorship": ["Licenza d'uso del marchio", "Diritto di rifiuto dei messaggi", "ris. 88/E"],
    "technical_sponsorship": [
        "Licenza d'uso del marchio",
        "Diritto di rifiuto dei messaggi",
        "art. 11 D.P.R. 633/1972",
        "qualificazioni",
    ],
    "donation": ["art. 769 c.c.", "non emette fattura", "artt. 782 e 783 c.c."],
    "art_bonus_donation": ["Pubblicazione Art Bonus e tutela del bene", "art. 21 D.Lgs. 42/2004"],
    "social_bonus_donation": ["Progetto Social Bonus", "art. 81 D.Lgs. 117/2017", "«Ente beneficiario»"],
    "loan_for_use": ["Restituzione dei beni", "artt. 1803–1812 c.c.", "registrazione in termine fisso"],
    "concession": ["Canone e garanzie", "art. 133 D.Lgs. 104/2010"],
    "collaboration_agreement": ["art. 119 D.Lgs. 267/2000", "a titolo gratuito"],
    "coproduction_agreement": ["Ripartizione di compiti, costi e ricavi"],
    "partnership_agreement": ["Comitato di coordinamento"],
    "ppp_concession": ["Allocazione dei rischi e piano economico-finanziario", "artt. 174 ss."],
    "collaboration_pact": ["Cura del bene comune", "beni comuni"],
    "third_sector_codesign": ["Rendicontazione", "art. 55 D.Lgs. 117/2017", "spese effettivamente sostenute"],
    "fund_donation": ["Fondo dedicato"],
    "mecenat": ["Mention du Mécène", "238 bis", "Cerfa n° 11580"],
}
COMMON_IT = [
    "Tra",
    "Premesso che",
    "Oggetto",
    "Durata",
    "Valore, pagamento, IVA e fatturazione",
    "Recesso e risoluzione",
    "Responsabilità e assicurazione",
    "Protezione dei dati personali",
    "Conflitto di interessi e prevenzione della corruzione",
    "Foro competente",
    "Imposta di bollo e registrazione",
    "Sottoscrizione",
]


def test_every_drafted_instrument_is_checked_here():
    assert set(SPECIFIC) == set(clauses.DRAFTABLE)


@pytest.mark.parametrize("instrument", clauses.DRAFTABLE)
def test_each_instrument_renders_with_its_own_clauses_in_both_formats(instrument):
    document = clauses.draft_document(sample_inputs(instrument))
    assert [c.key for c in document.clauses if c.key in clauses.COMMON_KEYS] == list(clauses.COMMON_KEYS)
    paragraphs = docx_paragraphs(rendering.render_docx(document))
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == document.headings()
    text = " ".join(" ".join(p.text for p in paragraphs).replace("\u00a0", " ").split())
    for needle in SPECIFIC[instrument]:
        assert needle in text, needle
    if instrument not in ("sponsorship", "technical_sponsorship"):
        assert "Licenza d'uso del marchio" not in text  # only a sponsor licenses a logo
    if instrument != "mecenat":
        titles = [h.split(" – ", 1)[-1] for h in headings]
        assert [t for t in titles if t in COMMON_IT] == COMMON_IT
        assert "BOZZA – da verificare a cura dell'ufficio legale" in text
        assert "dal 1° dicembre 2026 al 30 novembre 2027" in text
    if rendering.pdf_unavailable_reason():
        pytest.skip("WeasyPrint cannot run here: the DOCX was checked")
    lines = pdf_lines(rendering.render_pdf(document))
    position = -1
    for heading in headings:  # the PDF has the same headings, in the same order
        position = lines.index(heading, position + 1)


def test_procedure_steps_are_not_obligations():
    """The checklist (notices, checks, publications) is not written into the contract."""
    document = clauses.draft_document(sample_inputs("sponsorship"))
    obligations = " ".join(" ".join(c.paragraphs + c.items) for c in document.clauses if c.key.endswith("_obligations"))
    for word in ("avviso", "pubblicare", "verifica dei requisiti", "Giunta"):
        assert word not in obligations


def test_a_public_notice_is_cited_with_its_dates_when_the_sponsorship_needed_one():
    notice = {"required": True, "ref": "n. 7/2026", "on": "1° ottobre 2026", "until": "31 ottobre 2026"}
    inputs = sample_inputs("sponsorship")
    inputs["acts"] = inputs["acts"] | {"notice": notice}
    premises = next(c for c in clauses.draft_document(inputs).clauses if c.key == "premises")
    assert any(
        "avviso pubblico n. 7/2026" in p and "dal 1° ottobre 2026 al 31 ottobre 2026" in p for p in premises.paragraphs
    )
    without = next(c for c in clauses.draft_document(sample_inputs("sponsorship")).clauses if c.key == "premises")
    assert not any("avviso pubblico" in p for p in without.paragraphs)


def test_what_nobody_entered_is_a_blank_not_a_guess():
    inputs = sample_inputs("sponsorship", payment_days=None)
    inputs["duration"] = {"starts_on": BLANK, "ends_on": BLANK, "months": 0}
    text = " ".join(" ".join(c.paragraphs) for c in clauses.draft_document(inputs).clauses)
    assert f"entro {BLANK} giorni" in text and f"fino al {BLANK}" in text


def test_user_text_with_braces_is_printed_as_typed():
    document = clauses.draft_document(sample_inputs("donation", need_title="Orto {G0} {blank}"))
    assert "«Orto {G0} {blank}»" in " ".join(" ".join(c.paragraphs) for c in document.clauses)


@pytest.mark.parametrize(
    ("cents", "language", "written"),
    [
        (6_000_000, "it", "€\u00a060.000,00"),
        (6_000_000, "fr", "60\u202f000,00\u00a0€"),
        (5, "it", "€\u00a00,05"),
        (123_456_789_00, "it", "€\u00a0123.456.789,00"),
        (100_000, "fr", "1\u202f000,00\u00a0€"),
    ],
)
def test_amounts_as_the_language_writes_them(cents, language, written):
    assert amount(cents, language) == written


@pytest.mark.parametrize(
    ("day", "language", "written"),
    [
        (date(2026, 12, 1), "it", "1° dicembre 2026"),
        (date(2026, 12, 1), "fr", "1er décembre 2026"),
        (date(2027, 8, 15), "it", "15 agosto 2027"),
        (date(2027, 2, 2), "fr", "2 février 2027"),
        ("2026-03-01", "it", "1° marzo 2026"),
        (None, "it", BLANK),
    ],
)
def test_dates_as_the_language_writes_them(day, language, written):
    assert long_date(day, language) == written
