"""Reads for matching: stored recommendations (pages, API), and live proposals computed on demand
for one need (pooling, who to notify) — small, one need against the city's companies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cities4csr.needs.models import Need
from cities4csr.offers.models import CsrProfile
from cities4csr.offers.selectors import offers_live
from cities4csr.organisations.models import Organisation, Site

from .adapter import city_weights, load_city
from .engine import KINDS, Matcher
from .engine.pooling import PoolOffer, pool_need
from .explain import explain
from .models import CollectiveAction, Invitation, MatchRun, Recommendation

POOL_CANDIDATES = 10  # the need's stored top-k


def last_run(*, city) -> MatchRun | None:
    return MatchRun.objects.filter(city=city).order_by("-created_at", "-id").first()


def recommendations_for_company(*, city, organisation, k: int = 10):
    return (
        Recommendation.objects.filter(city=city, organisation=organisation, company_rank__isnull=False)
        .select_related("need", "need__area", "need__action")
        .order_by("company_rank", "id")[:k]
    )


def recommendations_for_need(*, city, need, k: int = 10):
    return (
        Recommendation.objects.filter(city=city, need=need, need_rank__isnull=False)
        .select_related("organisation")
        .order_by("need_rank", "id")[:k]
    )


def sites_by_id(*, city, recommendations) -> dict[int, Site]:
    """The sites the explanations cite, in one query."""
    ids = {r.components.get("site") for r in recommendations} - {None}
    return {s.pk: s for s in Site.objects.filter(city=city, pk__in=ids).order_by("pk")}


def explained(*, city, recommendations, reader: str) -> list[Recommendation]:
    """The recommendations, each with ``reasons``: its explanation in the active language, for
    ``reader`` "company" (your themes…) or "city" (their themes…)."""
    rows = list(recommendations)
    sites = sites_by_id(city=city, recommendations=rows)
    for row in rows:
        row.reasons = explain(row.components, sites=sites, reader=reader)
    return rows


def live_matcher(*, city, need: Need):
    data = load_city(city, need_ids=[need.pk])
    return data, Matcher(data.companies, data.needs, data.geography, city_weights(city))


@dataclass
class Member:
    organisation: Organisation
    score: float
    offers: dict[int, int] = field(default_factory=dict)  # offer id -> cents
    cents_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class Proposal:
    members: list[Member]
    method: str
    lower_bound: int
    gap: float
    covered_cents: int
    target_cents: int
    missing_cents: int

    def summary(self) -> dict:
        return {
            "method": self.method,
            "lower_bound": self.lower_bound,
            "gap": round(self.gap, 4),
            "covered_cents": self.covered_cents,
            "target_cents": self.target_cents,
            "missing_cents": self.missing_cents,
        }


def pool_proposal(*, city, need: Need) -> Proposal | None:
    """The fewest companies, among the need's stored best matches, whose active offers together
    cover what the need still misses (or as much as they can). None before the first run."""
    ranked = list(recommendations_for_need(city=city, need=need, k=POOL_CANDIDATES))
    if not ranked:
        return None
    scores = {r.organisation_id: r.score for r in ranked}
    kind_index = {k: i for i, k in enumerate(KINDS)}
    offers = [
        PoolOffer(o.pk, o.organisation_id, kind_index[o.kind], o.value_cents, scores[o.organisation_id])
        for o in offers_live(city=city).filter(organisation__in=scores).order_by("pk")
    ]
    gap = [0] * len(KINDS)
    for line in need.lines.all():
        gap[kind_index[line.kind]] += line.value_of(line.remaining)
    pool = pool_need(gap, offers)
    organisations = {r.organisation_id: r.organisation for r in ranked}
    kind_of = {o.offer_id: KINDS[o.kind] for o in offers}
    by_company = defaultdict(dict)
    for offer in offers:
        if offer.offer_id in pool.allocation:
            by_company[offer.company_id][offer.offer_id] = pool.allocation[offer.offer_id]
    members = []
    for company in sorted(pool.companies, key=lambda c: (-scores[c], c)):
        cents_by_kind: dict[str, int] = defaultdict(int)
        for offer_id, cents in by_company[company].items():
            cents_by_kind[kind_of[offer_id]] += cents
        members.append(Member(organisations[company], scores[company], by_company[company], dict(cents_by_kind)))
    return Proposal(
        members=members,
        method=pool.method,
        lower_bound=pool.lower_bound,
        gap=pool.gap,
        covered_cents=int(sum(pool.covered_cents)),
        target_cents=int(sum(pool.target_cents)),
        missing_cents=int(sum(gap)),
    )


def companies_to_notify(*, city, need: Need, k: int = 20) -> list[Organisation]:
    """Companies among the need's best matches that asked to hear about new needs that fit them."""
    data, matcher = live_matcher(city=city, need=need)
    if not len(matcher.needs) or not len(matcher.companies):
        return []
    top = matcher.for_need(0, k=min(k, len(matcher.companies)))
    good = [
        int(matcher.companies.ids[c])
        for c, s in zip(top.index[0], top.score[0], strict=True)
        if c >= 0 and s >= matcher.weights.notify_min_score
    ]
    wanting = set(
        CsrProfile.objects.filter(city=city, organisation__in=good, notify_new_needs=True).values_list(
            "organisation_id", flat=True
        )
    )
    return list(Organisation.objects.filter(pk__in=wanting).order_by("pk"))


def open_action_for_need(*, city, need):
    return (
        CollectiveAction.objects.filter(city=city, need=need)
        .prefetch_related("invitations__organisation")
        .order_by("-created_at", "-id")
        .first()
    )


def invitations_of(*, city, organisations):
    return (
        Invitation.objects.filter(city=city, organisation__in=organisations)
        .select_related("action__need", "organisation", "pledge")
        .order_by("-created_at", "-id")
    )


@dataclass
class CityAllocation:
    rows: list[dict]  # {offer, organisation, need, cents}
    covered_cents: int
    gap: float
    computed_at: object


def allocation_proposal(*, city) -> CityAllocation | None:
    """City-wide: assign every active offer's capacity to open needs, maximising equity-weighted
    covered EUR (HiGHS LP) over the stored need–company pairs. None before the first run."""
    import numpy as np

    from .adapter import OPEN_STATES
    from .engine.pooling import allocate_city

    run = last_run(city=city)
    if run is None:
        return None
    pairs = list(
        Recommendation.objects.filter(city=city, run=run, need_rank__isnull=False, need__state__in=OPEN_STATES)
        .order_by("need_id", "need_rank")
        .values_list("need_id", "organisation_id", "score", "components")
    )
    need_ids = sorted({p[0] for p in pairs})
    need_pos = {n: i for i, n in enumerate(need_ids)}
    kind_index = {k: i for i, k in enumerate(KINDS)}
    gap = np.zeros((len(need_ids), len(KINDS)), dtype=np.int64)
    from cities4csr.needs.models import ResourceLine

    for need_id, kind, quantity, committed, value in ResourceLine.objects.filter(
        city=city, need__in=need_ids
    ).values_list("need_id", "kind", "quantity", "committed", "value_cents"):
        gap[need_pos[need_id], kind_index[kind]] += round(value * max(quantity - committed, 0) / quantity)
    weight = np.zeros(len(need_ids))
    for need_id, _org, _score, components in pairs:
        weight[need_pos[need_id]] = 1 + components.get("equity", 0)
    offers = list(
        offers_live(city=city)
        .filter(organisation__in={p[1] for p in pairs})
        .order_by("pk")
        .values_list("pk", "organisation_id", "kind", "value_cents")
    )
    by_company = defaultdict(list)
    for i, (_pk, org, _kind, _value) in enumerate(offers):
        by_company[org].append(i)
    edges = [(i, need_pos[n], s) for n, org, s, _c in pairs for i in by_company[org]]
    if not edges:
        return CityAllocation([], 0, 0.0, run.created_at)
    result = allocate_city(
        offer_ids=np.array([o[0] for o in offers]),
        offer_kind=np.array([kind_index[o[2]] for o in offers]),
        offer_capacity=np.array([o[3] for o in offers], dtype=np.int64),
        need_ids=np.array(need_ids),
        need_gap=gap,
        need_weight=weight,
        edges_offer=np.array([e[0] for e in edges]),
        edges_need=np.array([e[1] for e in edges]),
        edges_score=np.array([e[2] for e in edges]),
    )
    organisation_of = {o[0]: o[1] for o in offers}
    rows = [
        {"offer": offer, "organisation": organisation_of[offer], "need": need, "cents": cents}
        for (offer, need), cents in sorted(result.amounts.items())
    ]
    return CityAllocation(rows, result.covered_cents, result.gap, run.created_at)


def collective_actions_for_officer(*, actor, city, q: str = ""):
    """Every collective action of the city, open and closed, newest first, with the number of
    companies invited and of those that accepted; ``q`` searches the need's title."""
    from django.db.models import Count, Q

    from cities4csr.organisations.rules import is_city_officer

    if not is_city_officer(actor, city):
        return CollectiveAction.objects.none()
    actions = (
        CollectiveAction.objects.filter(city=city)
        .select_related("need")
        .only("state", "created_at", "need__title")
        .annotate(
            invited=Count("invitations"),
            accepted=Count("invitations", filter=Q(invitations__state=Invitation.State.ACCEPTED)),
        )
        .order_by("-created_at", "-id")
    )
    for word in q.split():
        actions = actions.filter(need__title__icontains=word)
    return actions
