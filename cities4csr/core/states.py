"""Lifecycle tables. Pure Python: the allowed transitions of a stateful model and who may make
them. Each app's ``states.py`` declares its table and registers it with ``core.lifecycle``,
which applies transitions; ``manage.py states_doc`` renders every registered table."""

from dataclasses import dataclass

REASON = "reason"  # a row's fifth element: the transition must say why


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    verb: str
    needs_reason: bool = False


def table(*rows: tuple) -> dict[tuple[str, str], Transition]:
    """Rows of (sources, target, roles, verb[, REASON]) -> {(source, target): Transition}."""
    result = {}
    for sources, target, roles, verb, *flags in rows:
        for source in sources:
            result[source, target] = Transition(source, target, frozenset(roles), verb, REASON in flags)
    return result
