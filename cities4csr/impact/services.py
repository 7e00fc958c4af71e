"""Writes for results (ADR 0034): indicators of an action of the plan or of a need, and their
updates, from draft to approved or returned with a reason. Every write checks its permission,
runs in one transaction and leaves an audit event in it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babel.numbers import NumberFormatError, parse_decimal
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import guard, transition_apply
from cities4csr.core.money import active_locale
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.core.uploads import upload_clean
from cities4csr.organisations.rules import is_city_officer, is_org_member

from .models import VALUE_DIGITS, VALUE_PLACES, IndicatorUpdate, ResultIndicator

U = IndicatorUpdate.State
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: what evidence of a result may be: a photo, a document, a sheet of figures (as pledges' evidence)
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".csv", ".xlsx", ".ods", ".docx", ".odt"}
EDITABLE = (U.DRAFT, U.RETURNED)
INDICATOR_FIELDS = (
    "name",
    "unit",
    "method",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
    "weight",
    "counts_people",
    "translations",
)
LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def value_parse(value, *, field: str = "value", locale: str | None = None) -> Decimal:
    """A number as people type it in the page's language ("1.234,5" in Italian), or a Decimal /
    int from the API, checked to fit the indicator's columns."""
    if isinstance(value, bool) or value is None:
        raise _invalid(field, _("Give a number."), "required")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    else:
        text = "".join(str(value).split()).replace("\u202f", "")
        if not text:
            raise _invalid(field, _("Give a number."), "required")
        try:
            number = parse_decimal(text, locale=locale or active_locale(), strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            example = "1.234,5" if (locale or active_locale()).startswith(("it", "de")) else None
            if (locale or active_locale()).startswith("fr"):
                example = "1 234,5"
            raise _invalid(
                field,
                _("This is not a number as written here, e.g. %(example)s.") % {"example": example or "1,234.5"},
                "not_a_number",
            ) from None
    if not number.is_finite() or abs(number) >= LIMIT:
        raise _invalid(field, _("This number is too large."), "too_large")
    if number != number.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        raise _invalid(
            field, _("Give at most %(places)d decimal places.") % {"places": VALUE_PLACES}, "too_many_places"
        )
    return number


def _indicator_check(indicator: ResultIndicator) -> None:
    if indicator.target == indicator.baseline:
        raise _invalid("target", _("The target must differ from the baseline."), "target_equals_baseline")
    if indicator.target_on < indicator.baseline_on:
        raise _invalid("target_on", _("The target date cannot be before the baseline date."), "dates")
    if not 1 <= int(indicator.weight) <= 100:
        raise _invalid("weight", _("Give a weight between 1 and 100."), "weight")
    if not (indicator.name or "").strip():
        raise _invalid("name", _("Give the indicator a name."), "required")


def indicator_create(*, actor, city, action=None, need=None, **fields) -> ResultIndicator:
    """An indicator of ``action`` (officers) or of ``need`` (officers, the need owner's people)."""
    if (action is None) == (need is None):
        raise ValidationError(_("An indicator measures either an action of the plan or a need."), code="subject")
    subject = action or need
    if subject.city_id != city.pk:
        raise PermissionDenied("other city")
    require(actor, "impact.change_indicator", subject)
    if action is not None and actor is not None and not is_city_officer(actor, city):
        raise PermissionDenied("action indicators are the city's")
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name in ("baseline", "target"):
        fields[name] = value_parse(fields.get(name), field=name)
    indicator = ResultIndicator(city=city, action=action, need=need, created_by=person(actor), **fields)
    _indicator_check(indicator)
    with transaction.atomic():
        indicator.save()
        audit_log(
            actor=actor, city=city, verb="result_indicator.create", obj=indicator, payload=_indicator_payload(indicator)
        )
    return indicator


def _indicator_payload(indicator) -> dict:
    return {
        name: str(getattr(indicator, name))
        for name in ("name", "unit", "baseline", "baseline_on", "target", "target_on", "weight")
    }


def indicator_update(*, actor, indicator: ResultIndicator, **fields) -> ResultIndicator:
    """Change an indicator's name, unit, method, baseline, target, dates, weight."""
    require(actor, "impact.change_indicator", indicator)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name in ("baseline", "target"):
        if name in fields:
            fields[name] = value_parse(fields[name], field=name)
    with transaction.atomic():
        locked = ResultIndicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
        before = _indicator_payload(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        _indicator_check(locked)
        locked.save()
        after = _indicator_payload(locked)
        audit_log(
            actor=actor,
            city=locked.city,
            verb="result_indicator.update",
            obj=locked,
            payload={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
        )
    return locked


def _evidence_check(file):
    suffix = Path(file.name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise _invalid(
            "evidence",
            _("Evidence must be one of: %(types)s.") % {"types": ", ".join(sorted(EVIDENCE_TYPES))},
            "wrong_type",
        )
    return upload_clean(file, field="evidence", max_bytes=MAX_EVIDENCE_BYTES)


def _reporting_organisation(actor, indicator: ResultIndicator):
    """The organisation an update is reported for: the need's owner when the actor belongs to it
    (also an officer of a city body that owns the need) or when the system writes it (the demo,
    an import), else none (the city reports)."""
    if indicator.need_id is not None and (actor is None or is_org_member(actor, indicator.need.owner)):
        return indicator.need.owner
    return None


def _measured_on_check(indicator, measured_on) -> None:
    if not isinstance(measured_on, datetime.date):
        raise _invalid("measured_on", _("Give the day it was measured."), "required")
    if measured_on > timezone.localdate():
        raise _invalid("measured_on", _("A value cannot be measured in the future."), "future")
    if measured_on < indicator.baseline_on:
        raise _invalid("measured_on", _("A value cannot be measured before the baseline date."), "before_baseline")


def update_create(
    *,
    actor,
    indicator: ResultIndicator,
    value,
    measured_on,
    note: str = "",
    evidence=None,
    evidence_url: str = "",
    submit: bool = False,
) -> IndicatorUpdate:
    """A draft update of ``indicator`` (``submit``: sent to the city at once). ``value`` is a
    number, or text written as the page's language writes numbers."""
    require(actor, "impact.add_update", indicator)
    number = value_parse(value)
    _measured_on_check(indicator, measured_on)
    if evidence:
        evidence = _evidence_check(evidence)
    update = IndicatorUpdate(
        city=indicator.city,
        indicator=indicator,
        value=number,
        measured_on=measured_on,
        note=note or "",
        evidence=evidence or "",
        evidence_url=evidence_url or "",
        author=person(actor),
        organisation=_reporting_organisation(actor, indicator),
    )
    with transaction.atomic():
        update.save()
        audit_log(
            actor=actor,
            city=indicator.city,
            verb="indicator_update.create",
            obj=update,
            payload={"indicator": indicator.pk, "value": str(number), "measured_on": measured_on.isoformat()},
        )
        if submit:
            update = update_transition(actor=actor, update=update, to=U.SUBMITTED)
    return update


def update_edit(*, actor, update: IndicatorUpdate, submit: bool = False, **fields) -> IndicatorUpdate:
    """Correct a draft or returned update: value, measured_on, note, evidence, evidence_url."""
    require(actor, "impact.change_update", update)
    allowed = {"value", "measured_on", "note", "evidence", "evidence_url"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields {sorted(set(fields) - allowed)}")
    if "value" in fields:
        fields["value"] = value_parse(fields["value"])
    if fields.get("evidence"):
        fields["evidence"] = _evidence_check(fields["evidence"])
    elif "evidence" in fields:
        del fields["evidence"]  # no new file: the one it has stays
    with transaction.atomic():
        locked = IndicatorUpdate.objects.select_for_update(of=("self",)).get(pk=update.pk)
        if locked.state not in EDITABLE:
            raise ValidationError(
                _("Only a draft or a returned update can be corrected; this one is “%(state)s”.")
                % {"state": locked.get_state_display()},
                code="closed",
            )
        if "measured_on" in fields:
            _measured_on_check(locked.indicator, fields["measured_on"])
        changed = {}
        for name, value in fields.items():
            if getattr(locked, name) != value:
                changed[name] = str(value)
                setattr(locked, name, value)
        locked.save()
        audit_log(actor=actor, city=locked.city, verb="indicator_update.edit", obj=locked, payload={"changed": changed})
        if submit:
            locked = update_transition(actor=actor, update=locked, to=U.SUBMITTED)
    return locked


def update_transition(*, actor, update: IndicatorUpdate, to: str, reason: str = "") -> IndicatorUpdate:
    """Submit, approve, or return with a reason (impact/states.py)."""
    return transition_apply(actor=actor, obj=update, to=to, reason=reason or "")


@guard("impact.indicatorupdate", to=(U.APPROVED, U.RETURNED))
def _four_eyes(update: IndicatorUpdate, transition, context) -> None:
    """An officer never decides on an update they wrote themselves."""
    actor = context.get("actor")
    if actor is not None and update.author_id is not None and update.author_id == actor.pk:
        raise ValidationError(_("Another officer must decide on an update you wrote yourself."), code="four_eyes")
