"""The city's dashboard (issue 12, item 5; ADR 0038): reads only.

- ``totals_over_time``: per month or quarter, what reached the city's needs and the organisations
  its funds paid (cash, in-kind value, hours of volunteer time and pro-bono expertise), read from
  the ledger through ``ledger.selectors.flows`` (the one read of the ledger); the companies and
  foundations that gave (their giver accounts, from the same read); the needs fulfilled (the first
  time each need was marked fulfilled or delivered, from the audit trail).
- ``pipeline``: the funnel published → pledged → delivered → verified, for the whole city (the
  officer's home calls it: written once) or ``funnel_by`` theme, area (NIL) or action of the plan.
- ``dashboard``: all of it for the public page, the API and the exports, kept in the cache
  until the ledger, a need or a pledge of the city changes (``dashboard_version``).

Public figures only: sums and counts, never a giver's name. Callers are inside the city's scope.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.db.models import CharField, Count, F, Min, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from cities4csr.cities.models import City
from cities4csr.core.i18n import pick
from cities4csr.core.models import AuditEvent
from cities4csr.ledger.models import Account, ChainHead
from cities4csr.ledger.resources import ResourceKind
from cities4csr.ledger.selectors import RECEIVERS, flows, flows_kept
from cities4csr.needs.models import Need
from cities4csr.needs.selectors import catalogue_choices
from cities4csr.pledges.models import Pledge

N = Need.State
P = Pledge.State

#: needs the public sees (needs.filters.PUBLIC_STATES): "published" in the funnel
PUBLIC_NEED_STATES = [N.PUBLISHED, N.IN_PROGRESS, N.FULFILLED, N.DELIVERED, N.VERIFIED, N.CLOSED]
#: pledges the city took on (accepted and after), declined and withdrawn ones aside: "pledged"
LIVE_PLEDGES = [P.ACCEPTED, P.AGREED, P.IN_DELIVERY, P.DELIVERED, P.VERIFIED]
DELIVERED_PLEDGES = [P.DELIVERED, P.VERIFIED]
STAGES = ("published", "pledged", "delivered", "verified")
#: B4SI's "how": in-kind is goods, expertise and space at their value; time is counted in hours
IN_KIND = (ResourceKind.GOODS, ResourceKind.EXPERTISE, ResourceKind.SPACE)
HOURS = (ResourceKind.VOLUNTEER_TIME, ResourceKind.EXPERTISE)  # expertise is pro-bono time too
#: the audit verbs that mark a need fulfilled (the city's "fulfil", or delivered straight away)
FULFILLED_VERBS = ("need.fulfil", "need.deliver")
STEPS = ("month", "quarter")
DIMENSIONS = ("theme", "area", "action")
CACHE_SECONDS = 600
#: the longest run of empty periods filled in between two with figures (10 years of months)
MAX_PERIODS = 120


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the dashboard to: a period (both days included), a theme (its
    key), an area (a NIL code), an action of the plan (its number), and months or quarters."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    theme: str = ""
    area: str = ""
    action: int | None = None
    step: str = "month"

    def key(self) -> str:
        return "|".join(str(v if v is not None else "") for v in asdict(self).values())


@dataclass(frozen=True)
class Stage:
    key: str  # published, pledged, delivered, verified
    count: int  # needs for "published", pledges after
    value_cents: int
    percent: int  # of the value published


@dataclass
class Period:
    """One month or quarter of the totals over time."""

    start: datetime.date
    cash_cents: int = 0
    in_kind_cents: int = 0
    time_cents: int = 0  # volunteer time valued at cost
    minutes: int = 0  # volunteer time and pro-bono expertise
    givers: int = 0  # companies and foundations that gave
    needs_fulfilled: int = 0

    @property
    def hours(self) -> int:
        return round(self.minutes / 60)


@dataclass(frozen=True)
class FunnelRow:
    """The funnel of one theme, area or action (``key``: its key, code or number)."""

    key: str
    stages: list[Stage]


@dataclass
class Dashboard:
    filters: Filters
    periods: list[Period]
    totals: Period  # the whole period (givers: counted once each)
    funnel: list[Stage]
    by: dict[str, list[FunnelRow]] = field(default_factory=dict)
    key: str = ""  # its cache key (dashboard_key)


# --- the funnel -------------------------------------------------------------------------------------


def _money(value) -> int:
    return int(value or 0)


def _stages(needs: dict, pledges: dict) -> list[Stage]:
    base = _money(needs.get("published_value"))

    def stage(key: str, count, value) -> Stage:
        value = _money(value)
        return Stage(key, int(count or 0), value, min(100, round(100 * value / base)) if base else 0)

    return [
        stage("published", needs.get("published"), base),
        stage("pledged", pledges.get("pledged"), pledges.get("pledged_value")),
        stage("delivered", pledges.get("delivered"), pledges.get("delivered_value")),
        stage("verified", pledges.get("verified"), pledges.get("verified_value")),
    ]


NEED_FIGURES = {
    "published": Count("pk", filter=Q(state__in=PUBLIC_NEED_STATES)),
    "published_value": Coalesce(Sum("value_requested_cents", filter=Q(state__in=PUBLIC_NEED_STATES)), 0),
}
PLEDGE_FIGURES = {
    "pledged": Count("pk", filter=Q(state__in=LIVE_PLEDGES)),
    "pledged_value": Coalesce(Sum("value_cents", filter=Q(state__in=LIVE_PLEDGES)), 0),
    "delivered": Count("pk", filter=Q(state__in=DELIVERED_PLEDGES)),
    "delivered_value": Coalesce(Sum("value_cents", filter=Q(state__in=DELIVERED_PLEDGES)), 0),
    "verified": Count("pk", filter=Q(state=P.VERIFIED)),
    "verified_value": Coalesce(Sum("value_cents", filter=Q(state=P.VERIFIED)), 0),
}


def _need_filter(filters: Filters | None, prefix: str = "") -> Q:
    """The needs (or, with ``prefix`` "need__", the pledges to needs) of the filters' theme, area
    and action."""
    q = Q()
    if filters is None:
        return q
    if filters.theme:
        q &= Q(**{f"{prefix}theme_keys__contains": f"|{filters.theme}|"})
    if filters.area:
        q &= Q(**{f"{prefix}area__code": filters.area}) | Q(**{f"{prefix}district__code": filters.area})
    if filters.action is not None:
        q &= Q(**{f"{prefix}action__number": filters.action})
    return q


def _period_filter(filters: Filters | None, field_name: str) -> Q:
    q = Q()
    if filters is not None and filters.since:
        q &= Q(**{f"{field_name}__date__gte": filters.since})
    if filters is not None and filters.until:
        q &= Q(**{f"{field_name}__date__lte": filters.until})
    return q


def pipeline(
    *, city, filters: Filters | None = None, need_figures: dict | None = None, pledge_figures: dict | None = None
) -> tuple[list[Stage], dict]:
    """The funnel published → pledged → delivered → verified of the city (narrowed by
    ``filters``: needs published and pledges made in the period, of a theme, area or action):
    needs public and the value they ask, then pledges the city took on, delivered and verified,
    with their value and its share of the value published. Two queries; ``need_figures`` and
    ``pledge_figures`` are further aggregates of the same two queries (the officer's counts),
    returned beside the stages."""
    needs = (
        Need.objects.filter(_need_filter(filters), _period_filter(filters, "published_at"), city=city)
        .order_by()
        .aggregate(**NEED_FIGURES, **(need_figures or {}))
    )
    pledges = (
        Pledge.objects.filter(_need_filter(filters, "need__"), _period_filter(filters, "created_at"), city=city)
        .order_by()
        .aggregate(**PLEDGE_FIGURES, **(pledge_figures or {}))
    )
    extra = {name: needs[name] for name in need_figures or {}} | {name: pledges[name] for name in pledge_figures or {}}
    return _stages(needs, pledges), extra


#: the column each breakdown groups needs by
DIMENSION_FIELDS = {"theme": "themes__key", "area": "area__code", "action": "action__number"}


def funnel_by(*, city, dimension: str, filters: Filters | None = None) -> list[FunnelRow]:
    """The funnel per theme (a need of two themes counts in each), per NIL or per action of the
    plan; needs with none aside. Two queries."""
    column = DIMENSION_FIELDS[dimension]
    needs = (
        Need.objects.filter(_need_filter(filters), _period_filter(filters, "published_at"), city=city)
        .exclude(**{f"{column}__isnull": True})
        .values(group=F(column))
        .annotate(**NEED_FIGURES)
        .order_by("group")
    )
    pledges = (
        Pledge.objects.filter(_need_filter(filters, "need__"), _period_filter(filters, "created_at"), city=city)
        .exclude(**{f"need__{column}__isnull": True})
        .values(group=F(f"need__{column}"))
        .annotate(**PLEDGE_FIGURES)
        .order_by("group")
    )
    by_need = {row["group"]: row for row in needs}
    by_pledge = {row["group"]: row for row in pledges}
    rows = [
        FunnelRow(str(group), _stages(by_need.get(group, {}), by_pledge.get(group, {})))
        for group in sorted(set(by_need) | set(by_pledge), key=lambda g: (str(type(g)), g))
    ]
    return [row for row in rows if any(stage.count for stage in row.stages)]


# --- totals over time -------------------------------------------------------------------------------


def period_start(day: datetime.date, step: str) -> datetime.date:
    if isinstance(day, datetime.datetime):
        day = day.date()
    if step == "quarter":
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return datetime.date(day.year, day.month, 1)


def _ledger_filters(city, filters: Filters, giver: bool = False) -> tuple[tuple, dict]:
    """(account kinds, posting filters) for ``flows``: the movements of the filters' theme and
    area (the movement's own facets) and, for an action, those into its needs' accounts."""
    kinds = (Account.Kind.GIVER,) if giver else RECEIVERS
    narrow: dict = {}
    if filters.theme:
        narrow["group__themes__contains"] = f"|{filters.theme}|"
    if filters.area:
        narrow["group__area_code"] = filters.area
    if filters.action is not None:
        needs = Need.objects.filter(city=city, action__number=filters.action).values("pk")
        if giver:  # what givers gave in movements into the action's needs
            narrow["group__postings__account__kind"] = Account.Kind.NEED
            narrow["group__postings__account__ref_id__in"] = needs
        else:
            kinds = (Account.Kind.NEED,)
            narrow["account__ref_id__in"] = needs
    return kinds, narrow


def totals_over_time(*, city, filters: Filters) -> tuple[list[Period], Period]:
    """Per month (or quarter) of the period: cash, in-kind value, hours and the value of time
    received by the city's needs and by organisations paid by its funds, net of reversals; the
    companies and foundations that gave; the needs fulfilled. And the same over the whole period.
    Three queries (two reads of the ledger, one of the audit trail)."""
    step = filters.step if filters.step in STEPS else "month"
    periods: dict[datetime.date, Period] = {}
    total = Period(filters.since or datetime.date.min)

    def at(day) -> Period:
        start = period_start(day, step)
        if start not in periods:
            periods[start] = Period(start)
        return periods[start]

    kinds, narrow = _ledger_filters(city, filters)
    query = {"kinds": kinds, "since": filters.since, "until": filters.until, "by": ("month", "resource_kind", "unit")}
    if filters.action is None:  # plain filters: the sums are kept and brought up to date (flows_kept)
        name = f"dashboard:{filters.since or ''}:{filters.until or ''}:{filters.theme or ''}:{filters.area or ''}"
        received = flows_kept(city=city, name=name, filters=narrow or None, **query)
    else:  # an action's needs are a subquery: read as it is
        received = flows(city=city, filters=narrow or None, **query)
    for flow in received:
        for row in (at(flow.month), total):
            if flow.resource_kind == ResourceKind.MONEY:
                row.cash_cents += flow.value_cents
            elif flow.resource_kind in IN_KIND:
                row.in_kind_cents += flow.value_cents
            else:
                row.time_cents += flow.value_cents
            if flow.resource_kind in HOURS:
                row.minutes += flow.minutes
    kinds, narrow = _ledger_filters(city, filters, giver=True)
    gave = flows(
        city=city,
        kinds=kinds,
        since=filters.since,
        until=filters.until,
        by=("month", "account_ref"),
        outgoing=True,
        filters=narrow or None,
    )
    givers: set[int] = set()
    for flow in gave:
        if flow.value_cents > 0 or flow.quantity > 0:  # gave something net of reversals
            at(flow.month).givers += 1
            givers.add(flow.account_ref)
    total.givers = len(givers)
    for day in needs_fulfilled(city=city, filters=filters):
        at(day).needs_fulfilled += 1
        total.needs_fulfilled += 1
    if periods:  # the periods without a movement, as zeros, so that time reads evenly
        first, last = min(periods), max(periods)
        if filters.since:
            first = min(first, period_start(filters.since, step))
        if filters.until:
            last = max(last, period_start(filters.until, step))
        day, months = first, 3 if step == "quarter" else 1
        for _ in range(MAX_PERIODS):
            if day > last:
                break
            at(day)
            index = day.month - 1 + months
            day = datetime.date(day.year + index // 12, index % 12 + 1, 1)
    return [periods[start] for start in sorted(periods)], total


def needs_fulfilled(*, city, filters: Filters) -> list[datetime.date]:
    """The day each need of the filters' theme, area and action was first marked fulfilled (or
    delivered), when that day is in the period (one query)."""
    needs = Need.objects.filter(_need_filter(filters), city=city).order_by()
    firsts = (
        AuditEvent.objects.filter(
            city=city,
            object_type="needs.need",
            verb__in=FULFILLED_VERBS,
            object_id__in=needs.annotate(text=Cast("pk", output_field=CharField(max_length=64))).values("text"),
        )
        .values("object_id")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    days = [row["first"].date() for row in firsts]
    return sorted(
        day
        for day in days
        if (filters.since is None or day >= filters.since) and (filters.until is None or day <= filters.until)
    )


def filter_choices(*, city) -> dict:
    """The filters' choices in the reader's words, from the catalogue's (read once a minute):
    ``{"themes": [(key, label)], "areas": [(code, name)], "actions": [(number, title)]}``."""
    choices = catalogue_choices(city=city)
    return {
        "themes": [(key, pick(names) or key) for key, names in choices["themes"]],
        "areas": choices["areas"][city.settings.primary_area_kind],
        "actions": [(number, pick(titles) or str(number)) for number, titles in choices["actions"]],
    }


def dimension_names(choices: dict) -> dict[str, dict[str, str]]:
    """{dimension: {key: name}} of ``filter_choices``: the rows of ``funnel_by`` named."""
    return {
        "theme": dict(choices["themes"]),
        "area": dict(choices["areas"]),
        "action": {str(number): title for number, title in choices["actions"]},
    }


# --- all of it, cached ------------------------------------------------------------------------------


def dashboard_version(*, city) -> str:
    """What changes when a figure of the dashboard may change: the ledger's head (every movement
    moves it) and the city's latest audit event (every change of a need or a pledge, and every
    movement, writes one in the same transaction). One query, on two unique indexes (the head's
    city, the audit trail's id read backwards)."""
    stamps = (
        City.objects.filter(pk=city.pk)
        .values(
            seq=Subquery(ChainHead.objects.filter(city=city).order_by().values("seq")[:1]),
            event=Subquery(AuditEvent.objects.filter(city=city).order_by("-id").values("id")[:1]),
        )
        .first()
    )
    return f"{stamps['seq'] or 0}:{stamps['event'] or 0}"


def dashboard_key(*, city, filters: Filters) -> str:
    """The cache key of the city's dashboard under ``filters`` as it is now."""
    digest = hashlib.sha256(f"{dashboard_version(city=city)}|{filters.key()}".encode()).hexdigest()[:32]
    return f"impact.dashboard:{city.pk}:{digest}"


def dashboard_build(*, city, filters: Filters) -> Dashboard:
    periods, totals = totals_over_time(city=city, filters=filters)
    stages, _extra = pipeline(city=city, filters=filters)
    return Dashboard(
        filters=filters,
        periods=periods,
        totals=totals,
        funnel=stages,
        by={dimension: funnel_by(city=city, dimension=dimension, filters=filters) for dimension in DIMENSIONS},
    )


def dashboard(*, city, filters: Filters) -> Dashboard:
    """The dashboard of the city narrowed by ``filters``: from the cache while nothing it reads
    has changed (the version, then the cache), else built (about a dozen queries). Its ``key``
    names this state: the page keeps its rendered tables under it too."""
    key = dashboard_key(city=city, filters=filters)
    found = cache.get(key)
    if found is None:
        found = dashboard_build(city=city, filters=filters)
        found.key = key
        cache.set(key, found, CACHE_SECONDS)
    return found
