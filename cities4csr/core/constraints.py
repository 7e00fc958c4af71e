"""A database constraint's refusal in words: its own message, under the field it is about.

Every constraint of the project carries a ``violation_error_message`` (translated, a test checks
it). A model's ``full_clean`` reports a broken constraint above the form; ``on_fields`` moves the
message under the field it concerns. A write that reaches the database anyway (two requests at
once) raises ``IntegrityError``, whose text names the constraint (PostgreSQL) or its table and
columns (SQLite): ``from_integrity_error`` turns it into the same ``ValidationError``. Nobody
reads a constraint's name, a table or "IntegrityError".
"""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: the scope columns a uniqueness is *within*: never the field a person got wrong
_SCOPE = {"city", "user", "organisation", "pledge", "agreement", "run", "action", "indicator", "need"}


def _project_constraints():
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            yield model, constraint


def constraint_field(constraint) -> str | None:
    """The field a person would correct when ``constraint`` refuses a row."""
    fields = list(getattr(constraint, "fields", ()) or ())
    if fields:
        own = [f for f in fields if f not in _SCOPE]
        return (own or fields)[-1]
    condition = getattr(constraint, "condition", None)
    while isinstance(condition, models.Q) and condition.children:
        # the first field a check names, after its negations: "ends_on__isnull" -> "ends_on"
        condition = condition.children[0]
    if isinstance(condition, tuple):
        return condition[0].split("__")[0]
    return None


def _error(model, constraint) -> ValidationError:
    message = constraint.violation_error_message or constraint.default_violation_error_message
    error = ValidationError(message, code=constraint.violation_error_code or "constraint")
    field = constraint_field(constraint)
    try:
        model._meta.get_field(field or "")
    except Exception:  # noqa: BLE001 — no such field: the message goes above the form
        return ValidationError({NON_FIELD_ERRORS: [error]})
    return ValidationError({field: [error]})


def on_fields(model, exc: ValidationError) -> ValidationError:
    """``exc`` from ``model.full_clean()`` with each constraint's message under its field."""
    if not hasattr(exc, "error_dict") or NON_FIELD_ERRORS not in exc.error_dict:
        return exc
    by_message = {
        str(c.violation_error_message): c for m, c in _project_constraints() if m is model and c.violation_error_message
    }
    errors = {k: list(v) for k, v in exc.error_dict.items() if k != NON_FIELD_ERRORS}
    for error in exc.error_dict[NON_FIELD_ERRORS]:
        constraint = by_message.get(str(error.message))
        field = constraint_field(constraint) if constraint is not None else None
        if field and any(f.name == field for f in model._meta.get_fields()):
            errors.setdefault(field, []).append(error)
        else:
            errors.setdefault(NON_FIELD_ERRORS, []).append(error)
    return ValidationError(errors)


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")


def from_integrity_error(exc) -> ValidationError:
    """The refusal of the database as a person reads it: the constraint's message under its
    field, or, for a refusal no constraint explains, a plain sentence."""
    text = str(exc)
    check = _SQLITE_CHECK.search(text)
    unique = _SQLITE_UNIQUE.search(text)
    for model, constraint in _project_constraints():
        if re.search(rf"\b{re.escape(constraint.name)}\b", text) or (check and check["name"] == constraint.name):
            return _error(model, constraint)
        if unique and getattr(constraint, "fields", None):
            table = model._meta.db_table
            columns = {c.strip() for c in unique["columns"].split(",")}
            wanted = {f"{table}.{model._meta.get_field(f).column}" for f in constraint.fields}
            if columns == wanted:
                return _error(model, constraint)
    return ValidationError(
        _("This could not be saved: it conflicts with what is already recorded. Reload the page and try again."),
        code="conflict",
    )
