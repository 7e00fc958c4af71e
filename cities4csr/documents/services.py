"""Writes for drafts: render an agreement's DOCX and PDF and store them with the versions and
the input snapshot that made them, and their SHA-256."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cities4csr.core.i18n import pick
from cities4csr.core.money import money_format, quantity_input
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.pledges.selectors import partners_accepted

from . import rendering
from .models import Draft

#: the language a jurisdiction's agreements are written in
DRAFT_LANGUAGE = {"IT": "it", "FR": "fr"}


def _money(cents: int, language: str, currency: str) -> str:
    """An amount as the draft's language writes it: "12.500,00 €" in Italian, "3 000,00 €" in French."""
    return money_format(cents, locale=language, currency=currency)


def draft_inputs(agreement) -> dict:
    """Everything the draft says, as plain data: the snapshot stored with it."""
    pledge = agreement.pledge
    language = DRAFT_LANGUAGE.get(agreement.jurisdiction, "en")
    advice = agreement.advice
    organisation = pledge.organisation
    ids = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("P.IVA" if language == "it" else "TVA", organisation.vat_number),
            ("C.F.", organisation.tax_code),
            ("SIREN", organisation.siren),
        )
        if value
    )
    months = agreement.answers.get("duration_months")
    if months:
        duration = f"{months} mesi" if language == "it" else f"{months} mois"
    else:
        duration = "una tantum" if language == "it" else "ponctuel"
    return {
        "instrument": agreement.instrument,
        "instrument_name": pick(advice.get("instrument_names", {}), language),
        "explanation": pick(advice.get("explanation", {}), language),
        "city_name": pledge.city.name,
        "giver_name": organisation.name,
        "giver_ids": ids,
        "partners": ", ".join(sorted(p.name for p in partners_accepted(pledge))),
        "need_title": pledge.need.title,
        "need_description": pledge.need.description,
        "contributions": [
            {
                "label": item.line.label,
                "quantity": _money(item.quantity, language, pledge.city.currency)
                if item.line.unit == "cents"
                else f"{quantity_input(item.quantity, locale=language)} {item.line.unit}",
                "value": _money(item.value_cents, language, pledge.city.currency),
            }
            for item in pledge.items.all().order_by("line_id")
        ],
        "total": _money(pledge.value_cents, language, pledge.city.currency),
        "returns": [
            {
                "kind": str(r.get_kind_display()),
                "description": r.description,
                "value": _money(r.value_cents, language, pledge.city.currency) if r.value_cents else "",
            }
            for r in agreement.returns.all().order_by("id")
        ],
        "duration": duration,
        "steps": [
            {"label": pick(s.labels, language), "due_on": s.due_on.isoformat() if s.due_on else ""}
            for s in agreement.steps.all().order_by("position")
        ],
        "legal_basis": [ref["ref"] for ref in advice.get("legal_basis", [])],
        "approver": pick(advice.get("approver", {}), language),
        "advised_on": agreement.advised_on.isoformat(),
        "jurisdiction": agreement.jurisdiction,
        "pack_version": agreement.pack_version,
        "template_version": rendering.TEMPLATE_VERSION,
        "language": language,
    }


def draft_generate(*, actor, agreement) -> tuple[list[Draft], str]:
    """Render the DOCX and, when WeasyPrint can run, the PDF. Returns the drafts and, if the PDF
    could not be made, why (shown to the officer)."""
    require(actor, "instruments.confirm_instrument", agreement.pledge)
    if agreement.instrument not in rendering.DRAFTABLE:
        raise ValidationError(_("There is no agreement template for this instrument yet."))
    with translation.override(DRAFT_LANGUAGE.get(agreement.jurisdiction, "en")):
        inputs = draft_inputs(agreement)
    language = inputs["language"]
    files = [(Draft.Format.DOCX, rendering.render_docx(agreement.instrument, inputs))]
    missing = rendering.pdf_unavailable_reason()
    if not missing:
        files.append((Draft.Format.PDF, rendering.render_pdf(inputs, language)))
    drafts = []
    with transaction.atomic():
        for fmt, content in files:
            digest = hashlib.sha256(content).hexdigest()
            draft = Draft(
                city=agreement.city,
                agreement=agreement,
                format=fmt,
                sha256=digest,
                pack_version=agreement.pack_version,
                template_version=rendering.TEMPLATE_VERSION,
                inputs=inputs,
                language=language,
                created_by=person(actor),
            )
            draft.file.save(
                f"{agreement.instrument}-{agreement.pledge_id}-{digest[:12]}.{fmt}", ContentFile(content), save=False
            )
            draft.save()
            drafts.append(draft)
        audit_log(
            actor=actor,
            city=agreement.city,
            verb="agreement.draft",
            obj=agreement.pledge,
            payload={d.format: d.sha256 for d in drafts} | {"pdf_missing": missing},
        )
    return drafts, missing
