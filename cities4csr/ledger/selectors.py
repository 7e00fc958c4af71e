"""Reads of the contributions ledger: balances, movements, and the check of a city's chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django_scopes import scope

from .chain import GENESIS, group_hash
from .models import Account, ChainHead, Posting, PostingGroup
from .resources import as_minutes
from .services import group_content


def account_of(*, city, kind: str, ref_id: int) -> Account | None:
    return Account.objects.with_scopes_disabled().filter(city=city, kind=kind, ref_id=ref_id).first()


def group_of_source(*, city, source_ref: str) -> PostingGroup | None:
    """The movement that records ``source_ref`` ("pledges.pledgeitem:12"), if written."""
    return PostingGroup.objects.with_scopes_disabled().filter(city=city, source_ref=source_ref).first()


def account_balance(*, account: Account) -> int:
    """The account's balance in cents: one indexed sum of its postings (``Account.balance_cents``
    is the same figure kept by the writes, which ``ledger_verify`` compares)."""
    total = Posting.objects.with_scopes_disabled().filter(account=account).aggregate(total=Sum("amount_cents"))
    return total["total"] or 0


def groups_of(*, city):
    """A city's movements in chain order, with their postings and accounts."""
    return (
        PostingGroup.objects.with_scopes_disabled()
        .filter(city=city)
        .select_related("reverses")
        .prefetch_related("postings__account")
        .order_by("seq")
    )


@dataclass
class ChainReport:
    """The result of checking a city's ledger: ``broken`` is None when all holds, else the first
    problem found, as ``(seq, reason)`` (seq 0: not a movement, the head or a balance)."""

    city: object
    groups: int
    head_hash: str
    broken: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def ledger_chain_verify(*, city, chunk: int = 2000) -> ChainReport:
    """Walk ``city``'s movements in order: each one must follow the previous (number and hash),
    its hash must match its content and postings, and its postings must sum to zero; then the
    head must name the last one and each account's stored balance the sum of its postings."""
    with scope(city=city.pk):
        return _chain_verify(city, chunk)


def _chain_verify(city, chunk: int) -> ChainReport:
    expected_prev = GENESIS
    count = 0
    running: dict[int, int] = {}
    for group in groups_of(city=city).iterator(chunk_size=chunk):
        count += 1
        postings = list(group.postings.all())
        if group.seq != count:
            return ChainReport(city, count, expected_prev, (group.seq, f"expected movement #{count} here"))
        if group.prev_hash != expected_prev:
            return ChainReport(city, count, expected_prev, (group.seq, "does not follow the previous movement"))
        legs = [(p.account.kind, p.account.ref_id, p.amount_cents, p.quantity, p.unit) for p in postings]
        if len(postings) < 2 or sum(p.amount_cents for p in postings) or sum(p.quantity for p in postings):
            return ChainReport(city, count, expected_prev, (group.seq, "its postings do not sum to zero"))
        if group_hash(prev_hash=group.prev_hash, content=group_content(group), postings=legs) != group.hash:
            return ChainReport(city, count, expected_prev, (group.seq, "its content does not match its hash"))
        for p in postings:
            running[p.account_id] = running.get(p.account_id, 0) + p.amount_cents
            if p.balance_after_cents is not None and p.balance_after_cents != running[p.account_id]:
                return ChainReport(
                    city,
                    count,
                    expected_prev,
                    (group.seq, f"the running balance of {p.account} is not the sum before it"),
                )
        expected_prev = group.hash
    head = ChainHead.objects.with_scopes_disabled().filter(city=city).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != expected_prev:
        return ChainReport(
            city, count, expected_prev, (0, f"the head names movement #{head_seq}, the chain ends at #{count}")
        )
    sums = dict(
        Posting.objects.with_scopes_disabled()
        .filter(city=city)
        .values("account")
        .annotate(total=Sum("amount_cents"))
        .values_list("account", "total")
        .order_by("account")
    )
    for account in Account.objects.with_scopes_disabled().filter(city=city).order_by("pk"):
        if account.balance_cents != sums.get(account.pk, 0):
            return ChainReport(
                city, count, expected_prev, (0, f"the balance of {account} is not the sum of its postings")
            )
    return ChainReport(city, count, expected_prev)


@dataclass
class TimeGiven:
    """The time a giver's people gave to one receiver (a need, or the host organisation of an
    activity serving no need): net minutes and their value at cost, corrections included."""

    kind: str  # Account.Kind.NEED or RECIPIENT
    ref_id: int
    label: str
    minutes: int
    value_cents: int


def time_given(*, city, giver_id: int) -> list[TimeGiven]:
    """What the giver ``giver_id`` (an organisation) gave in time, by receiver, most first: the
    movements that take minutes from its account (approved volunteering hours), net of their
    reversals. One query; nothing when it never gave time."""
    giver = account_of(city=city, kind=Account.Kind.GIVER, ref_id=giver_id)
    if giver is None:
        return []
    groups = Posting.objects.with_scopes_disabled().filter(account=giver, unit="minutes").values("group_id")
    rows = (
        Posting.objects.with_scopes_disabled()
        .filter(city=city, group_id__in=groups, unit="minutes")
        .exclude(account=giver)
        .values("account__kind", "account__ref_id", "account__label")
        .annotate(minutes=Sum("quantity"), value_cents=Sum("amount_cents"))
        .order_by("-minutes", "account__ref_id")
    )
    return [
        TimeGiven(
            row["account__kind"], row["account__ref_id"], row["account__label"], row["minutes"], row["value_cents"]
        )
        for row in rows
        if row["minutes"] > 0
    ]


# --- what moved, summed by facet: the one read behind every report --------------------------------

#: the facets a flow is summed by: B4SI's how (resource kind), why (motivation), what (themes)
#: and where (area), the movement's source, the unit of its quantities, its month, the account
FACETS = {
    "resource_kind": F("group__resource_kind"),
    "motivation": F("group__motivation"),
    "themes": F("group__themes"),
    "area_code": F("group__area_code"),
    "source": F("group__source"),
    "unit": F("unit"),
    "month": TruncMonth("group__effective_on"),
    "account_kind": F("account__kind"),
    "account_ref": F("account__ref_id"),
    # the ref of the account on the other side of the movement: only with a filter naming that
    # side's kind, e.g. {"group__postings__account__kind": "giver"} (the join is the filter's)
    "counterpart_ref": F("group__postings__account__ref_id"),
}

#: the accounts that receive for the city's neighbourhoods: a need, or an organisation paid by a fund
RECEIVERS = (Account.Kind.NEED, Account.Kind.RECIPIENT)


@dataclass(frozen=True)
class Flow:
    """Value and quantity moved into (or out of, for a giver) accounts, summed over the
    movements that share ``facets`` (a dict of the facets asked for). Reversals count with
    their sign, so a reversed movement nets to nothing."""

    facets: dict
    value_cents: int
    quantity: int

    def __getattr__(self, name):
        try:
            return self.__dict__["facets"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def minutes(self) -> int:
        """The quantity as minutes of time, read from the unit (0 when it is not time)."""
        return as_minutes(self.quantity, self.facets.get("unit", ""))


def flows(
    *,
    city,
    kinds=RECEIVERS,
    ref_id: int | None = None,
    since=None,
    until=None,
    by: tuple[str, ...] = ("resource_kind", "motivation", "themes", "area_code", "unit"),
    outgoing: bool = False,
    filters: dict | None = None,
) -> list[Flow]:
    """The ledger's postings on accounts of ``kinds`` (one account when ``ref_id`` is given),
    from ``since`` to ``until`` (effective dates, both included), summed by the facets ``by``
    (names of ``FACETS``): one query. ``outgoing`` turns a giver's negative postings into what it
    gave. ``filters`` narrows further on the posting (``{"group__source": "pledge"}``).

    Time is summed in the unit it was posted in: keep "unit" among the facets when the kind
    may be time, and read ``Flow.minutes``."""
    postings = Posting.objects.with_scopes_disabled().filter(city=city, account__kind__in=kinds)
    if ref_id is not None:
        postings = postings.filter(account__ref_id=ref_id)
    if since is not None:
        postings = postings.filter(group__effective_on__gte=since)
    if until is not None:
        postings = postings.filter(group__effective_on__lte=until)
    if filters:
        postings = postings.filter(**filters)
    sign = -1 if outgoing else 1
    rows = (
        postings.values(**{f"by_{name}": FACETS[name] for name in by})
        .annotate(value_cents=Sum("amount_cents"), quantity=Sum("quantity"))
        .order_by(*(f"by_{name}" for name in by))
    )
    return [
        Flow(
            {name: row[f"by_{name}"] for name in by},
            sign * (row["value_cents"] or 0),
            sign * (row["quantity"] or 0),
        )
        for row in rows
    ]


#: kept sums take at most this many new movements; after more, the ledger is read whole again
KEPT_DELTA_MAX = 5_000
KEPT_SECONDS = 24 * 3600


def flows_kept(*, city, name: str, **query) -> list[Flow]:
    """``flows(city=city, **query)``, kept in the cache under ``name`` with the number of the
    city's last movement its sums include (the chain head). A later read returns them while the
    ledger has not moved, adds only the movements written since (numbered in order: one indexed
    range; a reversal is a movement of its own, so the sums stay right), or reads the ledger
    again after more than ``KEPT_DELTA_MAX`` of them. ``name`` must say everything the query
    asks (the same name, the same query), and the query's values must be plain (no querysets).
    For the reports whose one heavy read is the whole ledger summed (the equity lens, the
    dashboard): a page then costs what changed since it was last read."""
    head = ChainHead.objects.filter(city=city).values_list("seq", flat=True).first() or 0
    key = f"ledger.flows:{city.pk}:{name}"
    by = tuple(query.get("by", ("resource_kind", "motivation", "themes", "area_code", "unit")))
    found = cache.get(key)
    if found is None or found["by"] != by or not found["seq"] <= head <= found["seq"] + KEPT_DELTA_MAX:
        found = {"by": by, "seq": 0, "sums": {}}
    if found["seq"] < head:
        sums = dict(found["sums"])
        narrow = {**(query.pop("filters", None) or {}), "group__seq__gt": found["seq"], "group__seq__lte": head}
        for flow in flows(city=city, filters=narrow, **query):
            facets = tuple(flow.facets[n] for n in by)
            value, quantity = sums.get(facets, (0, 0))
            sums[facets] = (value + flow.value_cents, quantity + flow.quantity)
        found = {"by": by, "seq": head, "sums": sums}
        cache.set(key, found, KEPT_SECONDS)
    return [Flow(dict(zip(by, facets, strict=True)), *found["sums"][facets]) for facets in found["sums"]]
