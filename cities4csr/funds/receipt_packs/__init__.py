"""What a donation receipt must show, per country: dated legal rules as data (as the instrument
packs are, ADR 0007), one YAML file per country (``it.yaml``, ``fr.yaml``).

Pure Python. ``load_pack(country)`` returns a validated pack or None where no receipt rules are
loaded (the receipt then shows the gift's facts and says to check with the legal office);
``receipt_rules(pack, on=…, donor=…, channel=…)`` picks what applies to one gift: the fields to
show, the legal bases in force on the day the money arrived, the statements and the receipt model
for that kind of donor, and whether the way it was paid keeps a tax benefit. Every item carries
its source; an item with ``uncertain`` is printed with "check with your legal office" beside it.
A malformed pack raises ``PackError`` listing every problem.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LANGUAGES = ("it", "en", "fr")
#: the kinds of donor a rule may be limited to: a person, or an organisation (company,
#: association, foundation)
DONORS = ("individual", "organisation")
#: the data a receipt can show, in the order a pack lists them (the renderer knows each)
FIELDS = (
    "number",
    "donor_name",
    "donor_tax_id",
    "donor_address",
    "amount",
    "received_on",
    "channel",
    "gift_form",
    "gift_nature",
    "beneficiary",
    "beneficiary_tax_code",
    "beneficiary_address",
    "purpose",
    "act",
    "ledger",
    "signature",
)
CHANNELS = ("bank_transfer", "card", "pagopa", "offline")


class PackError(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    """One part of a receipt's rules: a field to show, a legal basis, a statement, a model."""

    code: str = ""
    ref: str = ""
    text: dict = field(default_factory=dict)  # {language: text}, may hold "{beneficiary}"
    source: str = ""
    required: bool = False
    uncertain: dict = field(default_factory=dict)  # {language: why}, empty when settled
    #: an amount printed between asterisks (France: then it need not be written in words)
    framed: bool = False


@dataclass(frozen=True)
class ReceiptRules:
    jurisdiction: str
    version: str
    title: dict
    fields: tuple[Item, ...]
    legal_basis: tuple[Item, ...]
    statements: tuple[Item, ...]
    models: tuple[Item, ...]
    #: False when the way it was paid gives no tax benefit or may not (cash, or unknown)
    traceable: bool
    traceable_source: str
    #: why, when the channel's traceability is unknown (an officer's recorded gift)
    payment_note: dict

    def field(self, code: str) -> Item | None:
        return next((item for item in self.fields if item.code == code), None)

    @property
    def uncertain(self) -> bool:
        parts = (*self.fields, *self.legal_basis, *self.statements, *self.models)
        return bool(self.payment_note) or any(item.uncertain for item in parts)


def available() -> list[str]:
    return sorted(p.stem.upper() for p in HERE.glob("*.yaml"))


@functools.cache
def load_pack(country: str) -> dict | None:
    if not country or not country.isalpha():
        return None
    path = HERE / f"{country.lower()}.yaml"
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path.name}: not valid YAML: {exc}") from None
    return validate(data, name=path.name)


def validate(data, *, name: str = "pack") -> dict:
    """Check a pack's shape; raise PackError with every problem found."""
    if not isinstance(data, dict):
        raise PackError(f"{name}: a pack is a mapping")
    problems: list[str] = []
    for key in ("jurisdiction", "version", "title", "fields", "legal_basis"):
        if key not in data:
            problems.append(f"missing '{key}'")
    if problems:
        raise PackError(f"{name}: " + "; ".join(problems))
    _text(data["title"], "title", problems)
    seen = set()
    for spec in data["fields"]:
        code = spec.get("code")
        where = f"fields.{code}"
        if code not in FIELDS:
            problems.append(f"{where}: unknown field (known: {', '.join(FIELDS)})")
        if code in seen:
            problems.append(f"{where}: listed twice")
        seen.add(code)
        if not isinstance(spec.get("required"), bool):
            problems.append(f"{where}: required must be true or false")
        if "framed" in spec and (code != "amount" or not isinstance(spec["framed"], bool)):
            problems.append(f"{where}: only the amount is framed, true or false")
        _common(spec, where, problems, dated=False)
    for key in ("legal_basis", "statements", "models"):
        for i, spec in enumerate(data.get(key) or []):
            where = f"{key}[{i}] {spec.get('ref', '')}".rstrip()
            _text(spec.get("text"), f"{where}.text", problems)
            if key != "statements" and not spec.get("ref"):
                problems.append(f"{where}: needs a ref")
            _common(spec, where, problems, dated=key != "statements")
    traceable = data.get("traceable_channels")
    if traceable is not None:
        channels = traceable.get("channels")
        if not isinstance(channels, list) or not set(channels) <= set(CHANNELS):
            problems.append(f"traceable_channels: channels among {', '.join(CHANNELS)}")
        if not str(traceable.get("source") or "").strip():
            problems.append("traceable_channels: no source")
        if set(CHANNELS) - set(channels or []):
            _text(traceable.get("unknown"), "traceable_channels.unknown", problems)
    if problems:
        raise PackError(f"{name}: " + "; ".join(problems))
    return data


def _common(spec: dict, where: str, problems: list[str], *, dated: bool) -> None:
    if not str(spec.get("source") or spec.get("ref") or "").strip():
        problems.append(f"{where}: no source")
    donors = spec.get("donors")
    if donors is not None and (not isinstance(donors, list) or not donors or not set(donors) <= set(DONORS)):
        problems.append(f"{where}: donors among {', '.join(DONORS)}")
    if "uncertain" in spec:
        _text(spec["uncertain"], f"{where}.uncertain", problems)
    if dated or "valid_from" in spec or "valid_to" in spec:
        _dates(spec, where, problems)


def _text(value, where: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang] for lang in LANGUAGES
    ):
        problems.append(f"{where}: needs a text in {', '.join(LANGUAGES)}")


def _dates(spec: dict, where: str, problems: list[str]) -> None:
    if "valid_from" not in spec or "valid_to" not in spec:
        problems.append(f"{where}: needs valid_from and valid_to (null for open-ended)")
        return
    start, end = spec["valid_from"], spec["valid_to"]
    if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
        problems.append(f"{where}: valid_from and valid_to are dates (YYYY-MM-DD)")
    elif end is not None and end < start:
        problems.append(f"{where}: valid_to is before valid_from")


def _applies(spec: dict, *, on: date, donor: str) -> bool:
    if spec.get("donors") and donor not in spec["donors"]:
        return False
    start, end = spec.get("valid_from"), spec.get("valid_to")
    return (start is None or start <= on) and (end is None or on <= end)


def _item(spec: dict) -> Item:
    return Item(
        code=spec.get("code", ""),
        ref=spec.get("ref", ""),
        text=dict(spec.get("text") or {}),
        source=str(spec.get("source") or spec.get("ref") or ""),
        required=bool(spec.get("required")),
        uncertain=dict(spec.get("uncertain") or {}),
        framed=bool(spec.get("framed")),
    )


def receipt_rules(pack: dict, *, on: date, donor: str, channel: str) -> ReceiptRules:
    """What a receipt shows for a gift of ``donor`` ("individual" or "organisation") received
    ``on`` that day by ``channel``."""
    if donor not in DONORS:
        raise ValueError(f"donor is one of {DONORS}")

    def pick(key: str) -> tuple[Item, ...]:
        return tuple(_item(spec) for spec in pack.get(key) or [] if _applies(spec, on=on, donor=donor))

    traceable = pack.get("traceable_channels") or {}
    channels = traceable.get("channels") or []
    paid_traceably = channel in channels
    return ReceiptRules(
        jurisdiction=pack["jurisdiction"],
        version=str(pack["version"]),
        title=dict(pack["title"]),
        fields=pick("fields"),
        legal_basis=pick("legal_basis"),
        statements=pick("statements"),
        models=pick("models"),
        traceable=paid_traceably,
        traceable_source=str(traceable.get("source") or ""),
        payment_note={} if paid_traceably else dict(traceable.get("unknown") or {}),
    )
