"""Writes for pledges: propose against resource lines without ever over-committing them,
move along the lifecycle, record evidence of delivery."""

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from cities4csr.core.lifecycle import effect, transition_apply
from cities4csr.core.money import MAX_CENTS, MAX_QUANTITY, active_locale, quantity_format
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.core.uploads import upload_clean
from cities4csr.ledger.models import Account, Motivation, Source, Valuation
from cities4csr.ledger.selectors import group_of_source
from cities4csr.ledger.services import Leg, group_post
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.services import need_refresh_totals, need_transition
from cities4csr.organisations.selectors import organisations_in_city, partners_choosable

from .models import Evidence, Pledge, PledgeItem, PledgePartner
from .states import partner_notify, pledge_notify

OPEN_NEED_STATES = (Need.State.PUBLISHED, Need.State.IN_PROGRESS)
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    Evidence.Kind.PHOTO: {".jpg", ".jpeg", ".png", ".webp"},
    Evidence.Kind.RECEIPT: {".pdf", ".jpg", ".jpeg", ".png"},
    Evidence.Kind.ATTENDANCE: {".csv", ".xlsx", ".pdf", ".ods"},
    Evidence.Kind.FILE: {".pdf", ".jpg", ".jpeg", ".png", ".csv", ".xlsx", ".docx", ".odt", ".ods"},
}


class OverCommitError(ValidationError):
    """A line has less room left than the pledge asks for."""


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _pledge_input(*, actor, need: Need, organisation, items, costs, partners) -> tuple[dict, dict, list]:
    """Every rule on what a pledge asks for, once, for the page, the API and the other apps:
    (quantity by line id, declared cost by line id, partner organisations)."""
    if organisation.city_id != need.city_id:
        raise _invalid("organisation", _("The organisation is not in this city."), "other_city")
    wanted: dict[int, int] = {}
    for line, quantity in items:
        pk = int(getattr(line, "pk", line))
        if pk in wanted:
            raise _invalid("items", _("A resource line is pledged twice."), "duplicate_line")
        if not isinstance(quantity, int) or quantity < 0:
            raise _invalid("items", _("Quantities must be positive."), "not_positive")
        if quantity:
            wanted[pk] = quantity
    if not wanted:
        raise _invalid("items", _("Pledge at least one resource line."), "empty")
    lines = {line.pk: line for line in ResourceLine.objects.filter(need=need, pk__in=wanted)}
    if set(wanted) - set(lines):
        raise _invalid("items", _("A resource line does not belong to this need."), "unknown_line")
    for pk, quantity in wanted.items():  # money is counted in cents, the rest in hours, items, days
        bound = MAX_CENTS if lines[pk].kind == ResourceKind.MONEY else MAX_QUANTITY
        if quantity > bound:
            raise _invalid("items", _("A quantity cannot exceed %(max)s.") % {"max": bound}, "too_large")
    costs = {int(getattr(pk, "pk", pk)): cost for pk, cost in (costs or {}).items()}
    if set(costs) - set(wanted):
        raise _invalid("costs", _("A cost is given for a line that is not pledged."), "unpledged_line")
    if any(lines[pk].kind == ResourceKind.MONEY for pk in costs):
        raise _invalid(
            "costs", _("Money is its own value: give a cost only for goods, time, expertise or space."), "money"
        )
    if any(not isinstance(cost, int) or cost < 0 or cost > MAX_CENTS for cost in costs.values()):
        raise _invalid("costs", _("A cost is an amount of zero or more, within the city's limits."), "invalid")
    partner_ids = [int(getattr(p, "pk", p)) for p in partners]
    if organisation.pk in partner_ids:
        raise _invalid("partners", _("The lead organisation cannot also be its own partner."), "lead_is_partner")
    if len(set(partner_ids)) != len(partner_ids):
        raise _invalid("partners", _("An organisation is named twice as a partner."), "duplicate")
    choosable = (  # the system names anyone; a person only organisations they may see
        organisations_in_city(city=need.city) if actor is None else partners_choosable(actor=actor, city=need.city)
    )
    found = list(choosable.filter(pk__in=partner_ids).order_by("pk"))
    if len(found) != len(partner_ids):
        raise _invalid("partners", _("A partner is not an organisation of this city."), "unknown")
    return wanted, costs, found


def pledge_propose(
    *,
    actor,
    need: Need,
    organisation,
    items,
    costs: dict | None = None,
    partners=(),
    is_public: bool = True,
    message: str = "",
    allow_overcommit: bool = False,
    idempotency_key: str = "",
) -> Pledge:
    """Commit quantities of the need's lines: ``items`` are (line or line id, quantity) pairs.

    Lines are locked (need first, then lines by id), so concurrent pledges can never take more
    than a line has room for; an officer may allow more. Goods, time, expertise and space are
    valued at their cost to the giver (B4SI): ``costs`` maps a line (id) to the cost the giver
    declares, in cents; a line without one is valued at the need's own estimate, pro rata.
    The partners named are invited: each joins only by accepting (``partnership_transition``).
    The same ``idempotency_key`` from the same organisation (a form posted twice, a retried API
    call) returns the first pledge and writes nothing."""
    require(actor, "pledges.add_pledge", organisation)
    if allow_overcommit:
        require(actor, "pledges.allow_overcommit", need)
    wanted, costs, partners = _pledge_input(
        actor=actor, need=need, organisation=organisation, items=items, costs=costs, partners=partners
    )
    idempotency_key = (idempotency_key or "").strip()[:64]
    with transaction.atomic():
        locked_need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if idempotency_key:
            repeated = Pledge.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
            if repeated is not None:
                return repeated
        if locked_need.state not in OPEN_NEED_STATES:
            raise ValidationError(_("This need is not open for pledges."), code="need_closed")
        lines = {
            line.pk: line
            for line in ResourceLine.objects.select_for_update(of=("self",)).filter(pk__in=wanted).order_by("pk")
        }
        for pk, quantity in wanted.items():
            line = lines[pk]
            if quantity > line.remaining and not allow_overcommit:
                said = {"money": line.kind == ResourceKind.MONEY, "unit": line.unit, "locale": active_locale()}
                said["currency"] = need.city.currency
                raise OverCommitError(
                    _("Only %(remaining)s of “%(label)s” are still needed; you offered %(quantity)s.")
                    % {
                        "remaining": quantity_format(line.remaining, **said),
                        "label": line.label,
                        "quantity": quantity_format(quantity, **said),
                    },
                    code="over_commit",
                )
        pledge = Pledge.objects.create(
            city=need.city,
            need=locked_need,
            organisation=organisation,
            is_public=is_public,
            message=message,
            created_by=person(actor),
            idempotency_key=idempotency_key,
        )
        total = 0
        for pk, quantity in wanted.items():
            line = lines[pk]
            value = costs.get(pk, line.value_of(quantity))
            PledgeItem.objects.create(city=need.city, pledge=pledge, line=line, quantity=quantity, value_cents=value)
            line.committed += quantity
            line.save(update_fields=["committed", "updated_at"])
            total += value
        pledge.value_cents = total
        pledge.save(update_fields=["value_cents"])
        need_refresh_totals(locked_need)
        audit_log(
            actor=actor,
            city=need.city,
            verb="pledge.propose",
            obj=pledge,
            payload={
                "items": {str(k): v for k, v in wanted.items()},
                "value_cents": total,
                "costs_declared": {str(k): v for k, v in costs.items()},
                "overcommit": allow_overcommit,
                "partners_invited": [p.pk for p in partners],
            },
        )
        pledge_notify(pledge, None, {})
        for partner in partners:
            partnership = PledgePartner.objects.create(city=need.city, pledge=pledge, organisation=partner)
            partner_notify(partnership, None, {})
    return pledge


def pledge_transition(*, actor, pledge: Pledge, to: str, reason: str = "", on=None) -> Pledge:
    """Move a pledge along its lifecycle (pledges/states.py). "agreed" is reached only through
    the instrument advisor's agreement (cities4csr.instruments guards it)."""
    return transition_apply(actor=actor, obj=pledge, to=to, reason=reason, on=on or timezone.localdate())


def partnership_transition(*, actor, partnership: PledgePartner, to: str) -> PledgePartner:
    """A named partner accepts or declines; the lead or an officer withdraws the invitation."""
    return transition_apply(actor=actor, obj=partnership, to=to)


@effect("pledges.pledge", to=(Pledge.State.DECLINED, Pledge.State.WITHDRAWN))
def _release(actor, pledge: Pledge, transition, context) -> None:
    """Give a declined or withdrawn pledge's quantities back to its lines (under lock)."""
    need = Need.objects.select_for_update(of=("self",)).get(pk=pledge.need_id)
    items = list(pledge.items.all().order_by("line_id"))
    lines = {
        line.pk: line
        for line in ResourceLine.objects.select_for_update(of=("self",))
        .filter(pk__in=[i.line_id for i in items])
        .order_by("pk")
    }
    for item in items:
        line = lines[item.line_id]
        line.committed = max(line.committed - item.quantity, 0)
        line.save(update_fields=["committed", "updated_at"])
    need_refresh_totals(need)


@effect("pledges.pledge", to=Pledge.State.ACCEPTED)
def _need_starts(actor, pledge: Pledge, transition, context) -> None:
    """The first accepted pledge puts a published need in progress."""
    need = pledge.need
    if need.state == Need.State.PUBLISHED:
        need_transition(actor=None, need=need, to=Need.State.IN_PROGRESS)


@effect("pledges.pledge", to=Pledge.State.VERIFIED)
def _need_delivered(actor, pledge: Pledge, transition, context) -> None:
    """A need whose lines are all covered, and whose every pledge is verified, is delivered."""
    need = Need.objects.get(pk=pledge.need_id)
    if need.state not in (Need.State.IN_PROGRESS, Need.State.FULFILLED):
        return
    lines = list(need.lines.all())
    holding = need.pledges.exclude(state__in=[Pledge.State.DECLINED, Pledge.State.WITHDRAWN])
    if (
        lines
        and all(line.committed >= line.quantity for line in lines)
        and not holding.exclude(state=Pledge.State.VERIFIED).exists()
    ):
        need_transition(actor=None, need=need, to=Need.State.DELIVERED)


@effect("pledges.pledge", to=Pledge.State.VERIFIED)
def _post_to_ledger(actor, pledge: Pledge, transition, context) -> None:
    """A verified pledge is a contribution: its items go into the city's ledger."""
    pledge_ledger_post(actor=actor, pledge=pledge)


def pledge_ledger_post(*, actor, pledge: Pledge) -> int:
    """Write a verified pledge into the contributions ledger: one movement per item, from the
    lead organisation to the need, valued as the item is (money at face value, the rest at cost
    to the giver, B4SI), on the day it was verified. Idempotent (each item's movement names it):
    returns how many movements were new. Pledges carry no motivation yet: a pledge to a city's
    need is recorded as a community investment (ADR 0025)."""
    need = Need.objects.select_related("area").get(pk=pledge.need_id)
    organisation = pledge.organisation
    on = timezone.localdate(pledge.verified_at) if pledge.verified_at else timezone.localdate()
    written = 0
    for item in PledgeItem.objects.filter(pledge=pledge).select_related("line").order_by("pk"):
        money = item.line.kind == ResourceKind.MONEY
        quantity = 0 if money else item.quantity
        unit = "" if money else item.line.unit
        ref = f"pledges.pledgeitem:{item.pk}"
        before = group_of_source(city=pledge.city, source_ref=ref) is not None
        group_post(
            actor=actor,
            city=pledge.city,
            legs=[
                Leg(Account.Kind.GIVER, organisation.pk, -item.value_cents, -quantity, unit, organisation.name),
                Leg(Account.Kind.NEED, need.pk, item.value_cents, quantity, unit, need.title),
            ],
            source=Source.PLEDGE,
            source_ref=ref,
            resource_kind=item.line.kind,
            motivation=Motivation.COMMUNITY_INVESTMENT,
            valuation=Valuation.FACE_VALUE if money else Valuation.COST,
            effective_on=on,
            themes=need.theme_keys,
            area_code=need.area.code if need.area_id else "",
        )
        written += not before
    return written


def pledges_ledger_backfill() -> int:
    """Write every verified pledge of every city into the ledger (the pledges verified before
    the ledger existed; the migration runs it). Re-running adds nothing. Returns the movements
    written."""
    written = 0
    with scopes_disabled():
        pledges = Pledge.objects.filter(state=Pledge.State.VERIFIED).select_related("city", "organisation")
        for pledge in pledges.order_by("city_id", "verified_at", "pk"):
            with transaction.atomic():
                written += pledge_ledger_post(actor=None, pledge=pledge)
    return written


#: the states in which evidence is added, replaced or withdrawn: after verification it is the record
EVIDENCE_OPEN_STATES = (
    Pledge.State.ACCEPTED,
    Pledge.State.AGREED,
    Pledge.State.IN_DELIVERY,
    Pledge.State.DELIVERED,
)


def _evidence_file_check(*, kind: str, file):
    """(the file as stored, its SHA-256), once its kind, type, size and content are checked and it
    is cleaned (core.uploads: images saved again without metadata such as GPS, PDFs without scripts)."""
    suffix = Path(file.name).suffix.lower()
    if kind not in EVIDENCE_TYPES:
        raise _invalid("kind", _("Unknown kind of evidence."), "unknown_kind")
    if suffix not in EVIDENCE_TYPES[kind]:
        raise _invalid(
            "file",
            _("A %(kind)s must be one of: %(types)s.")
            % {"kind": Evidence.Kind(kind).label, "types": ", ".join(sorted(EVIDENCE_TYPES[kind]))},
            "wrong_type",
        )
    file = upload_clean(file, field="file", max_bytes=MAX_EVIDENCE_BYTES)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return file, digest.hexdigest()


def evidence_add(
    *, actor, pledge: Pledge, kind: str, file, description: str = "", volunteer_hours: int | None = None
) -> Evidence:
    """Attach proof of delivery. Checks the file's type, size and content (core.uploads)."""
    require(actor, "pledges.add_evidence", pledge)
    if pledge.state not in EVIDENCE_OPEN_STATES:
        raise ValidationError(
            _("Evidence can be added once the pledge is accepted and until it is verified."), code="closed"
        )
    file, sha256 = _evidence_file_check(kind=kind, file=file)
    evidence = Evidence(
        city=pledge.city,
        pledge=pledge,
        kind=kind,
        file=file,
        file_name=Path(file.name).name[:255],
        sha256=sha256,
        description=description,
        volunteer_hours=volunteer_hours,
        uploaded_by=person(actor),
    )
    with transaction.atomic():
        evidence.save()
        audit_log(
            actor=actor,
            city=pledge.city,
            verb="evidence.add",
            obj=pledge,
            payload={
                "evidence": evidence.pk,
                "kind": kind,
                "file": evidence.file.name,
                "sha256": sha256,
                "volunteer_hours": volunteer_hours,
            },
        )
    return evidence


def _evidence_locked(*, actor, evidence: Evidence) -> tuple[Pledge, Evidence]:
    """The pledge and the evidence, locked and read again, once the actor may correct them now."""
    require(actor, "pledges.change_evidence", evidence.pledge)
    pledge = Pledge.objects.select_for_update(of=("self",)).get(pk=evidence.pledge_id)
    current = Evidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    if pledge.state not in EVIDENCE_OPEN_STATES:
        raise ValidationError(
            _("Evidence can no longer be changed: the pledge is “%(state)s”.") % {"state": pledge.get_state_display()},
            code="closed",
        )
    if current.withdrawn_at is not None:
        raise ValidationError(_("This evidence has already been withdrawn."), code="withdrawn")
    return pledge, current


def _evidence_retire(*, actor, evidence: Evidence, reason: str) -> str:
    """Mark ``evidence`` withdrawn; return the stored name whose file goes once the transaction commits."""
    stored = evidence.file.name
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = person(actor)
    evidence.withdrawn_reason = reason[:255]
    evidence.file = ""
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "file", "updated_at"])
    return stored


def _delete_stored(name: str) -> None:
    if name:
        Evidence._meta.get_field("file").storage.delete(name)


def evidence_withdraw(*, actor, evidence: Evidence, reason: str = "") -> Evidence:
    """Withdraw evidence uploaded by mistake, until the pledge is verified. The file is deleted once
    the change is committed; the row stays (kind, name, SHA-256, who and why) and the audit trail
    says so. A delivered pledge keeps at least one piece of evidence: replace it instead."""
    reason = (reason or "").strip()
    with transaction.atomic():
        pledge, current = _evidence_locked(actor=actor, evidence=evidence)
        remaining = pledge.evidence.filter(withdrawn_at__isnull=True).exclude(pk=current.pk)
        if pledge.state == Pledge.State.DELIVERED and not remaining.exists():
            raise ValidationError(
                _("A delivered pledge keeps its evidence: replace this file rather than withdraw it."),
                code="last_evidence",
            )
        stored = _evidence_retire(actor=actor, evidence=current, reason=reason)
        audit_log(
            actor=actor,
            city=pledge.city,
            verb="evidence.withdraw",
            obj=pledge,
            payload={"evidence": current.pk, "file": stored, "sha256": current.sha256, "reason": reason[:255]},
        )
        transaction.on_commit(lambda: _delete_stored(stored))
    return current


def evidence_replace(*, actor, evidence: Evidence, file, description: str | None = None, reason: str = "") -> Evidence:
    """Put a corrected file in place of ``evidence`` (same kind and volunteer hours unless the
    description changes): the new row names the one it replaces, which is withdrawn."""
    reason = (reason or "").strip()
    file, sha256 = _evidence_file_check(kind=evidence.kind, file=file)
    with transaction.atomic():
        pledge, current = _evidence_locked(actor=actor, evidence=evidence)
        stored = _evidence_retire(actor=actor, evidence=current, reason=reason)
        replacement = Evidence(
            city=pledge.city,
            pledge=pledge,
            kind=current.kind,
            file=file,
            file_name=Path(file.name).name[:255],
            sha256=sha256,
            description=current.description if description is None else description,
            volunteer_hours=current.volunteer_hours,
            uploaded_by=person(actor),
            replaces=current,
        )
        replacement.save()
        audit_log(
            actor=actor,
            city=pledge.city,
            verb="evidence.replace",
            obj=pledge,
            payload={
                "evidence": replacement.pk,
                "replaces": current.pk,
                "file": replacement.file.name,
                "sha256": sha256,
                "old_file": stored,
                "old_sha256": current.sha256,
                "reason": reason[:255],
            },
        )
        transaction.on_commit(lambda: _delete_stored(stored))
    return replacement
