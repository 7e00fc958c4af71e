"""The UN Sustainable Development Goals and their targets, with the official codes. Pure Python.

Codes follow the UN Statistics Division's global indicator framework: goal "11", target
"11.7" or "11.a". Each goal has numbered targets and lettered means-of-implementation
targets; the counts below give the 169 targets of the 2015 framework (version 2015, as
refined through the 2025 comprehensive review, which changed indicators, not targets).
"""

import json
from pathlib import Path

FRAMEWORK = "UN-SDG"
VERSION = "2015"

# goal: (numbered targets, lettered targets)
_TARGET_COUNTS = {
    1: (5, 2), 2: (5, 3), 3: (9, 4), 4: (7, 3), 5: (6, 3), 6: (6, 2), 7: (3, 2), 8: (10, 2), 9: (5, 3),
    10: (7, 3), 11: (7, 3), 12: (8, 3), 13: (3, 2), 14: (7, 3), 15: (9, 3), 16: (10, 2), 17: (19, 0),
}  # fmt: skip

GOALS = {
    1: {"en": "No poverty", "it": "Sconfiggere la povertà", "fr": "Pas de pauvreté"},
    2: {"en": "Zero hunger", "it": "Sconfiggere la fame", "fr": "Faim « zéro »"},
    3: {"en": "Good health and well-being", "it": "Salute e benessere", "fr": "Bonne santé et bien-être"},
    4: {"en": "Quality education", "it": "Istruzione di qualità", "fr": "Éducation de qualité"},
    5: {"en": "Gender equality", "it": "Parità di genere", "fr": "Égalité entre les sexes"},
    6: {
        "en": "Clean water and sanitation",
        "it": "Acqua pulita e servizi igienico-sanitari",
        "fr": "Eau propre et assainissement",
    },
    7: {
        "en": "Affordable and clean energy",
        "it": "Energia pulita e accessibile",
        "fr": "Énergie propre et d'un coût abordable",
    },
    8: {
        "en": "Decent work and economic growth",
        "it": "Lavoro dignitoso e crescita economica",
        "fr": "Travail décent et croissance économique",
    },
    9: {
        "en": "Industry, innovation and infrastructure",
        "it": "Imprese, innovazione e infrastrutture",
        "fr": "Industrie, innovation et infrastructure",
    },
    10: {"en": "Reduced inequalities", "it": "Ridurre le disuguaglianze", "fr": "Inégalités réduites"},
    11: {
        "en": "Sustainable cities and communities",
        "it": "Città e comunità sostenibili",
        "fr": "Villes et communautés durables",
    },
    12: {
        "en": "Responsible consumption and production",
        "it": "Consumo e produzione responsabili",
        "fr": "Consommation et production responsables",
    },
    13: {
        "en": "Climate action",
        "it": "Lotta contro il cambiamento climatico",
        "fr": "Mesures relatives à la lutte contre les changements climatiques",
    },
    14: {"en": "Life below water", "it": "Vita sott'acqua", "fr": "Vie aquatique"},
    15: {"en": "Life on land", "it": "Vita sulla terra", "fr": "Vie terrestre"},
    16: {
        "en": "Peace, justice and strong institutions",
        "it": "Pace, giustizia e istituzioni solide",
        "fr": "Paix, justice et institutions efficaces",
    },
    17: {
        "en": "Partnerships for the goals",
        "it": "Partnership per gli obiettivi",
        "fr": "Partenariats pour la réalisation des objectifs",
    },
}


def _targets() -> list[str]:
    codes = []
    for goal, (numbered, lettered) in _TARGET_COUNTS.items():
        codes += [f"{goal}.{n}" for n in range(1, numbered + 1)]
        codes += [f"{goal}.{chr(ord('a') + n)}" for n in range(lettered)]
    return codes


TARGETS = tuple(_targets())
CODES = frozenset([str(goal) for goal in GOALS] + list(TARGETS))


def goal_of(code: str) -> int:
    return int(code.split(".")[0])


class CodeError(ValueError):
    """Codes refused: ``unknown`` lists them (empty when the codes were not a list). Callers
    word it for people (``needs.services.sdg_problem``)."""

    def __init__(self, message: str, unknown=()):
        super().__init__(message)
        self.unknown = list(unknown)


def validate_codes(codes) -> list[str]:
    """The codes, deduplicated and in official order; CodeError names any unknown code."""
    if not isinstance(codes, list | tuple):
        raise CodeError("SDG codes must be a list")
    unknown = sorted({str(c) for c in codes} - CODES)
    if unknown:
        raise CodeError(f"unknown SDG code(s): {', '.join(unknown)}", unknown)
    order = {code: i for i, code in enumerate([str(g) for g in GOALS] + list(TARGETS))}
    return sorted({str(c) for c in codes}, key=lambda c: (goal_of(c), c.count("."), order[c]))


# The targets' texts in English, Italian and French (the UN's own English and French): see the
# file's "source". Read once, at import.
_TARGET_TEXTS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).resolve().parent / "data" / "sdg_targets.json").read_text(encoding="utf-8")
)["targets"]


def title(code: str, language: str) -> str:
    """A goal's name or a target's text in ``language`` (English when it has none); "" if unknown."""
    code = str(code)
    texts = GOALS.get(int(code), {}) if code.isdigit() else _TARGET_TEXTS.get(code, {})
    return texts.get(language) or texts.get("en", "")


def label(code: str, language: str) -> str:
    """What a person picks: "4 — Quality education", "4.a — Build and upgrade education facilities…"."""
    return f"{code} — {title(code, language)}"


def choices(language: str) -> list[tuple[str, str]]:
    """Every goal followed by its targets, in the official order, labelled in ``language``."""
    return [(code, label(code, language)) for goal in GOALS for code in (str(goal), *_targets_of(goal))]


def _targets_of(goal: int) -> list[str]:
    return [code for code in TARGETS if goal_of(code) == goal]
