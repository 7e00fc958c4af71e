"""Writes for matching: recompute a city's recommendations, launch a collective action from a
pooling proposal, answer an invitation (accepting makes the company's pledge)."""

from __future__ import annotations

import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cities4csr.core.lifecycle import effect, transition_apply
from cities4csr.core.notifications import notify
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person
from cities4csr.needs.models import Need, ResourceLine
from cities4csr.organisations.models import Membership
from cities4csr.pledges.services import OPEN_NEED_STATES, pledge_propose

from .adapter import city_weights, load_city
from .engine import COMPONENTS, Matcher
from .models import CollectiveAction, Invitation, MatchRun, Recommendation

TOP_K = 10


def pair_facts(parts: dict, i: int, site_ids: np.ndarray | None, company_position: int) -> dict:
    """The JSON stored for one pair: components and the facts an explanation cites."""
    slot = int(parts["site_slot"][i])
    return {
        **{name: round(float(parts[name][i]), 4) for name in COMPONENTS},
        "shared_themes": int(parts["shared_themes"][i]),
        "coverage": round(float(parts["coverage"][i]), 4),
        "site": int(site_ids[company_position, slot]) if slot >= 0 and site_ids is not None else None,
        "distance_m": int(parts["distance_m"][i]) if slot >= 0 else None,
        "same_area": bool(parts["same_area"][i]),
        "same_district": bool(parts["same_district"][i]),
        "preferred_area": bool(parts["preferred_area"][i]),
        "priority": bool(parts["priority"][i]),
        "deprivation": round(float(parts["deprivation"][i]), 3),
    }


def recommendations_recompute(*, city, k: int = TOP_K) -> MatchRun:
    """Score every open need against every company of ``city`` and keep each side's top-k.

    Runs in the background (tasks.recompute_matches), never in a request; the previous run's
    rows stay readable until the new ones commit.
    """
    started = time.perf_counter()
    data = load_city(city)
    weights = city_weights(city)
    matcher = Matcher(data.companies, data.needs, data.geography, weights)
    pairs: dict[tuple[int, int], dict] = {}
    if len(data.companies) and len(data.needs):
        by_company, by_need = matcher.run(k=k)
        for c in range(len(data.companies)):
            for rank, n in enumerate(by_company.index[c]):
                if n >= 0:
                    pairs.setdefault((c, int(n)), {})["company_rank"] = rank + 1
        for n in range(len(data.needs)):
            for rank, c in enumerate(by_need.index[n]):
                if c >= 0:
                    pairs.setdefault((int(c), n), {})["need_rank"] = rank + 1
    keys = sorted(pairs)
    parts = matcher.components([c for c, _n in keys], [n for _c, n in keys]) if keys else {}
    with transaction.atomic():
        run = MatchRun.objects.create(
            city=city,
            companies=len(data.companies),
            needs=len(data.needs),
            weights={name: getattr(weights, name) for name in weights.__dataclass_fields__},
        )
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    city=city,
                    run=run,
                    organisation_id=int(matcher.companies.ids[c]),
                    need_id=int(matcher.needs.ids[n]),
                    score=round(float(parts["score"][i]), 4),
                    components=pair_facts(parts, i, data.site_ids, c),
                    **pairs[c, n],
                )
                for i, (c, n) in enumerate(keys)
            ],
            batch_size=2000,
        )
        MatchRun.objects.filter(city=city).exclude(pk=run.pk).delete()  # older runs and their rows
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["seconds"])
        audit_log(
            actor=None,
            city=city,
            verb="matching.recompute",
            obj=run,
            payload={"companies": run.companies, "needs": run.needs, "pairs": len(keys)},
        )
    return run


# -- collective actions ---------------------------------------------------------------------------


def _items_for(need: Need, allocation_by_kind: dict[str, int]) -> dict[int, int]:
    """Turn EUR cents per kind into quantities of the need's open lines (never more than remains)."""
    items: dict[int, int] = {}
    lines = ResourceLine.objects.filter(need=need).order_by("id")
    left = dict(allocation_by_kind)
    for line in lines:
        cents = left.get(line.kind, 0)
        if cents <= 0 or line.remaining <= 0 or not line.value_cents:
            continue
        quantity = min(line.remaining, int(cents * line.quantity // line.value_cents))
        if quantity <= 0:
            continue
        items[line.pk] = quantity
        left[line.kind] = cents - line.value_of(quantity)
    return items


def collective_action_launch(*, actor, need: Need) -> CollectiveAction:
    """Invite the companies of the need's current pooling proposal, in one step."""
    from .selectors import pool_proposal

    require(actor, "matching.launch_collective_action", need)
    if need.state not in OPEN_NEED_STATES:
        raise ValidationError(_("This need is not open for pledges."))
    proposal = pool_proposal(city=need.city, need=need)
    if proposal is None or not proposal.members:
        raise ValidationError(_("No combination of offers covers any of this need's gap."))
    with transaction.atomic():
        Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if CollectiveAction.objects.filter(need=need, state=CollectiveAction.State.OPEN).exists():
            raise ValidationError(_("This need already has an open collective action."))
        action = CollectiveAction.objects.create(
            city=need.city, need=need, created_by=person(actor), proposal=proposal.summary()
        )
        for member in proposal.members:
            items = _items_for(need, member.cents_by_kind)
            if not items:
                continue
            Invitation.objects.create(
                city=need.city,
                action=action,
                organisation=member.organisation,
                items={str(k): v for k, v in items.items()},
                offers={str(k): v for k, v in member.offers.items()},
                value_cents=sum(member.offers.values()),
            )
        invited = list(action.invitations.select_related("organisation").order_by("organisation_id"))
        if not invited:
            raise ValidationError(_("No combination of offers covers any of this need's gap."))
        audit_log(
            actor=actor,
            city=need.city,
            verb="collective.launch",
            obj=action,
            payload={**proposal.summary(), "organisations": [i.organisation_id for i in invited]},
        )
        people = Membership.objects.filter(
            city=need.city, organisation__in=[i.organisation_id for i in invited], role=Membership.Role.REPRESENTATIVE
        ).select_related("user")
        notify(
            users=[m.user for m in people],
            city=need.city,
            template="collective_invitation",
            context={
                "title": need.title,
                "companies": len(invited),
                "url": reverse("need_detail", kwargs={"city_slug": need.city.slug, "pk": need.pk}),
            },
        )
    return action


def invitation_transition(*, actor, invitation: Invitation, to: str) -> Invitation:
    """Accept (the company's pledge is proposed for what is still missing), decline or withdraw."""
    return transition_apply(actor=actor, obj=invitation, to=to)


@effect("matching.invitation", to=Invitation.State.ACCEPTED)
def _pledge_for_invitation(actor, invitation: Invitation, transition, context) -> None:
    """The company's own pledge, for what is still missing of the lines it was invited to."""
    need = invitation.action.need
    lines = {line.pk: line for line in ResourceLine.objects.filter(need=need, pk__in=map(int, invitation.items))}
    items = [
        (lines[int(pk)], min(int(q), lines[int(pk)].remaining))
        for pk, q in sorted(invitation.items.items(), key=lambda kv: int(kv[0]))
        if int(pk) in lines
    ]
    if not any(q for _line, q in items):
        raise ValidationError(
            _("Others have covered this need in the meantime: nothing is left to pledge."), code="covered"
        )
    invitation.pledge = pledge_propose(
        actor=actor,
        need=need,
        organisation=invitation.organisation,
        items=items,
        message=_("Part of a collective action proposed by the city."),
    )
    invitation.save(update_fields=["pledge", "updated_at"])


@effect("matching.invitation")
def _close_when_answered(actor, invitation: Invitation, transition, context) -> None:
    """The collective action closes once no invitation waits for an answer."""
    action = invitation.action
    if action.state == CollectiveAction.State.OPEN and not action.invitations.filter(state=Invitation.State.INVITED):
        transition_apply(actor=None, obj=action, to=CollectiveAction.State.CLOSED)
