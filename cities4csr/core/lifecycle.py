"""The one lifecycle mechanism: every state change of every stateful model goes through
``transition_apply``.

Each app declares its model's lifecycle in its ``states.py`` (the table of allowed transitions,
who holds which role on an object, what a transition sets besides the state, whom it tells) and
registers it here. The owning app and others attach *guards* (a check
that may refuse a transition: the agreement's blockers guard a pledge's "agreed") and *effects*
(what follows in the same transaction: a need starts when a pledge is accepted) by the model's
label, so the owning app never imports the apps that watch it (Bluebottle's state effects).

Applying a transition: lock the row and read it again, refuse a repeat, check the table and the
actor's roles, run the guards, apply, audit, run the effects, and tell people once it commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .services import audit_log
from .states import Transition


class TransitionRepeated(ValidationError):
    """The object is already in the state asked for (a double click, a retried request)."""


#: fn(obj, transition, context) -> None; raises ValidationError to refuse
Guard = Callable[[models.Model, Transition, dict], None]
#: fn(actor, obj, transition, context) -> None; runs in the transition's transaction
Effect = Callable[[object, models.Model, Transition, dict], None]


@dataclass
class Lifecycle:
    """A stateful model's lifecycle: its table and the hooks of the app that owns it."""

    model: type[models.Model]
    name: str  # the audit verbs' prefix: "pledge" -> "pledge.verify"
    source: str  # the file that declares it, for docs/states.md
    transitions: dict[tuple[str, str], Transition]
    roles: Callable[[object, models.Model], set[str]]  # the roles ``actor`` holds on ``obj``
    apply: Callable[[models.Model, Transition, dict], list[str]] | None = None  # other fields it sets
    notify: Callable[[models.Model, Transition, dict], None] | None = None
    field: str = "state"

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


REGISTRY: dict[str, Lifecycle] = {}
_GUARDS: dict[str, list] = defaultdict(list)
_EFFECTS: dict[str, list] = defaultdict(list)


def lifecycle_register(lifecycle: Lifecycle) -> Lifecycle:
    REGISTRY[lifecycle.label] = lifecycle
    return lifecycle


def lifecycle_of(obj_or_model) -> Lifecycle:
    return REGISTRY[obj_or_model._meta.label_lower]


def transitions_for(*, actor, obj) -> list[Transition]:
    """The transitions ``actor`` may make from ``obj``'s current state (the page's buttons)."""
    lifecycle = lifecycle_of(obj)
    roles = lifecycle.roles(actor, obj)
    state = getattr(obj, lifecycle.field)
    return [t for (source, _t), t in lifecycle.transitions.items() if source == state and roles & t.roles]


def _targets(to) -> frozenset | None:
    return None if to is None else frozenset([to] if isinstance(to, str) else to)


def guard(label: str, *, to=None):
    """Register ``fn`` as a guard of the transitions of model ``label`` into ``to`` (all if None)."""

    def register(fn: Guard) -> Guard:
        _GUARDS[label].append((_targets(to), fn))
        return fn

    return register


def effect(label: str, *, to=None):
    """Register ``fn`` as an effect of the transitions of model ``label`` into ``to`` (all if None)."""

    def register(fn: Effect) -> Effect:
        _EFFECTS[label].append((_targets(to), fn))
        return fn

    return register


def _hooks(registered: list, target: str):
    return [fn for targets, fn in registered if targets is None or target in targets]


def transition_apply(*, actor, obj: models.Model, to: str, reason: str = "", **context):
    """Move ``obj`` to state ``to`` on behalf of ``actor`` (None: the system), or refuse.

    Raises ``TransitionRepeated`` if it is already there, ``ValidationError`` (with a code) if
    the table or a guard refuses, ``PermissionDenied`` if the actor's roles do not allow it.
    ``context`` reaches the guards, the apply hook and the effects (e.g. ``on``: the day)."""
    lifecycle = lifecycle_of(obj)
    model = type(obj)
    context = {**context, "reason": reason, "actor": actor}
    with transaction.atomic():
        manager = model._default_manager
        if hasattr(manager, "with_scopes_disabled"):  # the caller reached obj through a scoped read
            manager = manager.with_scopes_disabled()
        locked = manager.select_for_update(of=("self",)).get(pk=obj.pk)
        source = getattr(locked, lifecycle.field)
        names = {"object": model._meta.verbose_name, "state": _state_label(locked, lifecycle.field, source)}
        transition = lifecycle.transitions.get((source, to))
        if transition is None:
            if source == to:
                raise TransitionRepeated(
                    _("This %(object)s is already “%(state)s”: nothing was changed.") % names, code="already"
                )
            names["target"] = _state_label(locked, lifecycle.field, to)
            raise ValidationError(
                _("A %(object)s that is “%(state)s” cannot become “%(target)s”.") % names, code="not_allowed"
            )
        if not lifecycle.roles(actor, locked) & transition.roles:
            raise PermissionDenied(f"{lifecycle.name}.{transition.verb}")
        if transition.needs_reason and not reason.strip():
            raise ValidationError({"reason": ValidationError(_("Say why."), code="reason_required")})
        for check in _hooks(_GUARDS[lifecycle.label], to):
            check(locked, transition, context)
        setattr(locked, lifecycle.field, to)
        changed = [lifecycle.field, *(lifecycle.apply(locked, transition, context) if lifecycle.apply else [])]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            changed.append("updated_at")
        locked.save(update_fields=changed)
        audit_log(
            actor=actor,
            city=locked.city,
            verb=f"{lifecycle.name}.{transition.verb}",
            obj=locked,
            payload={"from": source, "to": to, "reason": reason},
        )
        for follow in _hooks(_EFFECTS[lifecycle.label], to):
            follow(actor, locked, transition, context)
        if lifecycle.notify:
            lifecycle.notify(locked, transition, context)
    for name in changed:
        setattr(obj, name, getattr(locked, name))
    return locked


def _state_label(obj, field_name: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))
