"""pagoPA for Italian cities: payment notices and the reporting flow, as pure Python (ADR 0028).

The platform **issues and reconciles**; the city's intermediary (its *intermediario tecnologico*,
which runs the *stazione* connected to pagoPA) answers pagoPA's verify/activate calls and hands
the city the reporting files. This module knows the formats and nothing about Django, the
database or the clock: it is in the "pure" import contract of ``pyproject.toml``.

What it does
    * the IUV (*Identificativo Univoco di Versamento*) of a contribution, from its number, and
      the notice code (*codice avviso*, also *numero avviso*) around it, with the check digits;
    * the notice code read back (``parse_notice_code``), with its check digits verified;
    * the notice code printed in groups of four (``format_notice_code``);
    * the QR code's text (``qr_payload``): ``PAGOPA|002|<notice code>|<ente tax code>|<cents>``;
    * the ente's tax code checked (``normalise_tax_code``: 11 digits, python-stdnum's rules);
    * the reporting flow read (``parse_reporting_flow``: the *FlussoRiversamento* XML), amounts
      in integer cents, every refusal a ``PagoPAError`` naming a stable ``code``, its ``params``
      and the ``line`` of the file, so the Django layer can say it in the reader's language;
    * what to do with each reported payment (``plan_reconciliation``).

Sources (read December 2026; "SACI" are the *Specifiche attuative dei codici identificativi di
versamento, riversamento e rendicontazione*, Allegato A to AgID's *Linee guida per
l'effettuazione dei pagamenti elettronici*)
    [SACI-1.3.1] SACI 1.3.1 (January 2018), §2.2 "Numero avviso e codice IUV" (Tabella 2, the
        aux digit 0/1/2/3 schemes NAV.0–NAV.3 and IUV.0–IUV.3, check digits "resto della
        divisione per 93"), §7 "Flusso di rendicontazione" (Tabella 4) and §7.2
        (identificativoFlusso). Sphinx sources: github.com/valefa/pagopa-codici-docs,
        _docs/Capitolo2.rst and _docs/Capitolo7.rst.
    [SACI-3] SACI 3.x on docs.pagopa.it/saci (3.1.0, March 2023: "rimossi riferimenti agli aux
        digit 0-1-2"; 3.2.0, November 2023: esito 4; 3.2.1, April 2024: esito 8). English text:
        github.com/pagopa/devportal-docs, "generation-of-univocal-payment-identifier.md": the aux
        digit values 0-1-2 "must no longer be used"; segregation codes 00 to 45 are assigned to
        intermediaries, 47, 81, 85 and 96–99 are centralised services.
    [XSD] The flow's schema, FlussoRiversamento_1_0_4.xsd and _1_0_5.xsd in
        github.com/pagopa/pagopa-api (xsd/, xsd-common/): namespace
        ``http://www.digitpa.gov.it/schemas/2011/Pagamenti/``, root ``FlussoRiversamento``,
        amounts ``\\d+\\.\\d{2}``, esito 0/3/9 (1.0.4) and 0/4/8/9 (1.0.5).
    [AVVISO] "Guida tecnica sugli avvisi di pagamento pagoPA", docs.pagopa.it/avviso-pagamento,
        Allegato 2, "Dati per il pagamento" → "Codice QR" (the string, version 002, amount "in
        centesimi di euro", QR version 4, ECC level M) and "Rata unica" (AVVISO.CODICE: "22
        caratteri spazi compresi", digits in groups of 4).
    [GEN] pagoPA's IUV generators (Java, ``IuvAlghoritm.generateCheckDigit``: ``%02d`` of the
        remainder by 93), e.g. the canone-unico and hubpa ``iuvgenerator`` packages.
    [IO] pagoPA's own QR reader, github.com/pagopa/io-pagopa-commons ``src/pagopa.ts``: amount
        "MIN_AMOUNT_DIGITS is 2 by specs", at most 10 digits.

Not verified, so not done: the Data Matrix of the *Bollettino Postale PA* (only for an ente with
a postal current account; its content is in Poste Italiane's *Manuale della stampa in proprio*,
which could not be read here) and the newer JSON reporting API (FdR 3), which an intermediary
reads for the city.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import iva

__all__ = [
    "FLOW_NAMESPACE",
    "MAX_FLOW_BYTES",
    "MAX_FLOW_PAYMENTS",
    "PAID_OUTCOMES",
    "Action",
    "NoticeCode",
    "NoticeSettings",
    "PagoPAError",
    "PlannedLine",
    "ReportedPayment",
    "ReportingFlow",
    "check_digits",
    "format_notice_code",
    "iuv_for",
    "normalise_tax_code",
    "notice_code_for",
    "parse_notice_code",
    "parse_reporting_flow",
    "plan_reconciliation",
    "qr_payload",
]

#: the namespace of the reporting flow [XSD]; a file without a namespace is read too
FLOW_NAMESPACE = "http://www.digitpa.gov.it/schemas/2011/Pagamenti/"
#: a larger upload is refused before it is parsed (a day's flow of a large PSP is a few MB)
MAX_FLOW_BYTES = 20 * 1024 * 1024
#: at most this many payments in one flow
MAX_FLOW_PAYMENTS = 200_000
#: the largest amount of one notice in the QR code: 10 digits of cents [IO]
MAX_NOTICE_CENTS = 9_999_999_999
#: the largest amount read from a flow, in cents: the bound of cities4csr.core.money.MAX_CENTS
MAX_CENTS = 10**14

#: ``codiceEsitoSingoloPagamento`` values that mean the payment was made [XSD 1.0.5]:
#: 0 "Pagamento eseguito", 4 "eseguito in stand-in", 8 "eseguito in stand-in in assenza di
#: RPT", 9 "eseguito in assenza di RPT". 3 is "Pagamento revocato" [SACI-1.3.1, XSD 1.0.4].
PAID_OUTCOMES = frozenset({"0", "4", "8", "9"})
REVOKED_OUTCOME = "3"

#: segregation codes pagoPA assigns to intermediaries; 47, 81, 85 and 96–99 are centralised
#: services (CIE, ANPR, SUAP, road tax, TARI…), never a city's own generation point [SACI-3]
MAX_SEGREGATION_CODE = 45


class PagoPAError(ValueError):
    """A value, a setting or a file refused. ``code`` is stable (tests, API clients and the
    Django layer's messages key on it), ``params`` fill the message, ``line`` is the line of the
    reporting file (1-based) when there is one. ``str()`` is an English sentence for logs."""

    MESSAGES = {
        # settings and notices
        "tax_code_invalid": "The ente's tax code {value!r} is not 11 digits with a valid check digit.",
        "aux_digit_unsupported": "Aux digit {aux_digit!r} is not one the platform issues (3, or 0).",
        "segregation_code_invalid": "The segregation code {value!r} is not two digits from 00 to 45.",
        "application_code_invalid": "The application code {value!r} is not two digits.",
        "base_prefix_invalid": "The IUV prefix {value!r} is not 0 to 6 digits.",
        "number_out_of_range": "Number {number} does not fit the {digits} digits left in the IUV.",
        "notice_code_invalid": "{value!r} is not an 18-digit notice code.",
        "notice_check_digits_wrong": "The check digits of notice code {value!r} are wrong.",
        "amount_out_of_range": "{cents} cents cannot be put in a pagoPA QR code (1 to 9,999,999,999).",
        # the reporting flow
        "file_empty": "The file is empty.",
        "file_too_large": "The file has {size} bytes, more than {max} bytes.",
        "xml_malformed": "Line {line}: the file is not well-formed XML ({detail}).",
        "xml_forbidden": "Line {line}: the file declares a DTD or entities, which are not accepted.",
        "root_unexpected": "The file is a {found!r}, not a pagoPA reporting flow (FlussoRiversamento).",
        "element_missing": "Line {line}: {element} is missing.",
        "value_invalid": "Line {line}: {element} {value!r} is not valid.",
        "amount_invalid": "Line {line}: {element} {value!r} is not an amount in euro with at most 2 decimals.",
        "date_invalid": "Line {line}: {element} {value!r} is not a date.",
        "too_many_payments": "The flow has more than {max} payments.",
        "count_mismatch": "The flow declares {declared} payments but lists {found}.",
        "total_mismatch": "The flow declares a total of {declared} cents but its payments add up to {found}.",
        "receiver_mismatch": "The flow is addressed to tax code {found}, not to this city's {expected}.",
    }

    def __init__(self, code: str, *, line: int | None = None, **params: object):
        assert code in self.MESSAGES, code
        self.code = code
        self.line = line
        self.params = params
        super().__init__(self.MESSAGES[code].format(line=line, **params))


# ---------------------------------------------------------------- tax code


def normalise_tax_code(value: str) -> str:
    """The ente's *codice fiscale*: an ente creditore has an 11-digit numeric one (as a
    *partita IVA*: office code and Luhn check digit, checked by python-stdnum's ``it.iva``).
    Spaces are dropped and an ``IT`` prefix is accepted; anything else raises ``tax_code_invalid``.

    >>> normalise_tax_code("IT 01199250158")
    '01199250158'
    """
    text = "".join(str(value).split()).upper().removeprefix("IT")
    try:
        return iva.validate(text)
    except StdnumError:
        raise PagoPAError("tax_code_invalid", value=value) from None


# ---------------------------------------------------------------- IUV and notice code


def check_digits(digits: str) -> str:
    """The two check digits: the remainder of the number divided by 93, on two digits
    [SACI-1.3.1 §2.2.2, SACI-3 "IUV.3"]. ``digits`` is what precedes them in the notice code:
    aux digit, application or segregation code, IUV base."""
    return f"{int(digits) % 93:02d}"


@dataclass(frozen=True)
class NoticeSettings:
    """The codes a city's intermediary (or pagoPA) assigned, kept on the city.

    ``aux_digit`` 3 (the scheme of SACI 3.x, "NAV.3"): the notice code is
    ``3 <segregation code (2)> <IUV base (13)> <check digits (2)>`` and the IUV is the 17 digits
    after the aux digit. ``aux_digit`` 0 (legacy "NAV.0", for a city that still has it: SACI 3.x
    says the values 0-1-2 "must no longer be used"): ``0 <application code (2)> <IUV base (13)>
    <check digits (2)>``, the IUV being the last 15 digits. The check digits are computed over
    everything before them, aux digit included.

    ``base_prefix`` (0 to 6 digits, optional) starts every IUV base the platform makes, when the
    intermediary gives the platform a range inside a segregation code it also uses itself; the
    contribution's number fills the rest of the 13 digits. IUVs must never repeat for an ente
    [SACI-1.3.1 §2.1], so the platform needs a segregation code (or a prefix) of its own.
    """

    tax_code: str
    aux_digit: int = 3
    segregation_code: str = ""
    application_code: str = ""
    base_prefix: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tax_code", normalise_tax_code(self.tax_code))
        if self.aux_digit == 3:
            code = self.segregation_code
            if not (len(code) == 2 and code.isdigit() and code.isascii() and int(code) <= MAX_SEGREGATION_CODE):
                raise PagoPAError("segregation_code_invalid", value=code)
        elif self.aux_digit == 0:
            code = self.application_code
            if not (len(code) == 2 and code.isdigit() and code.isascii()):
                raise PagoPAError("application_code_invalid", value=code)
        else:
            raise PagoPAError("aux_digit_unsupported", aux_digit=self.aux_digit)
        prefix = self.base_prefix
        if len(prefix) > 6 or (prefix and not (prefix.isdigit() and prefix.isascii())):
            raise PagoPAError("base_prefix_invalid", value=prefix)

    @property
    def station_code(self) -> str:
        """The two digits after the aux digit: segregation code (3) or application code (0)."""
        return self.segregation_code if self.aux_digit == 3 else self.application_code

    @property
    def max_number(self) -> int:
        """The largest contribution number an IUV base can hold with this prefix."""
        return 10 ** (13 - len(self.base_prefix)) - 1


def _iuv_base(settings: NoticeSettings, number: int) -> str:
    digits = 13 - len(settings.base_prefix)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= settings.max_number:
        raise PagoPAError("number_out_of_range", number=number, digits=digits)
    return settings.base_prefix + f"{number:0{digits}d}"


def notice_code_for(settings: NoticeSettings, number: int) -> str:
    """The 18-digit notice code of contribution ``number`` (a positive integer, unique in the
    city: the contribution's primary key)."""
    head = f"{settings.aux_digit}{settings.station_code}{_iuv_base(settings, number)}"
    return head + check_digits(head)


def iuv_for(settings: NoticeSettings, number: int) -> str:
    """The IUV of contribution ``number``: what the reporting flow names the payment by."""
    return parse_notice_code(notice_code_for(settings, number)).iuv


@dataclass(frozen=True)
class NoticeCode:
    """A notice code read back: its aux digit, the IUV inside it, and the code of the station
    (segregation code for aux 3, application code for aux 0)."""

    code: str
    aux_digit: int
    iuv: str
    segregation_code: str = ""
    application_code: str = ""


_NOTICE = re.compile(r"[0-9]{18}", re.ASCII)


def parse_notice_code(value: str) -> NoticeCode:
    """Read an 18-digit notice code (spaces allowed, as printed) in any of the four schemes of
    [SACI-1.3.1 Tabella 2], checking its check digits where the scheme has them (0, 2, 3; the
    legacy scheme 1 has none).

    >>> parse_notice_code("3010 0000 0000 1234 68").iuv
    '01000000000123468'
    """
    code = "".join(str(value).split())
    if not _NOTICE.fullmatch(code):
        raise PagoPAError("notice_code_invalid", value=value)
    aux = int(code[0])
    if aux == 1:
        return NoticeCode(code=code, aux_digit=1, iuv=code[1:])
    if code[-2:] != check_digits(code[:-2]):
        raise PagoPAError("notice_check_digits_wrong", value=value)
    if aux == 0:
        return NoticeCode(code=code, aux_digit=0, iuv=code[3:], application_code=code[1:3])
    if aux == 2:
        return NoticeCode(code=code, aux_digit=2, iuv=code[1:])
    if aux == 3:
        return NoticeCode(code=code, aux_digit=3, iuv=code[1:], segregation_code=code[1:3])
    raise PagoPAError("notice_code_invalid", value=value)


def format_notice_code(code: str) -> str:
    """The notice code as printed on a notice: groups of four digits separated by a space, 22
    characters in all [AVVISO, "Rata unica", AVVISO.CODICE].

    >>> format_notice_code("301000000000123468")
    '3010 0000 0000 1234 68'
    """
    digits = parse_notice_code(code).code
    return " ".join(digits[i : i + 4] for i in range(0, 18, 4))


def qr_payload(notice_code: str, tax_code: str, amount_cents: int) -> str:
    """The text of the notice's QR code [AVVISO, "Codice QR"]:
    ``PAGOPA|002|<notice code, 18 digits>|<ente tax code, 11 digits>|<amount in cents>``.

    The amount is written without separators, at least two digits (pagoPA's reader: "2 by
    specs") and at most ten [IO]; pagoPA's own example (``…|9999``) is not zero-padded, so
    neither is this. The QR itself (version 4, error correction M) is drawn by the caller.

    >>> qr_payload("301000000000123468", "01199250158", 2000)
    'PAGOPA|002|301000000000123468|01199250158|2000'
    """
    code = parse_notice_code(notice_code).code
    tax = normalise_tax_code(tax_code)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or not 1 <= amount_cents <= MAX_NOTICE_CENTS:
        raise PagoPAError("amount_out_of_range", cents=amount_cents)
    return f"PAGOPA|002|{code}|{tax}|{amount_cents:02d}"


# ---------------------------------------------------------------- the reporting flow


@dataclass(frozen=True)
class ReportedPayment:
    """One ``datiSingoliPagamenti`` of the flow [SACI-1.3.1 Tabella 4]."""

    iuv: str  # identificativoUnivocoVersamento
    iur: str  # identificativoUnivocoRiscossione: the PSP's reference of this payment
    index: int | None  # indiceDatiSingoloPagamento (optional)
    amount_cents: int  # singoloImportoPagato (negative for a revocation, esito 3)
    outcome: str  # codiceEsitoSingoloPagamento
    outcome_on: date  # dataEsitoSingoloPagamento
    line: int  # where the payment starts in the file


@dataclass(frozen=True)
class ReportingFlow:
    """A reporting flow (*flusso di rendicontazione*), the XML ``FlussoRiversamento``."""

    flow_id: str  # identificativoFlusso
    flow_at: datetime  # dataOraFlusso (as written: naive unless the file gives an offset)
    settlement_ref: str  # identificativoUnivocoRegolamento: the reference of the bank transfer
    settlement_on: date  # dataRegolamento
    sender_id: str  # the PSP: codiceIdentificativoUnivoco of istitutoMittente
    sender_id_type: str  # G (legal person), A (ABI code), B (BIC)
    sender_name: str
    receiver_tax_code: str  # the ente creditore
    receiver_name: str
    declared_count: int
    total_cents: int
    payments: tuple[ReportedPayment, ...] = field(default=())


_AMOUNT = re.compile(r"(-?)([0-9]{1,12})(?:\.([0-9]{1,2}))?", re.ASCII)
_FLOW_ID = re.compile(r"[a-zA-Z0-9\-_]{1,35}", re.ASCII)
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?", re.ASCII)
_COUNT = re.compile(r"([0-9]{1,15})(?:\.0+)?", re.ASCII)


def _cents(text: str, element: str, line: int, *, negative_ok: bool = False) -> int:
    """An XML amount ("12.50") as integer cents, without floats. The schema writes two decimals
    [XSD]; "12", "12.5" are read too (they mean one thing), more decimals are refused."""
    match = _AMOUNT.fullmatch(text)
    if not match or (match.group(1) and not negative_ok):
        raise PagoPAError("amount_invalid", line=line, element=element, value=text)
    cents = int(match.group(2)) * 100 + int((match.group(3) or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise PagoPAError("amount_invalid", line=line, element=element, value=text)
    return -cents if match.group(1) else cents


def _date(text: str, element: str, line: int) -> date:
    match = _DATE.fullmatch(text)
    try:
        if match:
            return date.fromisoformat(match.group(1))
    except ValueError:
        pass
    raise PagoPAError("date_invalid", line=line, element=element, value=text)


def _datetime(text: str, element: str, line: int) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PagoPAError("date_invalid", line=line, element=element, value=text) from None


class _Node:
    """An element with its line; children in order; text stripped."""

    __slots__ = ("children", "line", "name", "namespace", "text")

    def __init__(self, namespace: str, name: str, line: int):
        self.namespace, self.name, self.line = namespace, name, line
        self.children: list[_Node] = []
        self.text = ""

    def all(self, name: str) -> list[_Node]:
        return [c for c in self.children if c.name == name]

    def child(self, name: str, *, required: bool = True) -> _Node | None:
        for c in self.children:
            if c.name == name:
                return c
        if required:
            raise PagoPAError("element_missing", line=self.line, element=name)
        return None

    def value(self, name: str, *, required: bool = True, max_length: int = 140) -> str:
        node = self.child(name, required=required)
        if node is None:
            return ""
        if (required and not node.text) or len(node.text) > max_length:
            raise PagoPAError("value_invalid", line=node.line, element=name, value=node.text)
        return node.text


class _Builder:
    """An ElementTree parser target that builds ``_Node``\\ s and records each one's line from
    the expat parser underneath (``DefusedXMLParser`` is the pure-Python parser, with
    ``.parser`` being expat)."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.texts: list[list[str]] = []

    def start(self, tag: str, attrs: dict) -> None:
        namespace, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        node = _Node(namespace, name, self.parser.parser.CurrentLineNumber if self.parser else 0)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)
        self.texts.append([])

    def data(self, text: str) -> None:
        if self.texts:
            self.texts[-1].append(text)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        node.text = "".join(self.texts.pop()).strip()

    def close(self) -> _Node | None:
        return self.root


def _parse_xml(data: bytes) -> _Node:
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise PagoPAError("xml_forbidden", line=parser.parser.CurrentLineNumber) from None
    except SyntaxError as error:  # xml.etree.ElementTree.ParseError
        line = getattr(error, "position", (None,))[0]
        detail = str(error).split(":")[0]
        raise PagoPAError("xml_malformed", line=line, detail=detail) from None
    if root is None:
        raise PagoPAError("file_empty")
    return root


def parse_reporting_flow(data: bytes | str, *, expected_tax_code: str | None = None) -> ReportingFlow:
    """Read a reporting flow (``FlussoRiversamento``, [SACI-1.3.1 §7], [XSD]).

    Checked: the root element (in pagoPA's namespace or none); every element the schema
    requires; the flow id's characters; dates; amounts (integer cents); that
    ``numeroTotalePagamenti`` equals the payments listed and ``importoTotalePagamenti`` their
    sum [SACI-1.3.1 Tabella 4: "Deve coincidere con la somma"]; and, when
    ``expected_tax_code`` is given, that the flow is addressed to that ente. A DTD or an entity
    is refused (defusedxml). The first problem raises ``PagoPAError`` with its line; nothing is
    returned half-read. Outcomes are kept as written: deciding what they mean is
    ``plan_reconciliation``'s job.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise PagoPAError("file_empty")
    if len(data) > MAX_FLOW_BYTES:
        raise PagoPAError("file_too_large", size=len(data), max=MAX_FLOW_BYTES)
    root = _parse_xml(data)
    if root.name != "FlussoRiversamento" or root.namespace not in ("", FLOW_NAMESPACE):
        found = f"{{{root.namespace}}}{root.name}" if root.namespace else root.name
        raise PagoPAError("root_unexpected", found=found)

    flow_id = root.value("identificativoFlusso", max_length=35)
    if not _FLOW_ID.fullmatch(flow_id):
        node = root.child("identificativoFlusso")
        raise PagoPAError("value_invalid", line=node.line, element="identificativoFlusso", value=flow_id)
    flow_at = _datetime(root.value("dataOraFlusso"), "dataOraFlusso", root.child("dataOraFlusso").line)
    settlement_ref = root.value("identificativoUnivocoRegolamento", max_length=35)
    settlement_on = _date(root.value("dataRegolamento"), "dataRegolamento", root.child("dataRegolamento").line)

    sender = root.child("istitutoMittente")
    sender_key = sender.child("identificativoUnivocoMittente")
    sender_id_type = sender_key.value("tipoIdentificativoUnivoco", max_length=1)
    if sender_id_type not in ("G", "A", "B"):
        node = sender_key.child("tipoIdentificativoUnivoco")
        raise PagoPAError("value_invalid", line=node.line, element="tipoIdentificativoUnivoco", value=sender_id_type)
    sender_id = sender_key.value("codiceIdentificativoUnivoco", max_length=35)
    sender_name = sender.value("denominazioneMittente", required=False, max_length=70)

    receiver = root.child("istitutoRicevente")
    receiver_key = receiver.child("identificativoUnivocoRicevente")
    receiver_tax_code = receiver_key.value("codiceIdentificativoUnivoco", max_length=35)
    receiver_name = receiver.value("denominazioneRicevente", required=False)
    if expected_tax_code is not None and receiver_tax_code != normalise_tax_code(expected_tax_code):
        raise PagoPAError(
            "receiver_mismatch", line=receiver_key.line, found=receiver_tax_code, expected=expected_tax_code
        )

    count_node = root.child("numeroTotalePagamenti")
    count_match = _COUNT.fullmatch(count_node.text)
    if not count_match or int(count_match.group(1)) < 1:
        raise PagoPAError("value_invalid", line=count_node.line, element="numeroTotalePagamenti", value=count_node.text)
    declared_count = int(count_match.group(1))
    total_node = root.child("importoTotalePagamenti")
    total_cents = _cents(total_node.text, "importoTotalePagamenti", total_node.line, negative_ok=True)

    items = root.all("datiSingoliPagamenti")
    if not items:
        raise PagoPAError("element_missing", line=root.line, element="datiSingoliPagamenti")
    if len(items) > MAX_FLOW_PAYMENTS:
        raise PagoPAError("too_many_payments", max=MAX_FLOW_PAYMENTS)
    payments = tuple(_payment(item) for item in items)

    if declared_count != len(payments):
        raise PagoPAError("count_mismatch", line=count_node.line, declared=declared_count, found=len(payments))
    found_total = sum(p.amount_cents for p in payments)
    if total_cents != found_total:
        raise PagoPAError("total_mismatch", line=total_node.line, declared=total_cents, found=found_total)

    return ReportingFlow(
        flow_id=flow_id,
        flow_at=flow_at,
        settlement_ref=settlement_ref,
        settlement_on=settlement_on,
        sender_id=sender_id,
        sender_id_type=sender_id_type,
        sender_name=sender_name,
        receiver_tax_code=receiver_tax_code,
        receiver_name=receiver_name,
        declared_count=declared_count,
        total_cents=total_cents,
        payments=payments,
    )


def _payment(item: _Node) -> ReportedPayment:
    iuv = item.value("identificativoUnivocoVersamento", max_length=35)
    iur = item.value("identificativoUnivocoRiscossione", max_length=35)
    index_node = item.child("indiceDatiSingoloPagamento", required=False)
    index = None
    if index_node is not None:
        if not (index_node.text.isascii() and index_node.text.isdigit() and 1 <= int(index_node.text) <= 5):
            raise PagoPAError(
                "value_invalid", line=index_node.line, element="indiceDatiSingoloPagamento", value=index_node.text
            )
        index = int(index_node.text)
    outcome_node = item.child("codiceEsitoSingoloPagamento")
    outcome = outcome_node.text
    if not (len(outcome) == 1 and outcome.isascii() and outcome.isdigit()):
        raise PagoPAError("value_invalid", line=outcome_node.line, element="codiceEsitoSingoloPagamento", value=outcome)
    amount_node = item.child("singoloImportoPagato")
    amount = _cents(amount_node.text, "singoloImportoPagato", amount_node.line, negative_ok=outcome == REVOKED_OUTCOME)
    if amount == 0:
        # "Deve essere diverso da 0" [SACI-1.3.1 Tabella 4]
        raise PagoPAError(
            "amount_invalid", line=amount_node.line, element="singoloImportoPagato", value=amount_node.text
        )
    outcome_on = _date(
        item.value("dataEsitoSingoloPagamento"),
        "dataEsitoSingoloPagamento",
        item.child("dataEsitoSingoloPagamento").line,
    )
    return ReportedPayment(
        iuv=iuv, iur=iur, index=index, amount_cents=amount, outcome=outcome, outcome_on=outcome_on, line=item.line
    )


# ---------------------------------------------------------------- reconciliation plan


class Action(StrEnum):
    RECEIVE = "receive"  # mark the contribution received with this payment
    SKIP = "skip"  # nothing to write; ``reason`` says why


class Reason(StrEnum):
    ALREADY_RECONCILED = "already_reconciled"  # this (flow, IUV, IUR) was imported before
    DUPLICATE_IN_FLOW = "duplicate_in_flow"  # the same (IUV, IUR) earlier in this file
    REVOKED = "revoked"  # esito 3: a revocation, for the officer to handle
    NOT_PAID = "not_paid"  # an esito that does not mean "paid"
    UNKNOWN_IUV = "unknown_iuv"  # no notice of this city has this IUV
    NOT_PENDING = "not_pending"  # the contribution is no longer waiting (received, refunded…)
    AMOUNT_DIFFERS = "amount_differs"  # received, but not the notice's amount (a note, not a skip)


@dataclass(frozen=True)
class PlannedLine:
    payment: ReportedPayment
    action: Action
    reason: Reason | None = None


def plan_reconciliation(
    flow: ReportingFlow,
    *,
    pending: Mapping[str, int],
    issued: Iterable[str],
    done: Iterable[tuple[str, str]],
) -> list[PlannedLine]:
    """What to do with each payment of ``flow``, in the file's order.

    ``pending``: IUV → the notice's amount in cents, for the city's notices still waiting for
    their money; ``issued``: every IUV the city ever issued (pending or not); ``done``: the
    ``(IUV, IUR)`` pairs already reconciled from this same flow id (a re-imported or re-sent
    flow adds nothing). A paid outcome (``PAID_OUTCOMES``) of a pending IUV is received once;
    the rest is skipped with a reason, so the officer sees every line.
    """
    done_keys = set(done)
    issued_set = set(issued)
    waiting = dict(pending)
    seen: set[tuple[str, str]] = set()
    plan: list[PlannedLine] = []
    for payment in flow.payments:
        key = (payment.iuv, payment.iur)
        if key in done_keys:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.ALREADY_RECONCILED))
        elif key in seen:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.DUPLICATE_IN_FLOW))
        elif payment.outcome == REVOKED_OUTCOME:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.REVOKED))
        elif payment.outcome not in PAID_OUTCOMES:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.NOT_PAID))
        elif payment.iuv in waiting:
            expected = waiting.pop(payment.iuv)
            note = None if payment.amount_cents == expected else Reason.AMOUNT_DIFFERS
            plan.append(PlannedLine(payment, Action.RECEIVE, note))
        elif payment.iuv in issued_set:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.NOT_PENDING))
        else:
            plan.append(PlannedLine(payment, Action.SKIP, Reason.UNKNOWN_IUV))
        seen.add(key)
    return plan
