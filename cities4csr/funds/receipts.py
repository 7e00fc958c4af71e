"""Donation receipts and donors' statements as PDF (ADR 0032).

A receipt is written for one received contribution (partly or wholly refunded ones say so), in
the reader's language, with what the city's country's receipt pack (``receipt_packs``) lists for
a deductible gift: the data in the pack's order, the legal bases in force on the day the money
arrived, the statements and the official model. Every point the pack marks uncertain is printed
with "check with your legal office" beside it; a datum the city has not entered (its tax code)
is printed as "to be completed by the city". The ledger movement's number and hash let anyone
check the gift against the public ledger.

Laid out by WeasyPrint from ``funds/receipt_pdf.html`` and ``funds/gift_statement_pdf.html`` with
``receipt.css``; fonts are the machine's (DejaVu through fontconfig): nothing is fetched.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cities4csr.core.money import money_format

from .models import Contribution, Fund
from .receipt_packs import ReceiptRules, load_pack, receipt_rules

HERE = Path(__file__).resolve().parent
CSS = HERE / "receipt.css"
#: the states a receipt is written for: the money arrived (and may have been given back)
RECEIPTABLE = (
    Contribution.State.RECEIVED,
    Contribution.State.PARTLY_REFUNDED,
    Contribution.State.REFUNDED,
)
LANGUAGES = ("it", "en", "fr")


def check_with_legal_office() -> str:
    return _("check with your legal office")


def receipt_language(language: str | None, city) -> str:
    """The reader's language if a receipt can be written in it, else the city's."""
    language = (language or "").split("-")[0]
    if language in LANGUAGES:
        return language
    return city.default_language if city.default_language in LANGUAGES else "en"


def receipt_refusal(contribution: Contribution) -> ValidationError | None:
    """Why no receipt can be written for ``contribution`` yet (none when it can)."""
    if contribution.state in RECEIPTABLE and contribution.received_on and contribution.group_id:
        return None
    if contribution.state == Contribution.State.CANCELLED:
        return ValidationError(_("This contribution was cancelled: it has no receipt."), code="cancelled")
    return ValidationError(
        _("The city has not received this contribution yet: its receipt is written once the payment arrives."),
        code="not_received",
    )


def donor_kind(contribution: Contribution) -> str:
    """ "individual" for a citizen, "organisation" for a company, association or foundation."""
    return "individual" if contribution.donor_kind == Contribution.DonorKind.CITIZEN else "organisation"


@dataclass
class Row:
    label: str
    value: str
    note: str = ""  # why the point is uncertain
    missing: bool = False  # the city has to complete it
    framed: bool = False
    mono: bool = False  # a fingerprint: broken anywhere, in a fixed-width font


@dataclass
class Note:
    ref: str
    text: str
    note: str = ""


@dataclass
class Receipt:
    language: str
    title: str
    number: str
    city_name: str
    issued_on: str
    rows: list[Row] = field(default_factory=list)
    legal_basis: list[Note] = field(default_factory=list)
    statements: list[Note] = field(default_factory=list)
    models: list[Note] = field(default_factory=list)
    banner: str = ""  # refunded in full
    payment_note: str = ""
    pack: str = ""
    uncertain: bool = False


def _money(cents: int, language: str, currency: str) -> str:
    return money_format(cents, locale=language, currency=currency)


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def beneficiary_name(city) -> str:
    return city.privacy_controller or city.name


def beneficiary_tax_code(city) -> str:
    """The city's tax code: its setting, else the one its pagoPA settings hold."""
    pagopa = (city.policy or {}).get("pagopa")
    return city.settings.tax_code or (pagopa.get("tax_code", "") if isinstance(pagopa, dict) else "")


def fund_of(contribution: Contribution) -> Fund | None:
    return Fund.objects.with_scopes_disabled().filter(account_id=contribution.target_id).first()


def _donor_name(contribution: Contribution) -> str:
    if contribution.organisation_id and contribution.organisation.name != contribution.donor_name:
        return f"{contribution.organisation.name} ({contribution.donor_name})" if contribution.donor_name else ""
    return contribution.donor_name


def _donor_tax_id(contribution: Contribution) -> str:
    if contribution.donor_tax_id:
        return contribution.donor_tax_id
    org = contribution.organisation
    if org is None:
        return ""
    return org.tax_code or org.siren or org.vat_number


def _donor_address(contribution: Contribution) -> str:
    if contribution.donor_address:
        return " ".join(contribution.donor_address.split())
    return contribution.organisation.registered_office if contribution.organisation_id else ""


def _rules(contribution: Contribution) -> ReceiptRules | None:
    pack = load_pack(contribution.city.country)
    if pack is None:
        return None
    return receipt_rules(
        pack, on=contribution.received_on, donor=donor_kind(contribution), channel=contribution.channel
    )


DEFAULT_FIELDS = ("number", "donor_name", "donor_tax_id", "amount", "received_on", "channel", "beneficiary", "purpose")


def receipt_build(contribution: Contribution, *, language: str) -> Receipt:
    """The receipt of a received contribution, in ``language``. Raises ValidationError when it
    has none (pending, cancelled)."""
    refusal = receipt_refusal(contribution)
    if refusal is not None:
        raise refusal
    city = contribution.city
    currency = city.currency
    with translation.override(language):
        rules = _rules(contribution)
        fund = fund_of(contribution)
        lang = language
        values = _values(contribution, fund, rules, lang, currency)
        receipt = Receipt(
            language=lang,
            title=rules.title[lang] if rules else _("Receipt for a gift"),
            number=contribution.reference,
            city_name=beneficiary_name(city),
            issued_on=_day(timezone.localdate()),
            pack=(
                _("Rules %(jurisdiction)s, version %(version)s. Not legal advice.")
                % {"jurisdiction": rules.jurisdiction, "version": rules.version}
                if rules
                else ""
            ),
        )
        if rules is None:
            receipt.rows = [values[code] for code in DEFAULT_FIELDS if code in values]
            receipt.payment_note = _(
                "No receipt rules are loaded for this country: which data a receipt for a deductible gift needs "
                "is not known here."
            )
            receipt.uncertain = True
        else:
            for item in rules.fields:
                row = values.get(item.code)
                if row is None:
                    continue
                if item.uncertain:
                    row.note = item.uncertain[lang]
                if item.framed:
                    row.framed = True
                if item.code == "amount":
                    receipt.rows.extend(values["refund"])  # received and refunded, then what remains
                receipt.rows.append(row)
            beneficiary = beneficiary_name(city)
            receipt.legal_basis = [
                Note(ref=item.ref, text=item.text[lang], note=item.uncertain.get(lang, ""))
                for item in rules.legal_basis
            ]
            receipt.statements = [
                Note(ref="", text=item.text[lang].format(beneficiary=beneficiary), note=item.uncertain.get(lang, ""))
                for item in rules.statements
            ]
            receipt.models = [Note(ref=item.ref, text=item.text[lang]) for item in rules.models]
            receipt.payment_note = rules.payment_note.get(lang, "")
            receipt.uncertain = rules.uncertain
        if any(row.missing for row in receipt.rows):
            receipt.uncertain = True
        if contribution.state == Contribution.State.REFUNDED:
            receipt.banner = _(
                "This contribution was refunded in full: it is no longer a gift and gives no right to a tax benefit."
            )
    return receipt


def _values(contribution: Contribution, fund: Fund | None, rules, lang: str, currency: str) -> dict:
    city = contribution.city
    to_complete = _("to be completed by the city")

    def row(label, value, *, required=True) -> Row:
        value = (value or "").strip()
        if not value and required:
            return Row(label=label, value=to_complete, missing=True)
        return Row(label=label, value=value or "–")

    required = {item.code for item in rules.fields if item.required} if rules else set(DEFAULT_FIELDS)
    if fund is not None:
        title = fund.title_translations.get(lang) or fund.title
        purpose = fund.purpose_translations.get(lang) or fund.purpose
        purpose_text = f"{title}: {purpose}"
    else:
        purpose_text = contribution.target.label
    if contribution.earmark_id:
        earmark = contribution.earmark.title_translations.get(lang) or contribution.earmark.title
        purpose_text = f"{purpose_text} ({earmark})"
    act = ""
    if fund is not None and fund.governance_act:
        act = fund.governance_act
        if fund.governance_act_on:
            act = f"{act}, {_day(fund.governance_act_on)}"
    group = contribution.group
    values = {
        "number": row(_("Receipt number"), contribution.reference),
        "donor_name": row(_("Donor"), _donor_name(contribution), required="donor_name" in required),
        "donor_tax_id": row(_("Donor's tax code"), _donor_tax_id(contribution), required=False),
        "donor_address": row(_("Donor's address"), _donor_address(contribution), required=False),
        "amount": row(
            _("Amount of the gift") if contribution.refunded_cents else _("Amount"),
            _money(contribution.open_cents, lang, currency),
        ),
        "received_on": row(_("Received on"), _day(contribution.received_on)),
        "channel": row(_("Paid by"), str(contribution.get_channel_display())),
        "gift_form": row(_("Form of the gift"), _("Informal gift of money (don manuel)")),
        "gift_nature": row(_("Nature of the gift"), pgettext("receipt", "Money")),
        "beneficiary": row(_("Beneficiary"), beneficiary_name(city)),
        "beneficiary_tax_code": row(
            _("Beneficiary's tax code"), beneficiary_tax_code(city), required="beneficiary_tax_code" in required
        ),
        "beneficiary_address": row(
            _("Beneficiary's address"), city.privacy_controller_address, required="beneficiary_address" in required
        ),
        "purpose": row(pgettext("receipt", "Purpose"), purpose_text),
        "act": row(_("Act that set up the fund"), act, required=False),
        "ledger": Row(
            label=_("Ledger movement"),
            value=_("no. %(seq)s, fingerprint %(hash)s") % {"seq": group.seq, "hash": group.hash},
            mono=True,
        ),
        "signature": row(_("Signature of the person authorised"), "", required=False),
        "refund": [
            row(_("Received"), _money(contribution.received_cents, lang, currency)),
            row(_("Refunded"), _money(contribution.refunded_cents, lang, currency)),
        ],
    }
    # the donor's tax code: asked where the pack requires it, else shown when known
    if "donor_tax_id" in required and not _donor_tax_id(contribution):
        values["donor_tax_id"] = Row(label=_("Donor's tax code"), value=_("not given by the donor"), missing=True)
    if "donor_address" in required and not _donor_address(contribution):
        values["donor_address"] = Row(label=_("Donor's address"), value=_("not given by the donor"), missing=True)
    if not contribution.refunded_cents:
        values["refund"] = []
    return values


def _pdf(template: str, context: dict, language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(HERE)).write_pdf(stylesheets=[weasyprint.CSS(filename=str(CSS))])


def receipt_pdf(contribution: Contribution, *, language: str) -> bytes:
    receipt = receipt_build(contribution, language=language)
    return _pdf(
        "funds/receipt_pdf.html",
        {"receipt": receipt, "check": check_with_legal_office, "legal_office": _legal_office(language)},
        language,
    )


def _legal_office(language: str) -> str:
    with translation.override(language):
        return check_with_legal_office()


# --- statements ------------------------------------------------------------------------------


@dataclass
class GiftStatementLine:
    number: str
    received_on: str
    purpose: str
    channel: str
    received: str
    refunded: str
    net: str
    state: str
    token: str = ""  # the donor's secret link, for the receipt's address on the page


@dataclass
class GiftStatement:
    language: str
    title: str
    city_name: str
    tax_code: str
    donor: str
    period: str
    issued_on: str
    lines: list[GiftStatementLine]
    total_received: str
    total_refunded: str
    total_net: str
    count: int
    legal_basis: list[Note] = field(default_factory=list)
    pack: str = ""


def gift_statement_totals(contributions) -> dict:
    received = sum(c.received_cents for c in contributions)
    refunded = sum(c.refunded_cents for c in contributions)
    return {"received_cents": received, "refunded_cents": refunded, "net_cents": received - refunded}


def gift_statement_build(
    contributions, *, city, donor: str, start: datetime.date, end: datetime.date, language: str
) -> GiftStatement:
    """All of a donor's received contributions in ``city`` between ``start`` and ``end``, with
    totals, in ``language``; the legal bases in force at the period's end, for the donor's kind."""
    contributions = list(contributions)
    currency = city.currency
    totals = gift_statement_totals(contributions)
    with translation.override(language):
        funds = {
            f.account_id: f
            for f in Fund.objects.with_scopes_disabled().filter(account_id__in={c.target_id for c in contributions})
        }
        lines = []
        for c in contributions:
            fund = funds.get(c.target_id)
            title = (fund.title_translations.get(language) or fund.title) if fund else c.target.label
            lines.append(
                GiftStatementLine(
                    number=c.reference,
                    received_on=_day(c.received_on),
                    purpose=title,
                    channel=str(c.get_channel_display()),
                    received=_money(c.received_cents, language, currency),
                    refunded=_money(c.refunded_cents, language, currency) if c.refunded_cents else "–",
                    net=_money(c.open_cents, language, currency),
                    state=str(c.get_state_display()),
                    token=c.access_token,
                )
            )
        pack = load_pack(city.country)
        legal_basis, pack_line = [], ""
        if pack is not None and contributions:
            rules = receipt_rules(pack, on=end, donor=donor_kind(contributions[0]), channel="bank_transfer")
            legal_basis = [
                Note(ref=item.ref, text=item.text[language], note=item.uncertain.get(language, ""))
                for item in rules.legal_basis
            ]
            pack_line = _("Rules %(jurisdiction)s, version %(version)s. Not legal advice.") % {
                "jurisdiction": rules.jurisdiction,
                "version": rules.version,
            }
        return GiftStatement(
            language=language,
            title=_("Statement of gifts"),
            city_name=beneficiary_name(city),
            tax_code=beneficiary_tax_code(city) or _("to be completed by the city"),
            donor=donor,
            period=_("from %(start)s to %(end)s") % {"start": _day(start), "end": _day(end)},
            issued_on=_day(timezone.localdate()),
            lines=lines,
            total_received=_money(totals["received_cents"], language, currency),
            total_refunded=_money(totals["refunded_cents"], language, currency),
            total_net=_money(totals["net_cents"], language, currency),
            count=len(lines),
            legal_basis=legal_basis,
            pack=pack_line,
        )


def gift_statement_pdf(statement: GiftStatement) -> bytes:
    return _pdf(
        "funds/gift_statement_pdf.html",
        {"statement": statement, "legal_office": _legal_office(statement.language)},
        statement.language,
    )
