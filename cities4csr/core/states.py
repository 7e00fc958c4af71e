"""Explicit lifecycles. Pure Python: a table of allowed transitions and who may make them.

Each app's ``states.py`` declares its table; services call ``transition_check`` with the
roles the actor holds on the object and refuse anything the table does not allow.
"""

from dataclasses import dataclass


class TransitionError(ValueError):
    pass


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    verb: str


def table(*rows: tuple[tuple[str, ...], str, set[str], str]) -> dict[tuple[str, str], Transition]:
    """Rows of (sources, target, roles, verb) -> {(source, target): Transition}."""
    result = {}
    for sources, target, roles, verb in rows:
        for source in sources:
            result[source, target] = Transition(source, target, frozenset(roles), verb)
    return result


def transition_check(transitions: dict, source: str, target: str, roles: set[str]) -> Transition:
    transition = transitions.get((source, target))
    if transition is None:
        raise TransitionError(f"cannot go from {source} to {target}")
    if not roles & transition.roles:
        raise PermissionError(f"{source} -> {target} needs one of: {', '.join(sorted(transition.roles))}")
    return transition


def targets_for(transitions: dict, source: str, roles: set[str]) -> list[Transition]:
    """The transitions someone with ``roles`` may make from ``source``."""
    return [t for (s, _t), t in transitions.items() if s == source and roles & t.roles]
