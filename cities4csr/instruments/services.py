"""Writes for instruments: confirm the advisor's instrument for a pledge (an Agreement with the
advice snapshot and a checklist of steps with deadlines), record the public notice, conclude the
agreement once nothing blocks it (moving the pledge to "agreed"), tick steps, keep the returns
register."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import effect, guard, transition_apply
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.pledges.models import Pledge

from . import advisor
from .models import Agreement, ChecklistStep, ReturnItem
from .packs import load_common, load_pack


def advise(*, city, answers: dict, on: date | None = None) -> advisor.Advice:
    """The advice for ``city`` (its country selects the pack) on ``on`` (default: today)."""
    pack = load_pack(city.country)
    exclusions = city.settings.sponsor_exclusions or None
    advice = advisor.evaluate(
        answers,
        pack=pack,
        on=on or timezone.localdate(),
        common=load_common(),
        exclusions=exclusions,
        authority=city.settings.local_authority,
    )
    return advice


def funds_for_advice(*, city, advice: advisor.Advice) -> list | None:
    """The city's funds open to gifts when the advice is a gift to a dedicated fund (the advice
    links to them; an empty list says there is none), None for any other advice."""
    if advice.recommended != "fund_donation":
        return None
    from cities4csr.funds.selectors import funds_open

    return funds_open(city=city)


def instrument_spec(country: str, code: str) -> dict | None:
    pack = load_pack(country)
    return (pack or {}).get("instruments", {}).get(code)


def agreement_confirm(
    *,
    actor,
    pledge: Pledge,
    answers: dict,
    instrument: str,
    on: date | None = None,
    notice_starts_on: date | None = None,
) -> Agreement:
    """The officer confirms the advisor's instrument for an accepted pledge. The advice is
    computed again here (never trusted from the browser) and stored as it was. Without a blocking
    step the pledge moves to "agreed" at once; with one (the 30-day public notice of a sponsorship
    above €40,000) it stays "accepted" until ``agreement_conclude`` finds the notice has run."""
    require(actor, "instruments.confirm_instrument", pledge)
    on = on or timezone.localdate()
    if pledge.state != Pledge.State.ACCEPTED:
        raise ValidationError(_("Only an accepted pledge can get its agreement."))
    if Agreement.objects.filter(city=pledge.city, pledge=pledge).exists():
        raise ValidationError(_("This pledge already has an agreement."))
    advice = advise(city=pledge.city, answers=answers, on=on)
    if advice.recommended == advisor.NEEDS_REVIEW:
        raise ValidationError(_("The advisor needs more answers before an instrument can be confirmed."))
    if instrument != advice.recommended:
        raise ValidationError(
            {"instrument": _("Confirm the recommended instrument, or change the answers that lead to another one.")}
        )
    blocking = [w for w in advice.warnings if w.get("blocking")]
    if blocking:
        raise ValidationError(_("The city's exclusion list forbids this agreement with this company."))
    spec = instrument_spec(pledge.city.country, instrument)
    snapshot = advice.as_dict()
    snapshot["instrument_names"] = spec["names"]
    cleaned, _problems = advisor.clean_answers(answers)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            city=pledge.city,
            pledge=pledge,
            instrument=instrument,
            jurisdiction=advice.jurisdiction,
            pack_version=advice.pack_version,
            answers=cleaned,
            advice=snapshot,
            advised_on=on,
            confirmed_by=person(actor),
        )
        for position, step in enumerate(advice.steps):
            ChecklistStep.objects.create(
                city=pledge.city,
                agreement=agreement,
                position=position,
                code=step.code,
                labels=step.label,
                days=step.days,
                starts_on=step.starts_on,
                due_on=step.due_on,
                blocks_agreement=step.blocks_agreement,
                uncertain=step.uncertain,
            )
        audit_log(
            actor=actor,
            city=pledge.city,
            verb="agreement.confirm",
            obj=pledge,
            payload={"instrument": instrument, "rule": advice.rule, "pack_version": advice.pack_version},
        )
        if notice_starts_on is not None:
            _record_notice(agreement, notice_starts_on)
        if not agreement_blockers(agreement, on=on):
            transition_apply(actor=actor, obj=agreement, to=Agreement.State.CONCLUDED, on=on)
    return agreement


def agreement_record_notice(*, actor, agreement: Agreement, published_on: date) -> Agreement:
    """Record the day the public notice went up on the website; it runs for the pack's days."""
    require(actor, "instruments.confirm_instrument", agreement.pledge)
    if not agreement.steps.filter(blocks_agreement=True).exists():
        raise ValidationError(_("This agreement needs no public notice."))
    if agreement.agreed_on:
        raise ValidationError(_("The agreement is already concluded."))
    with transaction.atomic():
        _record_notice(agreement, published_on)
        audit_log(
            actor=actor,
            city=agreement.city,
            verb="agreement.notice",
            obj=agreement.pledge,
            payload={"published_on": published_on.isoformat(), "runs_until": agreement.notice_ends_on.isoformat()},
        )
    return agreement


def _record_notice(agreement: Agreement, published_on: date) -> None:
    step = agreement.steps.filter(blocks_agreement=True).order_by("position").first()
    if step is None:
        return
    step.starts_on = published_on
    step.due_on = published_on + timedelta(days=step.days or 0)
    step.save(update_fields=["starts_on", "due_on", "updated_at"])
    # the steps after the notice (checks, negotiation…) follow it
    cursor = step.due_on
    for later in agreement.steps.filter(position__gt=step.position, done_on__isnull=True).order_by("position"):
        later.starts_on = cursor
        later.due_on = cursor + timedelta(days=later.days) if later.days is not None else None
        cursor = later.due_on or cursor
        later.save(update_fields=["starts_on", "due_on", "updated_at"])
    agreement.notice_starts_on = published_on
    agreement.notice_ends_on = step.due_on
    agreement.save(update_fields=["notice_starts_on", "notice_ends_on", "updated_at"])


def agreement_blockers(agreement: Agreement | None, *, on: date) -> list[str]:
    """Why the pledge cannot be "agreed" on ``on`` (empty: it can)."""
    if agreement is None:
        return [_("Choose the legal instrument with the advisor first.")]
    out = []
    for step in agreement.steps.filter(blocks_agreement=True).order_by("position"):
        if agreement.notice_starts_on is None:
            out.append(_("Publish the public notice and record its date first: “%(step)s”.") % {"step": step.label})
        elif on < step.due_on:
            out.append(
                _("The public notice runs until %(end)s: the agreement can be concluded from that day, not before.")
                % {"end": date_format(step.due_on, "DATE_FORMAT")}
            )
    return out


def agreement_conclude(*, actor, agreement: Agreement, on: date | None = None) -> Agreement:
    """Conclude the agreement once nothing blocks it: the pledge moves to "agreed"."""
    require(actor, "instruments.confirm_instrument", agreement.pledge)
    return transition_apply(actor=actor, obj=agreement, to=Agreement.State.CONCLUDED, on=on or timezone.localdate())


@guard("instruments.agreement", to=Agreement.State.CONCLUDED)
def _nothing_blocks(agreement: Agreement, transition, context) -> None:
    blockers = agreement_blockers(agreement, on=context["on"])
    if blockers:
        raise ValidationError([ValidationError(b, code="blocked") for b in blockers])


@effect("instruments.agreement", to=Agreement.State.CONCLUDED)
def _pledge_agreed(actor, agreement: Agreement, transition, context) -> None:
    on = context["on"]
    for step in agreement.steps.filter(blocks_agreement=True, done_on__isnull=True):
        step.done_on = step.due_on or on
        step.save(update_fields=["done_on", "updated_at"])
    transition_apply(actor=actor, obj=agreement.pledge, to=Pledge.State.AGREED, on=on)


@guard("pledges.pledge", to=Pledge.State.AGREED)
def _agreement_concluded(pledge: Pledge, transition, context) -> None:
    """A pledge is "agreed" only by concluding its agreement: that records the instrument."""
    agreement = Agreement.objects.filter(city=pledge.city, pledge=pledge).first()
    if agreement is None or agreement.state != Agreement.State.CONCLUDED:
        blockers = agreement_blockers(agreement, on=context["on"]) or [
            _("Conclude the agreement from the advisor's checklist.")
        ]
        raise ValidationError({"instrument": [ValidationError(b, code="agreement_open") for b in blockers]})


def step_done(*, actor, step: ChecklistStep, on: date | None = None) -> ChecklistStep:
    require(actor, "instruments.confirm_instrument", step.agreement.pledge)
    if step.done_on:
        raise ValidationError(_("This step is already done."))
    if step.blocks_agreement:
        raise ValidationError(_("The public notice is done when it has run; conclude the agreement then."))
    with transaction.atomic():
        step.done_on = on or timezone.localdate()
        step.save(update_fields=["done_on", "updated_at"])
        audit_log(
            actor=actor,
            city=step.city,
            verb="agreement.step_done",
            obj=step.agreement.pledge,
            payload={"step": step.code},
        )
    return step


def return_add(
    *,
    actor,
    agreement: Agreement,
    kind: str,
    description: str,
    value_cents: int = 0,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> ReturnItem:
    """Record what the giver receives in return; it is published on the giver's page."""
    require(actor, "instruments.confirm_instrument", agreement.pledge)
    if kind not in ReturnItem.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of return.")})
    if not description.strip():
        raise ValidationError({"description": _("Say what the giver receives.")})
    if value_cents < 0:
        raise ValidationError({"value_cents": _("The value cannot be negative.")})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    with transaction.atomic():
        item = ReturnItem.objects.create(
            city=agreement.city,
            agreement=agreement,
            kind=kind,
            description=description.strip(),
            value_cents=value_cents,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit_log(
            actor=actor,
            city=agreement.city,
            verb="agreement.return_add",
            obj=agreement.pledge,
            payload={"kind": kind, "description": item.description, "value_cents": value_cents},
        )
    return item


def agreement_terms_update(*, actor, agreement: Agreement, **terms) -> Agreement:
    """Record the terms the agreement's draft needs (documents.clauses): who signs and under which
    act, the acts cited in the premises with their dates, the agreement's dates and payment term.
    Only ``Agreement.TERMS_FIELDS`` are accepted; what is left blank prints "[…]" in the draft."""
    require(actor, "instruments.confirm_instrument", agreement.pledge)
    unknown = sorted(set(terms) - set(Agreement.TERMS_FIELDS))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    values = {name: getattr(agreement, name) for name in Agreement.TERMS_FIELDS} | terms
    for name in Agreement.TERMS_FIELDS:
        if isinstance(values[name], str):
            values[name] = values[name].strip()
    errors = {}
    for ref, day in (("regulation_ref", "regulation_on"), ("decision_ref", "decision_on")):
        if values[ref] and not values[day]:
            errors[day] = _("Give the date of the act: the draft cites every act with its date.")
        if values[day] and not values[ref]:
            errors[ref] = _("Give the act's reference (number or title) with its date.")
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = _("The agreement ends before it starts.")
    for name in Agreement.TERMS_FIELDS:
        limit = Agreement._meta.get_field(name).max_length
        if limit and len(values[name]) > limit:
            errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if values["payment_days"] is not None and not 0 <= values["payment_days"] <= 365:
        errors["payment_days"] = _("Give a number of days between 0 and 365.")
    if errors:
        raise ValidationError(errors)
    changed = [name for name in Agreement.TERMS_FIELDS if getattr(agreement, name) != values[name]]
    with transaction.atomic():
        for name in changed:
            setattr(agreement, name, values[name])
        agreement.save(update_fields=[*changed, "updated_at"])
        audit_log(
            actor=actor,
            city=agreement.city,
            verb="agreement.terms",
            obj=agreement.pledge,
            payload={name: str(values[name]) if values[name] is not None else None for name in changed},
        )
    return agreement
