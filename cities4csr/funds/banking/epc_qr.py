"""The EPC QR code ("SEPA credit transfer" QR, GiroCode) that banking apps scan to fill in a
transfer to a fund.

Source: European Payments Council, EPC069-12 "Quick Response Code: Guidelines to Enable Data
Capture for the Initiation of a SEPA Credit Transfer" (version 2.1 and later; checked against the
guideline's text and the summaries of the EPC QR code in the documentation of segno, BWIPP and
the EPC QR code article, December 2026). The payload is up to 12 elements, one per line (line
feed), in this order:

    1  service tag            "BCD"
    2  version                "002" (the BIC may be left empty within the EEA)
    3  character set          "1" = UTF-8
    4  identification         "SCT" (SEPA credit transfer)
    5  BIC of the beneficiary's bank, 8 or 11 characters; optional in version 002
    6  beneficiary's name, at most 70 characters
    7  beneficiary's IBAN, at most 34 characters
    8  amount: "EUR" + 0.01 to 999999999.99, a dot before the decimals ("EUR12.34"); optional
    9  purpose: an ISO 20022 purpose code of at most 4 characters; optional (empty here)
    10 structured remittance: a creditor reference of at most 35 characters (ISO 11649 "RF…")
    11 unstructured remittance: at most 140 characters; only when 10 is empty (one XOR the other)
    12 beneficiary to originator information: at most 70 characters; optional

Nothing follows the last element given (no trailing line feed). The code uses error correction
level M and QR version 13 at most, so the payload holds at most 331 bytes.
"""

from __future__ import annotations

import segno
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from cities4csr.funds.banking.rf import RFError, rf_validate

#: cents of the largest amount an EPC QR code carries: 999,999,999.99
MAX_AMOUNT_CENTS = 99_999_999_999
MAX_NAME = 70
MAX_REFERENCE = 35
MAX_TEXT = 140
MAX_INFORMATION = 70
#: the payload's limit in bytes (QR version 13 at level M)
MAX_PAYLOAD_BYTES = 331
MAX_QR_VERSION = 13


class EPCError(ValueError):
    """A transfer that an EPC QR code cannot carry. ``code`` is stable (for translations and
    tests): "name", "iban", "bic", "amount", "reference", "text", "both_remittances",
    "information", "line_break", "too_long"; ``params`` fill in the message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code, params)


def epc_amount(cents: int) -> str:
    """'EUR12.34' for 1234 cents; refuses zero, negative amounts and more than 999,999,999.99."""
    if not isinstance(cents, int) or isinstance(cents, bool) or not 1 <= cents <= MAX_AMOUNT_CENTS:
        raise EPCError("amount", cents=cents, max_cents=MAX_AMOUNT_CENTS)
    return f"EUR{cents // 100}.{cents % 100:02d}"


def _one_line(value: str, code: str, limit: int) -> str:
    """``value`` with its runs of spaces made one; refused if it would break the payload's lines
    or is longer than ``limit``."""
    value = value or ""
    if "\n" in value or "\r" in value:
        raise EPCError("line_break", field=code)
    value = " ".join(value.split())
    if len(value) > limit:
        raise EPCError(code, length=len(value), max=limit)
    return value


def epc_payload(
    *,
    name: str,
    iban: str,
    amount_cents: int | None,
    bic: str = "",
    reference: str = "",
    text: str = "",
    information: str = "",
) -> str:
    """The text an EPC QR code (version 002, UTF-8) encodes for a SEPA credit transfer of
    ``amount_cents`` to ``name``'s ``iban``, with either a structured ``reference`` (an RF
    creditor reference, validated) or free ``text``, not both."""
    name = _one_line(name, "name", MAX_NAME)
    if not name:
        raise EPCError("name", length=0, max=MAX_NAME)
    try:
        iban = stdnum_iban.validate(iban)
    except ValidationError:
        raise EPCError("iban", value=iban) from None
    if bic:
        try:
            bic = stdnum_bic.validate(bic)
        except ValidationError:
            raise EPCError("bic", value=bic) from None
    reference = _one_line(reference, "reference", MAX_REFERENCE * 2)
    if reference:  # RF references are 25 characters at most, well within the 35 allowed
        try:
            reference = rf_validate(reference)
        except RFError:
            raise EPCError("reference", value=reference) from None
    text = _one_line(text, "text", MAX_TEXT)
    information = _one_line(information, "information", MAX_INFORMATION)
    if reference and text:
        raise EPCError("both_remittances")
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        iban,
        epc_amount(amount_cents) if amount_cents is not None else "",
        "",  # purpose
        reference,
        text,
        information,
    ]
    while lines[-1] == "":
        lines.pop()
    payload = "\n".join(lines)
    size = len(payload.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise EPCError("too_long", size=size, max=MAX_PAYLOAD_BYTES)
    return payload


def epc_qr(payload: str) -> segno.QRCode:
    """The QR code of ``payload``: error correction M exactly (never raised), UTF-8 bytes."""
    qr = segno.make_qr(payload, error="m", boost_error=False, encoding="utf-8", mode="byte")
    if qr.version > MAX_QR_VERSION:  # the byte limit above keeps it within 13
        raise EPCError("too_long", size=len(payload.encode("utf-8")), max=MAX_PAYLOAD_BYTES)
    return qr


def epc_svg(payload: str, *, scale: int = 4) -> str:
    """The QR code of ``payload`` as an SVG data URI for an ``<img>`` (its ``alt`` names it; the
    page gives the same data as text beside it), with a quiet zone of 4 modules."""
    return epc_qr(payload).svg_data_uri(scale=scale, border=4)
