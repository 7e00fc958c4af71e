"""The instrument advisor: which legal route a contribution takes, why, and what to do next.

Pure Python (no Django). ``evaluate(answers, pack=..., on=...)`` reads a questionnaire and a
jurisdiction's rule pack (``packs.load_pack``) and returns an ``Advice`` as plain data. It never
raises on answers: anything missing, unknown or contradictory gives ``needs_review`` with the
questions to ask; a country without a pack gives ``needs_review`` saying no rules are loaded.

Rules are data, tried in the pack's order; the first rule whose conditions hold and whose
validity covers ``on`` decides. Conditions name questionnaire fields::

    contribution_kind: [money, goods]        # one of
    emergency: true                          # a flag (missing counts as false)
    value_eur: {gt: "@sponsorship_notice_threshold_eur"}   # compared with a dated parameter
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

NEEDS_REVIEW = "needs_review"

CHOICES: dict[str, tuple[str, ...]] = {
    "contribution_kind": ("money", "goods", "services", "works", "volunteer_time", "expertise", "space_use"),
    "return_expected": ("none", "recognition", "visibility", "commercial_rights"),
    "public_asset": (
        "none",
        "municipal_asset_used",
        "private_asset_lent",
        "cultural_heritage",
        "unused_public_building",
    ),
    "counterpart": ("company", "third_sector", "citizens", "public_body", "mixed"),
    "beneficiary": ("municipality", "third_sector_entity", "fund", "state_school"),
    #: who receives, asked plainly (optional): it fills ``beneficiary`` and decides the parties
    "recipient": ("city", "state_school", "third_sector_body", "fund"),
}
#: the recipient as the rules' ``beneficiary``
RECIPIENT_BENEFICIARY = {
    "city": "municipality",
    "state_school": "state_school",
    "third_sector_body": "third_sector_entity",
    "fund": "fund",
}
NUMBERS = ("duration_months", "value_eur")
FLAGS = (
    "emergency",
    "care_of_commons",
    "revenue_generating",
    "multi_party",
    "returnable",
    "social_enterprise",  # a third-sector counterpart that is an impresa sociale (excluded by art. 71 c.2 CTS)
    "food_or_medicine",  # the goods are food or medicines (L. 166/2016 in Italy)
)
#: context that is not part of the instrument choice but feeds the warnings
CONTEXT = ("giver_activities", "open_procurement_same_office")
REQUIRED = (*(name for name in CHOICES if name != "recipient"), *NUMBERS)
FIELDS = (*CHOICES, *NUMBERS, *FLAGS, *CONTEXT)

#: the Italian instruments (the city's agreement drafts cover each of them)
ITALIAN_INSTRUMENTS = (
    "sponsorship",
    "technical_sponsorship",
    "donation",
    "art_bonus_donation",
    "social_bonus_donation",
    "loan_for_use",
    "concession",
    "collaboration_agreement",
    "coproduction_agreement",
    "partnership_agreement",
    "ppp_concession",
    "collaboration_pact",
    "third_sector_codesign",
    "fund_donation",
)
INSTRUMENTS = (
    *ITALIAN_INSTRUMENTS,
    "mecenat",
    "mecenat_competences",
    "parrainage",
    "convention_partenariat",
    "pret_a_usage",
    "occupation_domaine_public",
    "mecenazgo",
    "patrocinio",
    "convenio_colaboracion",
    "mecenato",
)

Text = dict[str, str]  # {"it": ..., "en": ..., "fr": ...}


@dataclass
class Step:
    code: str
    label: Text
    days: int | None
    starts_on: str | None
    due_on: str | None
    blocks_agreement: bool = False
    uncertain: bool = False


@dataclass
class Advice:
    recommended: str
    jurisdiction: str
    pack_version: str
    on: str
    rule: str = ""
    explanation: Text = field(default_factory=dict)
    alternatives: list[dict] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)
    legal_basis: list[dict] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    documents: list[Text] = field(default_factory=list)
    approver: Text = field(default_factory=dict)
    tax_notes: list[Text] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    no_rules_loaded: bool = False
    #: who signs or takes part, and in which role: [{"role": "giver", "text": {...}}, ...]
    parties: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def blocking_until(self) -> str | None:
        """The last day a blocking step (e.g. the public notice) runs, if any."""
        ends = [s.due_on for s in self.steps if s.blocks_agreement and s.due_on]
        return max(ends) if ends else None


# ---------------------------------------------------------------------------------------------
# answers


def clean_answers(raw: Any) -> tuple[dict, dict[str, str]]:
    """Keep the known fields with valid values; return (answers, problems by field)."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    if not isinstance(raw, dict):
        return answers, {"answers": "not an object"}
    for name, allowed in CHOICES.items():
        value = raw.get(name)
        if value in (None, ""):
            continue
        if value in allowed:
            answers[name] = value
        else:
            problems[name] = f"must be one of: {', '.join(allowed)}"
    for name in NUMBERS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
            problems[name] = "must be a number of zero or more"
        elif value > 10**12:
            problems[name] = "is too large"
        else:
            answers[name] = value
    for name in FLAGS:
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, bool):
            answers[name] = value
        else:
            problems[name] = "must be true or false"
    recipient = answers.get("recipient")
    if recipient:
        derived = RECIPIENT_BENEFICIARY[recipient]
        if answers.get("beneficiary", derived) != derived:
            problems["recipient"] = "disagrees with beneficiary"
        else:
            answers["beneficiary"] = derived
    activities = raw.get("giver_activities")
    if activities not in (None, ""):
        if isinstance(activities, (list, tuple)) and all(isinstance(a, str) for a in activities):
            answers["giver_activities"] = sorted(set(activities))
        else:
            problems["giver_activities"] = "must be a list of codes"
    procurement = raw.get("open_procurement_same_office")
    if procurement is not None:
        if isinstance(procurement, bool):
            answers["open_procurement_same_office"] = procurement
        else:
            problems["open_procurement_same_office"] = "must be true or false"
    return answers, problems


# ---------------------------------------------------------------------------------------------
# dated parameters and conditions


def _iso(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def valid_on(record: dict, on: date) -> bool:
    start, end = _iso(record.get("valid_from")), _iso(record.get("valid_to"))
    return (start is None or start <= on) and (end is None or on <= end)


def parameter(pack: dict, name: str, on: date) -> dict | None:
    """The record of a dated parameter (threshold, rate) in force on ``on``."""
    for record in pack.get("parameters", {}).get(name, []):
        if valid_on(record, on):
            return record
    return None


class MissingParameter(Exception):
    pass


def _resolve(pack: dict, value, on: date):
    if isinstance(value, str) and value.startswith("@"):
        record = parameter(pack, value[1:], on)
        if record is None:
            raise MissingParameter(value[1:])
        return record["value"]
    return value


COMPARE = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def failing(conditions: dict, answers: dict, pack: dict, on: date) -> list[str]:
    """The fields whose condition does not hold (missing answers fail their condition)."""
    out = []
    for name, expected in (conditions or {}).items():
        value = answers.get(name)
        if name in FLAGS:
            if bool(value) != bool(expected):
                out.append(name)
        elif isinstance(expected, dict):
            if value is None:
                out.append(name)
                continue
            if not all(COMPARE[op](value, _resolve(pack, bound, on)) for op, bound in expected.items()):
                out.append(name)
        elif value not in expected:
            out.append(name)
    return out


def _parameters_used(conditions: dict) -> list[str]:
    names = []
    for expected in (conditions or {}).values():
        if isinstance(expected, dict):
            names += [b[1:] for b in expected.values() if isinstance(b, str) and b.startswith("@")]
    return names


# ---------------------------------------------------------------------------------------------
# the evaluator


def evaluate(
    raw_answers: Any, *, pack: dict | None, on: date, common: dict, exclusions=None, authority: str = ""
) -> Advice:
    """Advise on one questionnaire. ``common`` holds the questions (packs.load_common());
    ``exclusions`` the city's list of excluded activities (None = the pack's default);
    ``authority`` the kind of local authority when it changes who approves (e.g. "epci")."""
    answers, problems = clean_answers(raw_answers)
    questions_text = common["questions"]
    if pack is None:
        return Advice(
            recommended=NEEDS_REVIEW,
            jurisdiction="",
            pack_version="",
            on=on.isoformat(),
            no_rules_loaded=True,
            explanation=common["no_rules"],
            questions=[{"field": "", "code": q["code"], "text": q["text"]} for q in common["lawyer_questions"]],
        )
    base = {"jurisdiction": pack["jurisdiction"], "pack_version": pack["version"], "on": on.isoformat()}

    def review(questions: list[dict], explanation: Text, rule: str = "") -> Advice:
        seen, unique = set(), []
        for q in questions:
            if q["code"] not in seen:
                seen.add(q["code"])
                unique.append(q)
        if not unique:
            unique = [{"field": "", "code": "describe", "text": questions_text["describe"]}]
        return Advice(recommended=NEEDS_REVIEW, explanation=explanation, rule=rule, questions=unique, **base)

    def ask(name: str, code: str | None = None) -> dict:
        code = code or name
        return {"field": name, "code": code, "text": questions_text[code]}

    if problems:
        return review([ask(name) for name in problems if name in questions_text], common["invalid"])
    missing = [name for name in REQUIRED if name not in answers]
    if missing:
        return review([ask(name) for name in missing], common["incomplete"])
    contradictions = [c for c in common["contradictions"] if not failing(c["when"], answers, pack, on)]
    if contradictions:
        return review(
            [{"field": c["field"], "code": c["id"], "text": c["question"]} for c in contradictions],
            contradictions[0]["explanation"],
            rule=contradictions[0]["id"],
        )

    rules = [r for r in pack["rules"] if valid_on(r, on)]
    chosen = None
    for rule in rules:
        try:
            if not failing(rule["when"], answers, pack, on):
                chosen = rule
                break
        except MissingParameter as exc:
            return review([], {k: f"{v} ({exc.args[0]})" for k, v in common["no_parameter"].items()}, rule=rule["id"])
    if chosen is None:
        near = []
        for rule in rules:
            try:
                misses = failing(rule["when"], answers, pack, on)
            except MissingParameter:
                continue
            if len(misses) == 1 and misses[0] in questions_text:
                near.append(ask(misses[0]))
        return review(near or [ask("describe", "describe")], common["no_rule"])
    if chosen.get("review"):
        return review([ask(q) for q in chosen.get("questions", [])], chosen["explanation"], rule=chosen["id"])

    instrument = pack["instruments"][chosen["instrument"]]

    def part(key, default=None):
        """A part of the advice: the rule's own (it knows who receives) before the instrument's."""
        return chosen[key] if key in chosen else instrument.get(key, default)

    approver = part("approver")
    approvers = {**instrument.get("approvers", {}), **chosen.get("approvers", {})}
    if authority and authority in approvers:  # e.g. a French EPCI: its council or president
        approver = approvers[authority]
    advice = Advice(
        recommended=chosen["instrument"],
        rule=chosen["id"],
        explanation=chosen["explanation"],
        reasons=[
            {
                "rule": chosen["id"],
                "source": chosen["source"],
                "url": chosen.get("url", ""),
                "valid_from": _iso(chosen["valid_from"]).isoformat(),
                "valid_to": _iso(chosen["valid_to"]).isoformat() if chosen.get("valid_to") else None,
                "explanation": chosen["explanation"],
            },
            *[
                {"rule": name, "source": parameter(pack, name, on)["source"], "explanation": {}}
                for name in _parameters_used(chosen["when"])
            ],
        ],
        legal_basis=[
            {k: v for k, v in ref.items() if k in ("ref", "url")}
            for ref in part("legal_basis", [])
            if _applies(ref, answers, pack, on)
        ],
        documents=[_text_of(d) for d in part("documents", []) if _applies(d, answers, pack, on)],
        approver=approver,
        parties=_parties(chosen, instrument, answers, common),
        alternatives=[
            {"instrument": alt["instrument"], "why_not": _fill(alt["why_not"], pack, on)}
            for alt in chosen.get("alternatives", [])
        ],
        **base,
    )
    advice.steps = _steps(part("steps", []), answers, pack, on)
    advice.tax_notes = [
        _fill(note["text"], pack, on) for note in part("tax_notes", []) if _applies(note, answers, pack, on)
    ]
    advice.warnings = _warnings(chosen, instrument, answers, pack, on, common, exclusions)
    return advice


def _applies(item: dict, answers: dict, pack: dict, on: date) -> bool:
    """A dated, conditional item (legal basis, tax note, document): in force on ``on`` and its
    ``when`` holds. Plain texts without dates always apply."""
    if not isinstance(item, dict):
        return True
    if ("valid_from" in item or "valid_to" in item) and not valid_on(item, on):
        return False
    return not (item.get("when") and failing(item["when"], answers, pack, on))


def _text_of(item: dict) -> dict:
    """The {language: text} of a part, without its dates and conditions."""
    if "text" in item and isinstance(item["text"], dict):
        return item["text"]
    return {lang: text for lang, text in item.items() if isinstance(text, str)}


def _parties(rule: dict, instrument: dict, answers: dict, common: dict) -> list[dict]:
    """Who takes part: the rule's list, else the instrument's, else the giver and who receives."""
    listed = rule.get("parties") or instrument.get("parties")
    if listed:
        return [{"role": p["role"], "text": p["text"]} for p in listed]
    roles = common["parties"]
    receiver = answers.get("beneficiary", "municipality")
    return [{"role": "giver", "text": roles["giver"]}, {"role": receiver, "text": roles[receiver]}]


def _fill(text: Text, pack: dict, on: date) -> Text:
    """Put the parameters in force on ``on`` into a text: "{art_bonus_rate}" → "65"."""
    values = {}
    for name in pack.get("parameters", {}):
        record = parameter(pack, name, on)
        if record is not None:
            value = record["value"]
            values[name] = f"{value:,}".replace(",", " ") if isinstance(value, int) and value >= 10000 else value
    return {lang: s.format_map(_Missing(values)) for lang, s in text.items()}


class _Missing(dict):
    """A parameter with no record in force on the date shows as such, never as a guess."""

    def __missing__(self, key):
        return f"[{key}: no value in force on this date, check]"


def _steps(specs: list[dict], answers: dict, pack: dict, on: date) -> list[Step]:
    steps, cursor = [], on
    for spec in specs:
        if not _applies(spec, answers, pack, on):
            continue
        days = _resolve(pack, spec.get("days"), on)
        starts = cursor
        due = None
        if days is not None:
            due = starts + timedelta(days=int(days))
            cursor = due
        steps.append(
            Step(
                code=spec["code"],
                label=_fill(spec["label"], pack, on),
                days=int(days) if days is not None else None,
                starts_on=starts.isoformat(),
                due_on=due.isoformat() if due else None,
                blocks_agreement=bool(spec.get("blocks_agreement")),
                uncertain=bool(spec.get("uncertain")),
            )
        )
    return steps


def _warnings(rule, instrument, answers, pack, on, common, exclusions) -> list[dict]:
    out = []
    for text in rule.get("uncertain", instrument.get("uncertain", [])):
        if _applies(text, answers, pack, on):
            out.append({"code": "check_with_legal_office", "blocking": False, "text": _fill(_text_of(text), pack, on)})
    for warning in rule.get("warnings", []):
        out.append({"code": warning["code"], "blocking": False, "text": _fill(warning["text"], pack, on)})
    excluded = pack.get("default_exclusions", []) if exclusions is None else exclusions
    labels = common["exclusions"]
    hits = sorted(set(answers.get("giver_activities", [])) & set(excluded))
    if hits:
        out.append(
            {
                "code": "excluded_activity",
                "blocking": instrument.get("excludes_activities", False),
                "activities": hits,
                "text": {
                    lang: text + " " + ", ".join(labels.get(h, {}).get(lang, h) for h in hits)
                    for lang, text in common["excluded"].items()
                },
            }
        )
    if answers.get("open_procurement_same_office"):
        out.append({"code": "conflict_of_interest", "blocking": False, "text": common["conflict"]})
    return out


def describe_instrument(pack: dict, code: str, on: date) -> dict:
    """An instrument card as of ``on``: dated parameters filled into its steps and notes."""
    spec = pack["instruments"][code]
    steps = []
    for step in spec.get("steps", []):
        try:
            days = _resolve(pack, step.get("days"), on)
        except MissingParameter:
            days = None
        steps.append({"label": _fill(step["label"], pack, on), "days": days, "conditional": bool(step.get("when"))})

    def dated(item):
        return not isinstance(item, dict) or not ("valid_from" in item or "valid_to" in item) or valid_on(item, on)

    return {
        **spec,
        "steps": steps,
        "legal_basis": [ref for ref in spec.get("legal_basis", []) if dated(ref)],
        "documents": [_text_of(d) for d in spec.get("documents", []) if dated(d)],
        "uncertain": [_fill(_text_of(u), pack, on) for u in spec.get("uncertain", []) if dated(u)],
        "tax_notes": [{"text": _fill(note["text"], pack, on)} for note in spec.get("tax_notes", []) if dated(note)],
    }
