"""Writes for pledges: propose against resource lines without ever over-committing them,
move along the lifecycle, record evidence of delivery."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr.core.images import image_check
from cities4csr.core.notifications import notify
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.core.states import TransitionError, transition_check
from cities4csr.needs.models import Need, ResourceKind, ResourceLine
from cities4csr.needs.services import need_refresh_totals, need_transition
from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer, is_org_representative

from .models import Evidence, Pledge, PledgeItem
from .states import NEEDS_REASON, TRANSITIONS

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


def pledge_propose(
    *,
    actor,
    need: Need,
    organisation,
    items: list[tuple[ResourceLine, int]],
    costs: dict[int, int] | None = None,
    partners=(),
    is_public: bool = True,
    message: str = "",
    allow_overcommit: bool = False,
) -> Pledge:
    """Commit quantities of the need's lines. Lines are locked (need first, then lines by id), so
    concurrent pledges can never take more than a line has room for; an officer may allow more.

    Goods, time, expertise and space are valued at their cost to the giver (B4SI): ``costs``
    maps a line's id to the cost the giver declares, in EUR cents; a line without one is valued
    at the need's own estimate, pro rata."""
    require(actor, "pledges.add_pledge", organisation)
    if allow_overcommit:
        require(actor, "pledges.allow_overcommit", need)
    if organisation.city_id != need.city_id:
        raise ValidationError(_("The organisation is not in this city."))
    items = [(line, int(quantity)) for line, quantity in items if quantity]
    if not items:
        raise ValidationError(_("Pledge at least one resource line."))
    if any(q < 0 for _line, q in items):
        raise ValidationError(_("Quantities must be positive."))
    if any(line.need_id != need.pk for line, _q in items):
        raise ValidationError(_("A resource line does not belong to this need."))
    costs = {int(pk): cost for pk, cost in (costs or {}).items()}
    if set(costs) - {line.pk for line, _q in items}:
        raise ValidationError(_("A cost is given for a line that is not pledged."))
    if any(line.kind == ResourceKind.MONEY for line, _q in items if line.pk in costs):
        raise ValidationError(_("Money is its own value: give a cost only for goods, time, expertise or space."))
    if any(not isinstance(cost, int) or cost < 0 for cost in costs.values()):
        raise ValidationError(_("A cost is an amount of euro cents, zero or more."))
    with transaction.atomic():
        locked_need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if locked_need.state not in OPEN_NEED_STATES:
            raise ValidationError(_("This need is not open for pledges."))
        wanted = {line.pk: quantity for line, quantity in items}
        lines = {
            line.pk: line
            for line in ResourceLine.objects.select_for_update(of=("self",)).filter(pk__in=wanted).order_by("pk")
        }
        for pk, quantity in wanted.items():
            line = lines[pk]
            if quantity > line.remaining and not allow_overcommit:
                raise OverCommitError(
                    _("Only %(remaining)s %(unit)s of “%(label)s” are still needed; you offered %(quantity)s.")
                    % {"remaining": line.remaining, "unit": line.unit, "label": line.label, "quantity": quantity}
                )
        pledge = Pledge.objects.create(
            city=need.city,
            need=locked_need,
            organisation=organisation,
            is_public=is_public,
            message=message,
            created_by=person(actor),
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
        pledge.partners.set(partners)
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
            },
        )
        _notify(pledge, officers=True)
    return pledge


def _release(pledge: Pledge) -> None:
    """Give a declined or withdrawn pledge's quantities back to its lines (under lock)."""
    Need.objects.select_for_update(of=("self",)).get(pk=pledge.need_id)
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
    need_refresh_totals(pledge.need)


def pledge_roles(actor, pledge: Pledge) -> set[str]:
    if actor is None:  # the system (demo loader, commands) plays every role
        return {"officer", "pledger"}
    roles = set()
    if is_city_officer(actor, pledge):
        roles.add("officer")
    if is_org_representative(actor, pledge.organisation):
        roles.add("pledger")
    return roles


def pledge_transition(*, actor, pledge: Pledge, to: str, reason: str = "", instrument: str = "", on=None) -> Pledge:
    """Move a pledge along its lifecycle. "agreed" is reached only through the instrument
    advisor (cities4csr.instruments.services.agreement_conclude): the agreement records the
    instrument, and a blocking step (the public notice of a large sponsorship) must have run."""
    try:
        transition = transition_check(TRANSITIONS, pledge.state, to, pledge_roles(actor, pledge))
    except PermissionError:
        raise PermissionDenied(f"pledge.{to}") from None
    except TransitionError as exc:
        raise ValidationError(str(exc)) from None
    if (pledge.state, to) in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if to == Pledge.State.AGREED:
        instrument = _agreed_instrument(pledge, on or timezone.localdate())
    if to == Pledge.State.DELIVERED and not pledge.evidence.exists():
        raise ValidationError(_("Add evidence of delivery (a photo, a receipt, an attendance list) first."))
    source = pledge.state
    with transaction.atomic():
        if to in (Pledge.State.DECLINED, Pledge.State.WITHDRAWN):
            _release(pledge)
        pledge.state = to
        pledge.reason = reason if reason else pledge.reason
        if instrument:
            pledge.instrument = instrument
        if to == Pledge.State.VERIFIED:
            pledge.verified_at = timezone.now()
        pledge.save(update_fields=["state", "reason", "instrument", "verified_at", "updated_at"])
        audit_log(
            actor=actor,
            city=pledge.city,
            verb=f"pledge.{transition.verb}",
            obj=pledge,
            payload={"from": source, "to": to, "reason": reason, "instrument": instrument},
        )
        if to == Pledge.State.ACCEPTED and pledge.need.state == Need.State.PUBLISHED:
            need_transition(actor=None, need=pledge.need, to=Need.State.IN_PROGRESS)
        _notify(pledge, officers=to == Pledge.State.DELIVERED, reason=reason)
    return pledge


def _agreed_instrument(pledge: Pledge, on) -> str:
    from cities4csr.instruments.models import Agreement
    from cities4csr.instruments.services import agreement_blockers

    agreement = Agreement.objects.filter(city=pledge.city, pledge=pledge).first()
    blockers = agreement_blockers(agreement, on=on)
    if blockers:
        raise ValidationError({"instrument": blockers})
    if agreement.agreed_on is None:
        raise ValidationError({"instrument": _("Conclude the agreement from the advisor's checklist.")})
    return agreement.instrument


def _notify(pledge: Pledge, *, officers: bool, reason: str = "") -> None:
    """The pledging organisation's people always; the city's officers when they have something to do."""
    from cities4csr.organisations.models import CityRole

    people = [
        m.user
        for m in Membership.objects.filter(city=pledge.city, organisation=pledge.organisation).select_related("user")
    ]
    if officers:
        people += [
            r.user
            for r in CityRole.objects.filter(city=pledge.city, role__in=["admin", "officer"]).select_related("user")
        ]
    notify(
        users=people,
        city=pledge.city,
        template="pledge_transition",
        context={
            "model": "pledges.pledge",
            "state": pledge.state,
            "title": pledge.need.title,
            "organisation": pledge.organisation.name,
            "reason": reason,
            "url": reverse("pledge_detail", kwargs={"city_slug": pledge.city.slug, "pk": pledge.pk}),
        },
    )


def evidence_add(
    *, actor, pledge: Pledge, kind: str, file, description: str = "", volunteer_hours: int | None = None
) -> Evidence:
    """Attach proof of delivery. Checks the file's type and size; photos must be real images."""
    require(actor, "pledges.add_evidence", pledge)
    if pledge.state not in (
        Pledge.State.ACCEPTED,
        Pledge.State.AGREED,
        Pledge.State.IN_DELIVERY,
        Pledge.State.DELIVERED,
    ):
        raise ValidationError(_("Evidence can be added once the pledge is accepted and until it is verified."))
    suffix = Path(file.name).suffix.lower()
    if kind not in EVIDENCE_TYPES:
        raise ValidationError({"kind": _("Unknown kind of evidence.")})
    if suffix not in EVIDENCE_TYPES[kind]:
        raise ValidationError(
            {
                "file": _("A %(kind)s must be one of: %(types)s.")
                % {"kind": Evidence.Kind(kind).label, "types": ", ".join(sorted(EVIDENCE_TYPES[kind]))}
            }
        )
    if file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    if kind == Evidence.Kind.PHOTO:
        _check_image(file)
    evidence = Evidence(
        city=pledge.city,
        pledge=pledge,
        kind=kind,
        file=file,
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
            payload={"kind": kind, "file": evidence.file.name, "volunteer_hours": volunteer_hours},
        )
    return evidence


def _check_image(file) -> None:
    image_check(file, field="file")
