"""pagoPA in a city's funds (ADR 0028): a notice per pagoPA contribution, and the import of the
reporting flow the city's intermediary hands over, which marks the paid notices received.

The platform issues and reconciles; the intermediary connects the city to pagoPA (it answers
pagoPA's calls for the notices' amounts and receives the flows). The formats live in the pure
module ``cities4csr.funds.pagopa``; this one reads the city's settings, writes, audits and says
every refusal in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import segno
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities4csr.cities.policy import pagopa_settings_check
from cities4csr.core.money import active_locale, money_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person

from . import pagopa
from .models import Contribution
from .pagopa import MAX_NOTICE_CENTS, NoticeSettings, PagoPAError, Reason
from .pagopa_models import PagopaFlow, PagopaFlowLine
from .selectors import channel_availability_register
from .services import channel_register, contribution_receive

# ---------------------------------------------------------------- settings and notices


def pagopa_settings(city) -> NoticeSettings | None:
    """The city's pagoPA codes, or ``None`` when pagoPA is off (or the city is not Italian)."""
    if city.country != "IT":
        return None
    try:
        return pagopa_settings_check(city.settings.pagopa)
    except ValueError:  # checked when saved; a hand-edited policy that no longer holds
        return None


@channel_availability_register(Contribution.Channel.PAGOPA)
def pagopa_available(city) -> bool:
    """Whether a donor of ``city`` may choose pagoPA (the give form offers it then)."""
    return pagopa_settings(city) is not None


@channel_register(Contribution.Channel.PAGOPA)
def pagopa_notice_assign(contribution: Contribution) -> Contribution:
    """Give a new pagoPA contribution its notice code, from its number and the city's codes.
    ``contribution_create`` runs it in its transaction: a city without pagoPA refuses the
    contribution, and nothing is written."""
    settings = pagopa_settings(contribution.city)
    if settings is None:
        raise ValidationError(
            {"channel": ValidationError(_("This city does not take payments through pagoPA."), code="pagopa_off")}
        )
    if contribution.amount_cents > MAX_NOTICE_CENTS:
        raise ValidationError(
            {"amount_cents": ValidationError(_("A pagoPA notice cannot carry this amount."), code="too_large")}
        )
    contribution.notice_code = pagopa.notice_code_for(settings, contribution.pk)
    Contribution.objects.with_scopes_disabled().filter(pk=contribution.pk).update(notice_code=contribution.notice_code)
    return contribution


@dataclass(frozen=True)
class PagopaNotice:
    """What a donor needs to pay a contribution at any pagoPA channel."""

    notice_code: str
    printed_code: str
    tax_code: str
    creditor: str
    amount_cents: int
    qr_payload: str
    qr_src: str  # an SVG data URI
    qr_alt: str


def pagopa_notice_for(contribution: Contribution) -> PagopaNotice | None:
    """The notice of a pagoPA contribution, with its QR code as inline SVG; ``None`` if it has
    none (another channel, or the city's tax code is gone)."""
    if not contribution.notice_code:
        return None
    tax_code = (contribution.city.settings.pagopa or {}).get("tax_code", "")
    try:
        payload = pagopa.qr_payload(contribution.notice_code, tax_code, contribution.amount_cents)
    except PagoPAError:
        return None
    printed = pagopa.format_notice_code(contribution.notice_code)
    return PagopaNotice(
        notice_code=contribution.notice_code,
        printed_code=printed,
        tax_code=pagopa.normalise_tax_code(tax_code),
        creditor=contribution.city.controller,
        amount_cents=contribution.amount_cents,
        qr_payload=payload,
        qr_src=qr_svg(payload),
        qr_alt=_("pagoPA QR code of notice %(code)s") % {"code": printed},
    )


def qr_svg(payload: str) -> str:
    """The notice's QR code as an SVG data URI for an ``<img>``: version 4, error correction M,
    as pagoPA's notice guide asks, black on white (the ``alt`` names it)."""
    code = segno.make_qr(payload, error="m", version=4, boost_error=False, encoding="utf-8")
    return code.svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


# ---------------------------------------------------------------- the reporting flow

#: why a file is refused, by the pure module's code: always with what to do
FLOW_ERRORS = {
    "file_empty": gettext_lazy("The file is empty."),
    "file_too_large": gettext_lazy("The file is too large: at most %(megabytes)s MB."),
    "xml_malformed": gettext_lazy(
        "Line %(line)s: the file is not well-formed XML. It may be cut short, or not be the reporting file."
    ),
    "xml_forbidden": gettext_lazy(
        "Line %(line)s: the file declares a DTD or entities, which a reporting flow never has. It was not read."
    ),
    "root_unexpected": gettext_lazy(
        "This is not a pagoPA reporting flow: its main element is %(found)s, not FlussoRiversamento. Upload the "
        "XML file of the flow the intermediary sent."
    ),
    "element_missing": gettext_lazy("Line %(line)s: the element %(element)s is missing."),
    "value_invalid": gettext_lazy("Line %(line)s: %(element)s has a value that is not valid: “%(value)s”."),
    "amount_invalid": gettext_lazy(
        "Line %(line)s: %(element)s “%(value)s” is not an amount in euro written with a dot and at most two "
        "decimals (for example 20.00)."
    ),
    "date_invalid": gettext_lazy("Line %(line)s: %(element)s “%(value)s” is not a date written YYYY-MM-DD."),
    "too_many_payments": gettext_lazy("The flow lists more than %(max)s payments."),
    "count_mismatch": gettext_lazy("Line %(line)s: the flow declares %(declared)s payments but lists %(found)s."),
    "total_mismatch": gettext_lazy(
        "Line %(line)s: the flow declares a total of %(declared)s but its payments add up to %(found)s."
    ),
    "receiver_mismatch": gettext_lazy(
        "Line %(line)s: the flow is addressed to the tax code %(found)s, not to this city's (%(expected)s)."
    ),
}

#: why a payment of the flow was left, as the officer reads it
REASONS = {
    Reason.ALREADY_RECONCILED: gettext_lazy("Already imported"),
    Reason.DUPLICATE_IN_FLOW: gettext_lazy("Repeated in the file"),
    Reason.REVOKED: gettext_lazy("Payment revoked: check it with the intermediary"),
    Reason.NOT_PAID: gettext_lazy("The outcome is not a payment"),
    Reason.UNKNOWN_IUV: gettext_lazy("Not a notice of this platform (another service of the city?)"),
    Reason.NOT_PENDING: gettext_lazy("The contribution was no longer waiting for its payment"),
}


def flow_error_message(error: PagoPAError, *, currency: str = "EUR") -> str:
    """A refusal of the pure module, in the reader's language."""
    params = {"line": error.line, **error.params}
    if error.code == "file_too_large":
        params["megabytes"] = pagopa.MAX_FLOW_BYTES // (1024 * 1024)
    if error.code == "total_mismatch":
        for key in ("declared", "found"):
            params[key] = money_format(params[key], locale=active_locale(), currency=currency)
    if "value" in params:
        params["value"] = str(params["value"])[:80]
    return str(FLOW_ERRORS[error.code]) % params


def _refused(error: PagoPAError, *, currency: str) -> ValidationError:
    params = {key: value for key, value in error.params.items() if isinstance(value, str | int)}
    return ValidationError(
        {
            "file": ValidationError(
                flow_error_message(error, currency=currency), code=error.code, params={"line": error.line, **params}
            )
        }
    )


@dataclass
class ImportedLine:
    payment: pagopa.ReportedPayment
    result: str  # "received" or a Reason
    contribution: Contribution | None = None
    amount_differs: bool = False

    @property
    def reason_text(self) -> str:
        return "" if self.result == "received" else str(REASONS[Reason(self.result)])


@dataclass
class PagopaImport:
    """What an import did: the flow, and each of its payments with what became of it."""

    flow: PagopaFlow
    new_flow: bool
    lines: list[ImportedLine] = field(default_factory=list)

    @property
    def received(self) -> list[ImportedLine]:
        return [line for line in self.lines if line.result == "received"]

    @property
    def received_count(self) -> int:
        return len(self.received)

    @property
    def received_cents(self) -> int:
        return sum(line.payment.amount_cents for line in self.received)

    @property
    def left(self) -> list[ImportedLine]:
        return [line for line in self.lines if line.result != "received"]

    @property
    def unknown(self) -> list[ImportedLine]:
        return [line for line in self.lines if line.result == Reason.UNKNOWN_IUV]


def _read(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > pagopa.MAX_FLOW_BYTES:
        raise PagoPAError("file_too_large", size=size, max=pagopa.MAX_FLOW_BYTES)
    data = file.read(pagopa.MAX_FLOW_BYTES + 1)
    if len(data) > pagopa.MAX_FLOW_BYTES:
        raise PagoPAError("file_too_large", size=len(data), max=pagopa.MAX_FLOW_BYTES)
    return data


def _notices_by_iuv(city, iuvs: set[str]) -> dict[str, Contribution]:
    """The city's pagoPA contributions whose notice carries one of ``iuvs``: 17 digits after aux
    digit 3, or 15 after aux digit 0 and an application code the city used."""
    notices = Contribution.objects.filter(city=city, channel=Contribution.Channel.PAGOPA).exclude(notice_code="")
    application_codes = set(
        notices.filter(notice_code__startswith="0")
        .annotate(application_code=Substr("notice_code", 2, 2))
        .values_list("application_code", flat=True)
        .order_by()
        .distinct()
    )
    wanted: dict[str, str] = {}
    for iuv in iuvs:
        if len(iuv) == 17 and iuv.isdigit():
            wanted["3" + iuv] = iuv
        elif len(iuv) == 15 and iuv.isdigit():
            wanted.update({f"0{app}{iuv}": iuv for app in application_codes})
    found: dict[str, Contribution] = {}
    codes = sorted(wanted)
    for start in range(0, len(codes), 500):
        for contribution in notices.filter(notice_code__in=codes[start : start + 500]).select_related("city", "target"):
            found[wanted[contribution.notice_code]] = contribution
    return found


def pagopa_report_import(*, actor, city, file) -> PagopaImport:
    """Import a reporting flow of ``city``: each paid notice of the platform is received (its
    ledger movement written) once; the rest is kept with its reason. A malformed file, or a flow
    addressed to another ente, is refused naming the line and the reason, and nothing is written.
    Importing the same flow again receives nothing twice (``(flow, IUV, IUR)`` are kept)."""
    require(actor, "funds.import_pagopa_report", city)
    settings = pagopa_settings(city)
    if settings is None:
        raise ValidationError(
            _("pagoPA is not enabled for this city: its administrators turn it on in the settings."), code="pagopa_off"
        )
    try:
        parsed = pagopa.parse_reporting_flow(_read(file), expected_tax_code=settings.tax_code)
    except PagoPAError as error:
        raise _refused(error, currency=city.currency) from None
    try:
        with transaction.atomic():
            return _import(actor=actor, city=city, parsed=parsed)
    except IntegrityError:  # the same flow imported at the same moment by someone else
        raise ValidationError(
            _("This flow is being imported by someone else: wait a moment and look at the list of flows."),
            code="import_running",
        ) from None


def _import(*, actor, city, parsed: pagopa.ReportingFlow) -> PagopaImport:
    flow = PagopaFlow.objects.select_for_update().filter(city=city, flow_id=parsed.flow_id).first()
    new_flow = flow is None
    if new_flow:
        flow = PagopaFlow.objects.create(
            city=city,
            flow_id=parsed.flow_id,
            flow_at=_aware(parsed.flow_at, city),
            settlement_ref=parsed.settlement_ref,
            settlement_on=parsed.settlement_on,
            sender_id=parsed.sender_id,
            sender_name=parsed.sender_name,
            total_cents=parsed.total_cents,
            payments=len(parsed.payments),
            imported_by=person(actor),
        )
    done = set(flow.lines.values_list("iuv", "iur"))
    found = _notices_by_iuv(city, {p.iuv for p in parsed.payments})
    pending = {iuv: c.amount_cents for iuv, c in found.items() if c.state == Contribution.State.PENDING}
    plan = pagopa.plan_reconciliation(parsed, pending=pending, issued=found, done=done)
    result = PagopaImport(flow=flow, new_flow=new_flow)
    rows = []
    for planned in plan:
        payment = planned.payment
        contribution = found.get(payment.iuv)
        if planned.action == pagopa.Action.RECEIVE:
            contribution = _receive(actor=actor, contribution=contribution, payment=payment, flow_id=parsed.flow_id)
            line = ImportedLine(payment, "received", contribution, planned.reason == Reason.AMOUNT_DIFFERS)
        else:
            line = ImportedLine(payment, planned.reason.value, contribution)
        result.lines.append(line)
        if line.result in (Reason.ALREADY_RECONCILED, Reason.DUPLICATE_IN_FLOW):
            continue  # kept the first time
        rows.append(
            PagopaFlowLine(
                city=city,
                flow=flow,
                line=payment.line,
                iuv=payment.iuv,
                iur=payment.iur,
                amount_cents=payment.amount_cents,
                outcome=payment.outcome,
                outcome_on=payment.outcome_on,
                result=line.result,
                amount_differs=line.amount_differs,
                contribution=contribution,
            )
        )
    PagopaFlowLine.objects.bulk_create(rows)
    counts: dict[str, int] = {}
    for line in result.lines:
        counts[line.result] = counts.get(line.result, 0) + 1
    audit_log(
        actor=actor,
        city=city,
        verb="pagopa.import",
        obj=flow,
        payload={
            "flow_id": parsed.flow_id,
            "settlement_ref": parsed.settlement_ref,
            "new_flow": new_flow,
            "received": len(result.received),
            "received_cents": result.received_cents,
            "results": counts,
            "unknown_iuvs": [line.payment.iuv for line in result.unknown][:100],
        },
    )
    return result


def _receive(*, actor, contribution: Contribution, payment: pagopa.ReportedPayment, flow_id: str) -> Contribution:
    return contribution_receive(
        actor=actor,
        contribution=contribution,
        received_cents=payment.amount_cents,
        received_on=payment.outcome_on,
        entry_ref=f"pagoPA {flow_id} IUR {payment.iur}",
    )


def _aware(moment, city):
    """The flow's time, which the schema writes without a zone: the city's (Italian) time."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, ZoneInfo(city.timezone))
