"""Rule packs: one YAML file per jurisdiction (it, fr, es, pt) plus common.yaml.

Pure Python. ``load_pack(country)`` returns a validated pack or None when no rules are loaded for
that country (the advisor then says so and never guesses). A malformed pack raises ``PackError``
listing every problem, so a bad edit fails loudly at start-up and in the tests.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import yaml

from ..advisor import CHOICES, FIELDS, FLAGS, INSTRUMENTS, NUMBERS

HERE = Path(__file__).resolve().parent
LANGUAGES = ("it", "en", "fr")
COMPARISONS = {"gt", "gte", "lt", "lte"}


class PackError(ValueError):
    pass


def available() -> list[str]:
    """The ISO codes of the countries with a pack."""
    return sorted(p.stem.upper() for p in HERE.glob("*.yaml") if p.stem != "common")


@functools.cache
def load_common() -> dict:
    data = _read(HERE / "common.yaml")
    problems: list[str] = []
    for name in (*FIELDS, "describe"):
        _text(data.get("questions", {}).get(name), f"questions.{name}", problems)
    for key in ("incomplete", "invalid", "no_rule", "no_parameter", "no_rules", "excluded", "conflict"):
        _text(data.get(key), key, problems)
    for i, c in enumerate(data.get("contradictions", [])):
        where = f"contradictions[{i}] {c.get('id', '?')}"
        _conditions(c.get("when"), where, problems, parameters={})
        _text(c.get("question"), f"{where}.question", problems)
        _text(c.get("explanation"), f"{where}.explanation", problems)
    for role in ("giver", *CHOICES["beneficiary"]):
        _text(data.get("parties", {}).get(role), f"parties.{role}", problems)
    for code, label in data.get("exclusions", {}).items():
        _text(label, f"exclusions.{code}", problems)
    for q in data.get("lawyer_questions", []):
        _text(q.get("text"), f"lawyer_questions.{q.get('code')}", problems)
    if problems:
        raise PackError("common.yaml: " + "; ".join(problems))
    return data


@functools.cache
def load_pack(country: str) -> dict | None:
    path = HERE / f"{country.lower()}.yaml"
    if not country or not country.isalpha() or not path.exists():
        return None
    return validate(_read(path), name=path.name)


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path.name}: a pack is a mapping")
    return data


def validate(data: dict, *, name: str = "pack") -> dict:
    """Check a pack's shape; raise PackError with every problem found."""
    problems: list[str] = []
    for key in ("jurisdiction", "version", "instruments", "rules"):
        if key not in data:
            problems.append(f"missing '{key}'")
    if problems:
        raise PackError(f"{name}: " + "; ".join(problems))
    parameters = data.get("parameters") or {}
    for pname, records in parameters.items():
        if not isinstance(records, list) or not records:
            problems.append(f"parameter {pname}: a list of dated records")
            continue
        for record in records:
            if "value" not in record or not str(record.get("source") or "").strip():
                problems.append(f"parameter {pname}: each record needs a value and a source")
            _dates(record, f"parameter {pname}", problems)
    codes = set(data["instruments"])
    for code, spec in data["instruments"].items():
        where = f"instrument {code}"
        if code not in INSTRUMENTS:
            problems.append(f"{where}: unknown instrument code")
        for key in ("names", "what", "when", "approver"):
            _text(spec.get(key), f"{where}.{key}", problems)
        if not spec.get("legal_basis"):
            problems.append(f"{where}: no legal basis")
        _parts(spec, where, problems, parameters)
    ids = set()
    for i, rule in enumerate(data["rules"]):
        rid = rule.get("id") or f"rules[{i}]"
        if rid in ids:
            problems.append(f"rule {rid}: duplicate id")
        ids.add(rid)
        if not str(rule.get("source") or "").strip():
            problems.append(f"rule {rid}: no legal source")
        _dates(rule, f"rule {rid}", problems)
        _text(rule.get("explanation"), f"rule {rid}.explanation", problems)
        _conditions(rule.get("when"), f"rule {rid}", problems, parameters)
        if "approver" in rule:
            _text(rule["approver"], f"rule {rid}.approver", problems)
        if "legal_basis" in rule and not rule["legal_basis"]:
            problems.append(f"rule {rid}: an empty legal basis")
        _parts(rule, f"rule {rid}", problems, parameters)
        if rule.get("review"):
            for q in rule.get("questions", []):
                if q not in (*FIELDS, "describe"):
                    problems.append(f"rule {rid}: unknown question {q}")
        elif rule.get("instrument") not in codes:
            problems.append(f"rule {rid}: instrument {rule.get('instrument')!r} is not in this pack")
        for alt in rule.get("alternatives", []):
            if alt.get("instrument") not in INSTRUMENTS:
                problems.append(f"rule {rid}: unknown alternative {alt.get('instrument')!r}")
            _text(alt.get("why_not"), f"rule {rid}.alternatives", problems)
    if problems:
        raise PackError(f"{name}: " + "; ".join(problems))
    return data


def _parts(spec: dict, where: str, problems: list[str], parameters: dict) -> None:
    """The parts an instrument has, and a rule may override: legal basis, documents, steps, tax
    notes, uncertain points, parties, approvers by kind of authority. Items may be dated
    (valid_from/valid_to) and conditional (when)."""
    for ref in spec.get("legal_basis", []):
        if not isinstance(ref, dict) or not ref.get("ref"):
            problems.append(f"{where}.legal_basis: each item needs a ref")
            continue
        _item(ref, f"{where}.legal_basis {ref['ref']}", problems, parameters)
    for doc in spec.get("documents", []):
        _text(doc.get("text", doc) if isinstance(doc, dict) else doc, f"{where}.documents", problems)
        if isinstance(doc, dict):
            _item(doc, f"{where}.documents", problems, parameters)
    for step in spec.get("steps", []):
        _text(step.get("label"), f"{where}.steps.{step.get('code')}", problems)
        _item(step, f"{where}.steps.{step.get('code')}", problems, parameters)
        days = step.get("days")
        if isinstance(days, str):
            if not days.startswith("@") or days[1:] not in parameters:
                problems.append(f"{where}.steps.{step.get('code')}: unknown parameter {days}")
        elif days is not None and (not isinstance(days, int) or days < 0):
            problems.append(f"{where}.steps.{step.get('code')}: days must be a whole number")
    for note in spec.get("tax_notes", []):
        _text(note.get("text"), f"{where}.tax_notes", problems)
        _item(note, f"{where}.tax_notes", problems, parameters)
    for text in spec.get("uncertain", []):
        _text(text.get("text", text) if isinstance(text, dict) else text, f"{where}.uncertain", problems)
        if isinstance(text, dict):
            _item(text, f"{where}.uncertain", problems, parameters)
    for party in spec.get("parties", []) or []:
        if not party.get("role"):
            problems.append(f"{where}.parties: each party needs a role")
        _text(party.get("text"), f"{where}.parties.{party.get('role')}", problems)
    for kind, text in (spec.get("approvers") or {}).items():
        _text(text, f"{where}.approvers.{kind}", problems)


def _item(item: dict, where: str, problems: list[str], parameters: dict) -> None:
    """An optional validity window and condition on a part."""
    if "valid_from" in item or "valid_to" in item:
        _dates({"valid_to": None, **item}, where, problems)
    _conditions(item.get("when"), where, problems, parameters)


def _text(value, where: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang] for lang in LANGUAGES
    ):
        problems.append(f"{where}: needs a text in {', '.join(LANGUAGES)}")


def _dates(record: dict, where: str, problems: list[str]) -> None:
    if "valid_from" not in record or "valid_to" not in record:
        problems.append(f"{where}: needs valid_from and valid_to (null for open-ended)")
        return
    bounds = []
    for key in ("valid_from", "valid_to"):
        value = record[key]
        if value is None:
            bounds.append(None)
        elif isinstance(value, date):
            bounds.append(value)
        else:
            problems.append(f"{where}: {key} must be a date (YYYY-MM-DD)")
            return
    if bounds[0] is None:
        problems.append(f"{where}: valid_from is required")
    elif bounds[1] is not None and bounds[1] < bounds[0]:
        problems.append(f"{where}: valid_to is before valid_from")


def _conditions(conditions, where: str, problems: list[str], parameters: dict) -> None:
    if conditions is None:
        return
    if not isinstance(conditions, dict):
        problems.append(f"{where}: conditions must be a mapping")
        return
    for field, expected in conditions.items():
        if field in CHOICES:
            if not isinstance(expected, list) or not set(expected) <= set(CHOICES[field]):
                problems.append(f"{where}: {field} must list values among {', '.join(CHOICES[field])}")
        elif field in FLAGS:
            if not isinstance(expected, bool):
                problems.append(f"{where}: {field} must be true or false")
        elif field in NUMBERS:
            if not isinstance(expected, dict) or not set(expected) <= COMPARISONS:
                problems.append(f"{where}: {field} takes gt/gte/lt/lte")
                continue
            for bound in expected.values():
                if isinstance(bound, str) and (not bound.startswith("@") or bound[1:] not in parameters):
                    problems.append(f"{where}: unknown parameter {bound}")
                elif not isinstance(bound, (str, int, float)):
                    problems.append(f"{where}: a bound is a number or @parameter")
        else:
            problems.append(f"{where}: unknown field {field}")
