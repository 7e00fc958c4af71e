"""Reads for results (ADR 0034): the results tree rolled up by weight (``rollup``), the results
of one need or action, the review queue, an organisation's updates, and the public timeline of a
need or an action told from its publication to its results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cities4csr.core.models import AuditEvent
from cities4csr.ledger.models import Account
from cities4csr.ledger.selectors import flows
from cities4csr.needs.filters import PUBLIC_STATES
from cities4csr.needs.models import Action, Need
from cities4csr.organisations.rules import is_city_officer

from . import rollup
from .models import IndicatorUpdate, ResultIndicator

U = IndicatorUpdate.State


def _latest(field: str, until: datetime.date | None = None):
    approved = IndicatorUpdate.objects.filter(indicator=OuterRef("pk"), state=U.APPROVED)
    if until is not None:
        approved = approved.filter(measured_on__lte=until)
    return Subquery(approved.order_by("-measured_on", "-pk").values(field)[:1])


def indicators_with_latest(*, city, until: datetime.date | None = None) -> QuerySet[ResultIndicator]:
    """The city's indicators, each with its latest APPROVED value, day and evidence link as of
    ``until`` (``latest_value``, ``latest_on``, ``latest_evidence_url``; None when nothing was
    approved): one query. Drafts, submitted and returned values never count."""
    return ResultIndicator.objects.filter(city=city).annotate(
        latest_value=_latest("value", until),
        latest_on=_latest("measured_on", until),
        latest_evidence_url=_latest("evidence_url", until),
    )


def public_indicators(*, city) -> QuerySet[ResultIndicator]:
    """The indicators anyone may read (of an action of the plan, or of a public need) with their
    latest approved value (``indicators_with_latest``), in order, the need's area at hand."""
    return (
        indicators_with_latest(city=city)
        .filter(Q(need__isnull=True) | Q(need__state__in=PUBLIC_STATES))
        .select_related("action", "need__area")
        .defer("need__area__geometry")
        .order_by("pk")
    )


def _leaf(indicator) -> rollup.Node:
    node = rollup.leaf(
        f"indicator:{indicator.pk}",
        weight=indicator.weight,
        baseline=indicator.baseline,
        target=indicator.target,
        value=indicator.latest_value,
    )
    node.obj = indicator
    return node


def _branch(key, children, obj) -> rollup.Node:
    node = rollup.branch(key, children)
    node.obj = obj
    return node


def _public_needs(city) -> QuerySet[Need]:
    return Need.objects.filter(city=city, state__in=PUBLIC_STATES)


def results_tree(*, city, actor=None) -> rollup.Node:
    """plan → actions → needs → indicators, each node with its object (``node.obj``), progress
    rolled up by weight. Public needs only. Three queries: actions, needs, indicators."""
    actions = list(Action.objects.filter(city=city).order_by("number"))
    needs = list(
        _public_needs(city)
        .select_related("area")
        .only("pk", "title", "translations", "action_id", "area__code", "state", "lat", "lon")
        .order_by("pk")
    )
    need_ids = {n.pk for n in needs}
    indicators = list(
        indicators_with_latest(city=city)
        .filter(Q(action__isnull=False) | Q(need_id__in=need_ids))
        .order_by("action_id", "need_id", "pk")
    )
    by_need: dict[int, list] = {}
    by_action: dict[int, list] = {}
    for indicator in indicators:
        if indicator.need_id:
            by_need.setdefault(indicator.need_id, []).append(_leaf(indicator))
        else:
            by_action.setdefault(indicator.action_id, []).append(_leaf(indicator))
    need_nodes: dict[int | None, list] = {}
    for need in needs:
        if need.pk in by_need:
            need_nodes.setdefault(need.action_id, []).append(_branch(f"need:{need.pk}", by_need[need.pk], need))
    action_nodes = []
    for action in actions:
        children = by_action.get(action.pk, []) + need_nodes.get(action.pk, [])
        action_nodes.append(_branch(f"action:{action.number}", children, action))
    if need_nodes.get(None):
        action_nodes.append(_branch("action:none", need_nodes[None], None))
    return _branch("plan", action_nodes, city)


def _updates_approved(city, indicators) -> QuerySet[IndicatorUpdate]:
    return (
        IndicatorUpdate.objects.filter(city=city, indicator__in=indicators, state=U.APPROVED)
        .select_related("organisation")
        .order_by("indicator_id", "-measured_on", "-pk")
    )


def _with_updates(city, indicators_qs) -> list[ResultIndicator]:
    indicators = list(
        indicators_qs.prefetch_related(
            Prefetch(
                "updates",
                queryset=IndicatorUpdate.objects.filter(city=city, state=U.APPROVED)
                .select_related("organisation")
                .order_by("-measured_on", "-pk"),
                to_attr="approved",
            )
        ).order_by("pk")
    )
    for indicator in indicators:
        indicator.progress = rollup.indicator_progress(
            baseline=indicator.baseline, target=indicator.target, value=indicator.latest_value
        )
    return indicators


def need_results(*, city, actor, pk) -> tuple[Need, list[ResultIndicator], rollup.Node]:
    """A public need (or one the actor may see), its indicators with their approved updates, and
    its node of the tree."""
    try:
        need = Need.objects.filter(city=city).select_related("area", "owner", "action").get(pk=pk)
    except (Need.DoesNotExist, ValueError):
        raise Http404("No such need") from None
    if not actor.has_perm("needs.view_need", need):
        raise Http404("No such need")
    indicators = _with_updates(city, indicators_with_latest(city=city).filter(need=need))
    node = _branch(f"need:{need.pk}", [_leaf(i) for i in indicators], need)
    return need, indicators, node


def action_results(*, city, actor, number) -> tuple[Action, list[ResultIndicator], rollup.Node]:
    """An action of the plan, its own indicators, and its node (its public needs' under it)."""
    action = Action.objects.filter(city=city, number=number).first()
    if action is None:
        raise Http404("No such action")
    tree = results_tree(city=city, actor=actor)
    node = next(n for n in tree.children if n.obj is not None and n.obj.pk == action.pk)
    indicators = _with_updates(city, indicators_with_latest(city=city).filter(action=action))
    return action, indicators, node


def indicator_get(*, city, actor, pk) -> ResultIndicator:
    """An indicator the actor may change (404 otherwise)."""
    try:
        indicator = indicators_with_latest(city=city).select_related("need", "need__owner", "action").get(pk=pk)
    except (ResultIndicator.DoesNotExist, ValueError):
        raise Http404("No such indicator") from None
    if not actor.has_perm("impact.add_update", indicator):
        raise Http404("No such indicator")
    return indicator


def indicators_editable(*, city, actor) -> QuerySet[ResultIndicator]:
    """The indicators the actor keeps: all for officers, their organisations' needs' otherwise."""
    qs = indicators_with_latest(city=city).select_related("need", "action").order_by("action_id", "need_id", "pk")
    if is_city_officer(actor, city):
        return qs
    if not actor.is_authenticated:
        return qs.none()
    return qs.filter(need__owner__memberships__user=actor).distinct()


def indicators_listed(*, city, actor) -> QuerySet[ResultIndicator]:
    """The indicators of the plan and of public needs, and those the actor keeps (the API's list)."""
    editable = indicators_editable(city=city, actor=actor).values("pk")
    return (
        indicators_with_latest(city=city)
        .filter(Q(need__isnull=True) | Q(need__state__in=PUBLIC_STATES) | Q(pk__in=editable))
        .order_by("pk")
    )


def _updates(city) -> QuerySet[IndicatorUpdate]:
    return IndicatorUpdate.objects.filter(city=city).select_related(
        "indicator", "indicator__need", "indicator__action", "organisation", "author", "decided_by"
    )


def update_get(*, city, actor, pk) -> IndicatorUpdate:
    """An update the actor may see: 404 if the city has none with this id or the actor may not."""
    try:
        update = _updates(city).get(pk=pk)
    except (IndicatorUpdate.DoesNotExist, ValueError):
        raise Http404("No such update") from None
    if not actor.has_perm("impact.view_update", update):
        raise Http404("No such update")
    return update


def evidence_get(*, city, actor, pk) -> IndicatorUpdate:
    """An update whose evidence file the actor may open (404 unknown, 403 not theirs)."""
    try:
        update = _updates(city).get(pk=pk)
    except (IndicatorUpdate.DoesNotExist, ValueError):
        raise Http404("No such update") from None
    if not actor.has_perm("impact.view_update", update):
        raise PermissionDenied
    if not update.evidence:
        raise Http404("No evidence")
    return update


def updates_to_review(*, city) -> QuerySet[IndicatorUpdate]:
    """Submitted updates, oldest first: the officers' queue."""
    return _updates(city).filter(state=U.SUBMITTED).order_by("submitted_at", "pk")


def updates_of_organisation(*, city, actor) -> QuerySet[IndicatorUpdate]:
    """The updates the actor wrote or that their organisations report, newest first."""
    if not actor.is_authenticated:
        return IndicatorUpdate.objects.none()
    return (
        _updates(city)
        .filter(Q(author=actor) | Q(organisation__memberships__user=actor))
        .distinct()
        .order_by("-updated_at", "-pk")
    )


def updates_visible(*, city, actor) -> QuerySet[IndicatorUpdate]:
    """Officers: every update; others: the approved ones of public needs and of the plan, and
    those of their organisations (the API's list)."""
    qs = _updates(city)
    if is_city_officer(actor, city):
        return qs.order_by("-measured_on", "-pk")
    public = Q(state=U.APPROVED) & (Q(indicator__need__isnull=True) | Q(indicator__need__state__in=PUBLIC_STATES))
    if actor.is_authenticated:
        public |= Q(organisation__memberships__user=actor) | Q(indicator__need__owner__memberships__user=actor)
    return qs.filter(public).distinct().order_by("-measured_on", "-pk")


def map_points(*, city) -> dict:
    """Public needs with a place and at least one indicator, as GeoJSON points coloured by
    progress (0..100), and the mean progress per area code (for shading)."""
    tree = results_tree(city=city)
    url = reverse("results_need", kwargs={"city_slug": city.slug, "pk": 0})
    features = []
    for action in tree.children:
        for child in action.children:
            need = child.obj
            if not isinstance(need, Need) or need.lat is None or need.lon is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": need.pk,
                    "geometry": {"type": "Point", "coordinates": [need.lon, need.lat]},
                    "properties": {
                        "title": need.title,
                        "progress": round((child.progress or 0) * 100),
                        "url": url.replace("/0/", f"/{need.pk}/"),
                        "area": need.area.code if need.area_id else "",
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def progress_by_area(*, city) -> dict[str, float]:
    """Mean progress (in %) of the measured needs of each area."""
    sums: dict[str, list] = {}
    for feature in map_points(city=city)["features"]:
        code = feature["properties"]["area"]
        if code:
            sums.setdefault(code, []).append(feature["properties"]["progress"])
    return {code: sum(v) / len(v) for code, v in sums.items()}


@dataclass
class Moment:
    """One dated line of a timeline, in the reader's words."""

    on: datetime.date
    kind: str  # published, pledge, delivery, hours, result, started, delivered, verified
    text: str
    url: str = ""


NEED_MOMENTS = {
    "need.publish": ("published", lambda: _("The city published the need.")),
    "need.start": ("started", lambda: _("Work on the need started.")),
    "need.fulfil": ("delivered", lambda: _("Everything the need asked for was pledged.")),
    "need.deliver": ("delivered", lambda: _("Everything pledged was delivered.")),
    "need.verify": ("verified", lambda: _("The city verified the delivery.")),
    "need.close": ("verified", lambda: _("The need was closed.")),
}
PLEDGE_MOMENTS = {
    "pledge.accept": lambda org: _("The city accepted the pledge of %(org)s.") % {"org": org},
    "pledge.mark_delivered": lambda org: _("%(org)s delivered what it pledged.") % {"org": org},
    "pledge.verify": lambda org: _("The city verified the delivery of %(org)s.") % {"org": org},
}


def _day(moment) -> datetime.date:
    return timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment


def _needs_moments(city, needs: list[Need]) -> dict[int, list[Moment]]:
    """The moments of each need (by id), from publication to delivery: a constant number of
    queries however many needs (the audit trail, the public pledges, one read of the ledger)."""
    from cities4csr.organisations.selectors import visible_to
    from cities4csr.pledges.models import Pledge
    from cities4csr.pledges.selectors import SHOWN_ON_NEED

    moments: dict[int, list[Moment]] = {n.pk: [] for n in needs}
    if not needs:
        return moments
    events = AuditEvent.objects.filter(
        city=city, object_type="needs.need", object_id__in=[str(pk) for pk in moments], verb__in=list(NEED_MOMENTS)
    ).order_by("created_at", "pk")
    for event in events:
        kind, text = NEED_MOMENTS[event.verb]
        moments[int(event.object_id)].append(Moment(_day(event.created_at), kind, text()))
    pledges = {
        str(p.pk): p
        for p in Pledge.objects.filter(
            visible_to(_Anonymous(), city, via="organisation__"),
            city=city,
            need_id__in=list(moments),
            is_public=True,
            state__in=SHOWN_ON_NEED,
        )
        .select_related("organisation")
        .only("pk", "need_id", "organisation__name")
    }
    if pledges:
        pledge_events = AuditEvent.objects.filter(
            city=city, object_type="pledges.pledge", object_id__in=list(pledges), verb__in=list(PLEDGE_MOMENTS)
        ).order_by("created_at", "pk")
        for event in pledge_events:
            pledge = pledges[event.object_id]
            text = PLEDGE_MOMENTS[event.verb](pledge.organisation.name)
            moments[pledge.need_id].append(Moment(_day(event.created_at), "pledge", text))
    one = needs[0].pk if len(needs) == 1 else None
    by = ("month", "resource_kind", "unit") if one else ("account_ref", "month", "resource_kind", "unit")
    for flow in flows(city=city, kinds=(Account.Kind.NEED,), ref_id=one, by=by):
        ref = one or flow.account_ref
        if ref not in moments or (flow.value_cents <= 0 and flow.quantity <= 0):
            continue
        month = (
            flow.month if isinstance(flow.month, datetime.date) else datetime.date.fromisoformat(str(flow.month)[:10])
        )
        if flow.minutes:
            text = _("%(hours)s hours of volunteering were recorded.") % {"hours": _hours(flow.minutes)}
            kind = "hours"
        else:
            text = _("Contributions worth %(amount)s reached the need.") % {
                "amount": _money(flow.value_cents, city.currency)
            }
            kind = "delivery"
        moments[ref].append(Moment(month, kind, text))
    return moments


class _Anonymous:
    """The public's eyes: the timeline names only what anyone may see."""

    is_authenticated = False
    pk = None

    def has_perm(self, *args):
        return False


def _hours(minutes: int) -> str:
    from babel.numbers import format_decimal

    from cities4csr.core.money import active_locale

    return format_decimal(round(minutes / 60, 1), locale=active_locale())


def _money(cents: int, currency: str) -> str:
    from cities4csr.core.money import active_locale, money_format

    return money_format(cents, locale=active_locale(), currency=currency)


def _result_moments(city, indicators) -> list[Moment]:
    from babel.numbers import format_decimal

    from cities4csr.core.money import active_locale

    moments = []
    for indicator in indicators:
        for update in getattr(indicator, "approved", []):
            moments.append(
                Moment(
                    _day(update.decided_at) if update.decided_at else update.measured_on,
                    "result",
                    _("The city approved a result: %(name)s, %(value)s %(unit)s (measured on %(day)s).")
                    % {
                        "name": indicator.name,
                        "value": format_decimal(update.value.normalize(), locale=active_locale()),
                        "unit": indicator.unit,
                        "day": date_format(update.measured_on, "SHORT_DATE_FORMAT"),
                    },
                )
            )
    return moments


def timeline(*, city, actor, need: Need | None = None, action: Action | None = None, indicators=None) -> list[Moment]:
    """The story of a need (or of every public need of an action), from its publication through
    pledges, delivery and verification to approved results: dated lines, oldest first."""
    if (need is None) == (action is None):
        raise TypeError("need or action")
    if indicators is None:
        indicators = _with_updates(
            city,
            indicators_with_latest(city=city).filter(need=need)
            if need
            else indicators_with_latest(city=city).filter(action=action),
        )
    moments = _result_moments(city, indicators)
    if need is not None:
        moments += _needs_moments(city, [need])[need.pk]
    else:
        needs = list(_public_needs(city).filter(action=action).only("pk", "title").order_by("pk"))
        by_need = _needs_moments(city, needs)
        for indicator in _with_updates(city, indicators_with_latest(city=city).filter(need__in=needs)):
            by_need[indicator.need_id] += _result_moments(city, [indicator])
        for one in needs:
            url = reverse("results_need", kwargs={"city_slug": city.slug, "pk": one.pk})
            for moment in by_need[one.pk]:
                moment.text = f"{one.title}: {moment.text}"
                moment.url = url
                moments.append(moment)
    order = {
        "published": 0,
        "pledge": 1,
        "started": 2,
        "delivery": 3,
        "hours": 3,
        "delivered": 4,
        "verified": 5,
        "result": 6,
    }
    return sorted(moments, key=lambda m: (m.on, order.get(m.kind, 9)))
