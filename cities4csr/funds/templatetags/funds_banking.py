"""The payment instruction of a bank-transfer contribution: ``{% load funds_banking %}`` then
``{% bank_transfer contribution %}`` (or ``{% bank_transfer contribution fund %}``)."""

from django import template
from django.utils.translation import gettext as _

from cities4csr.core.money import active_locale, money_format

from ..banking.epc_qr import EPCError, epc_payload, epc_svg
from ..banking.rf import rf_format
from ..models import Fund

register = template.Library()


def iban_format(iban: str) -> str:
    compact = (iban or "").replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@register.inclusion_tag("funds/includes/bank_transfer.html", takes_context=True)
def bank_transfer(context, contribution, fund=None):
    """The fund's account, the amount, the reference in groups of four and the EPC QR code (inline
    SVG, named for assistive technology; the same data is written beside it)."""
    if fund is None:
        fund = Fund.objects.filter(city=contribution.city_id, account_id=contribution.target_id).first()
    values = {"contribution": contribution, "city": context.get("city"), "request": context.get("request")}
    if fund is None:
        return values
    reference = rf_format(contribution.reference)
    values.update(beneficiary=fund.beneficiary, iban=iban_format(fund.iban), bic=fund.bic, reference=reference)
    try:
        payload = epc_payload(
            name=fund.beneficiary,
            iban=fund.iban,
            bic=fund.bic,
            amount_cents=contribution.amount_cents,
            reference=contribution.reference,
        )
    except EPCError:  # an amount above what the code carries: the written instruction stays
        return values
    title = _("QR code of a transfer of %(amount)s to %(beneficiary)s, reference %(reference)s") % {
        "amount": money_format(contribution.amount_cents, locale=active_locale(), currency=contribution.city.currency),
        "beneficiary": fund.beneficiary,
        "reference": reference,
    }
    values["qr_src"] = epc_svg(payload)
    values["qr_alt"] = title
    return values
