"""Writes for drafts: render an agreement's DOCX and PDF and store them with the versions and
the input snapshot that made them, and their SHA-256."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cities4csr.core.i18n import pick
from cities4csr.core.money import money_format, unit_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.pledges.selectors import partners_accepted

from . import clauses, formatting, rendering
from .models import Draft

#: the language a jurisdiction's agreements are written in
DRAFT_LANGUAGE = {"IT": "it", "FR": "fr"}


def _money(cents: int, language: str, currency: str) -> str:
    """An amount as the draft's language writes it: "€ 12.500,00" in Italian, "3 000,00 €" in French."""
    if language in formatting.FIRST:
        return formatting.amount(cents, language, currency)
    return money_format(cents, locale=language, currency=currency)


def _or_blank(value) -> str:
    return str(value).strip() if value not in (None, "") and str(value).strip() else formatting.BLANK


#: instruments whose receiving party is a third-sector body, not the city (Social Bonus: the body
#: that carries out the recovery project, art. 81 D.Lgs. 117/2017)
RECEIVED_BY_THIRD_SECTOR = ("social_bonus_donation",)


def _city_party(pledge, language: str, instrument: str) -> dict:
    """The receiving side: the public body that owns the need (its seat and tax code) or the city;
    for a Social Bonus the third-sector body that owns the need, or a blank to fill in."""
    owner = pledge.need.owner
    if instrument in RECEIVED_BY_THIRD_SECTOR:
        body = owner if owner.kind != owner.Kind.PUBLIC_BODY else None
        default = formatting.BLANK
    else:
        body = owner if owner.kind == owner.Kind.PUBLIC_BODY else None
        default = f"Comune di {pledge.city.name}" if language == "it" else f"Ville de {pledge.city.name}"
    return {
        "name": body.name if body else default,
        "seat": _or_blank(body.registered_office if body else ""),
        "tax_code": _or_blank(body.tax_code if body else ""),
        "siren": _or_blank(body.siren if body else ""),
        "court": pledge.city.name,
    }


def draft_inputs(agreement) -> dict:
    """Everything the draft says, as plain data: the snapshot stored with it and the only input of
    the clause source (documents.clauses)."""
    pledge = agreement.pledge
    language = DRAFT_LANGUAGE.get(agreement.jurisdiction, "en")
    advice = agreement.advice
    organisation = pledge.organisation
    currency = pledge.city.currency

    def day(value) -> str:
        return formatting.long_date(value, language) if language in formatting.FIRST else _or_blank(value)

    city = _city_party(pledge, language, agreement.instrument) | {
        "signatory": _or_blank(agreement.city_signatory),
        "signatory_act": _or_blank(agreement.city_signatory_act),
    }
    giver = {
        "name": organisation.name,
        "seat": _or_blank(organisation.registered_office),
        "tax_code": _or_blank(organisation.tax_code),
        "vat": _or_blank(organisation.vat_number),
        "siren": _or_blank(organisation.siren),
        "signatory": _or_blank(agreement.giver_signatory),
        "signatory_act": _or_blank(agreement.giver_signatory_act),
    }
    return {
        "instrument": agreement.instrument,
        "instrument_name": pick(advice.get("instrument_names", {}), language),
        "city": city,
        "giver": giver,
        "partners": ", ".join(sorted(p.name for p in partners_accepted(pledge))),
        "need_title": pledge.need.title,
        "need_description": pledge.need.description.strip().rstrip("."),
        "contributions": [
            {
                "label": item.line.label,
                "quantity": _money(item.quantity, language, currency)
                if item.line.unit == "cents"
                else unit_format(item.quantity, unit=item.line.unit, locale=language),
                "value": _money(item.value_cents, language, currency),
            }
            for item in pledge.items.all().order_by("line_id")
        ],
        "total": _money(pledge.value_cents, language, currency),
        "total_cents": pledge.value_cents,
        "returns": [
            {
                "kind": str(r.get_kind_display()),
                "description": r.description,
                "value": _money(r.value_cents, language, currency) if r.value_cents else "",
            }
            for r in agreement.returns.all().order_by("id")
        ],
        "acts": {
            "regulation": {"ref": _or_blank(agreement.regulation_ref), "on": day(agreement.regulation_on)},
            "notice": {
                "required": agreement.steps.filter(blocks_agreement=True).exists(),
                "ref": _or_blank(agreement.notice_ref),
                "on": day(agreement.notice_starts_on),
                "until": day(agreement.notice_ends_on),
            },
            "decision": {"ref": _or_blank(agreement.decision_ref), "on": day(agreement.decision_on)},
        },
        "duration": {
            "starts_on": day(agreement.starts_on),
            "ends_on": day(agreement.ends_on),
            "months": agreement.answers.get("duration_months") or 0,
        },
        "payment_days": agreement.payment_days,
        "legal_basis": [ref["ref"] for ref in advice.get("legal_basis", [])],
        "approver": pick(advice.get("approver", {}), language),
        "advised_on": day(agreement.advised_on),
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
    document = clauses.draft_document(inputs)
    files = [(Draft.Format.DOCX, rendering.render_docx(document))]
    missing = rendering.pdf_unavailable_reason()
    if not missing:
        files.append((Draft.Format.PDF, rendering.render_pdf(document)))
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
