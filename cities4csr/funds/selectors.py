"""Reads of city funds: the funds a person sees, a fund's balance and what it has available,
its contributions and awards."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer

from .models import Award, Contribution, Disbursement, Fund
from .services import awards_pending_cents


def funds_visible(*, actor, city):
    """The city's funds: everyone sees them (a fund is public money)."""
    return Fund.objects.filter(city=city).select_related("account").order_by("-opens_on", "pk")


def fund_figures(*, fund: Fund) -> dict:
    """Balance, reserved by approved awards, and available, in cents: two queries whatever the
    number of movements (the balance is the ledger account's, kept by its writes)."""
    balance = fund.account.balance_cents
    reserved = awards_pending_cents(account=fund.account)
    return {"balance_cents": balance, "reserved_cents": reserved, "available_cents": balance - reserved}


def contributions_visible(*, actor, city):
    """An officer sees the city's contributions; a person their own and their organisations'."""
    contributions = Contribution.objects.filter(city=city).select_related("target", "organisation", "earmark")
    if actor is not None and is_city_officer(actor, city):
        return contributions
    if actor is None or not actor.is_authenticated:
        return contributions.none()
    represented = Membership.objects.filter(city=city, user=actor, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return contributions.filter(Q(user=actor) | Q(organisation__in=represented))


def awards_of(*, fund: Fund):
    return Award.objects.filter(fund=fund).select_related("purpose", "organisation", "need").order_by("-act_on", "-pk")


# --- the public ledger of a fund (ADR 0030) ----------------------------------------------------
# Every movement of a fund's ledger account, newest first, a page at a time, with who was on the
# other side in words a visitor may read (a donor's name only with their consent), the running
# balance the ledger wrote with each posting, and what each movement's hash covers. A page costs
# the same few queries whatever the fund's size: its postings come off the (account, group) index
# by keyset (movements are numbered in the order their rows are written, under the city's chain
# lock, so the group's id orders them as its number does), and the rows that name the other side
# (contributions, disbursements and their awards, the other postings) in one query each.

LEDGER_PAGE_SIZE = 50
LEDGER_EXPORT_CHUNK = 1000


def _ledger_words():
    from django.utils.translation import gettext_lazy as _

    from cities4csr.ledger.models import Source

    kinds = {
        Source.FUND_CONTRIBUTION: _("Contribution"),
        Source.REFUND: _("Refund"),
        Source.DISBURSEMENT: _("Disbursement"),
        Source.MATCH: _("Match funding"),
        Source.CORRECTION: _("Correction"),
        Source.PLEDGE: _("Pledge"),
        Source.AWARD: _("Award"),
    }
    donors = {
        Contribution.DonorKind.CITIZEN: _("a citizen"),
        Contribution.DonorKind.COMPANY: _("a company"),
        Contribution.DonorKind.ASSOCIATION: _("an association"),
        Contribution.DonorKind.FOUNDATION: _("a foundation"),
    }
    return kinds, donors


def ledger_kind_label(source: str) -> str:
    """A movement's kind in the reader's words ("Contribution", "Refund", "Disbursement"…)."""
    kinds, _donors = _ledger_words()
    return str(kinds.get(source, source))


def donor_public_name(contribution) -> str:
    """Who gave, as the public ledger shows them: the name only if the donor agreed to it, else
    what they are ("a citizen", "a company"…). Never an e-mail, a tax code or an address.
    ``contribution``: a Contribution, or anything with its ``name_public``, ``organisation_id``,
    ``organisation_name`` (or ``organisation``), ``donor_name`` and ``donor_kind``."""
    if contribution.name_public:
        if contribution.organisation_id:
            name = getattr(contribution, "organisation_name", None)
            return name if name is not None else contribution.organisation.name
        if contribution.donor_name:
            return contribution.donor_name
    _kinds, donors = _ledger_words()
    return str(donors.get(contribution.donor_kind, donors[Contribution.DonorKind.CITIZEN]))


@dataclass
class LedgerLine:
    """One movement of a fund's account, as the public ledger shows it. Amounts in cents, signed
    as the fund sees them: into the fund positive, out of it negative."""

    seq: int
    effective_on: object
    kind: str  # the ledger's source code: fund_contribution, refund, disbursement, match…
    kind_label: str
    counterpart: str
    amount_cents: int
    balance_after_cents: int | None
    prev_hash: str
    hash: str
    reverses: int | None = None  # the number of the movement a refund or correction undoes
    award: Award | None = None  # what a disbursement pays
    content: dict = field(default_factory=dict)  # what the hash covers besides the postings
    postings: list = field(default_factory=list)  # [kind, ref_id, cents, quantity, unit] of every side


def _counterpart_of_account(side, city) -> str:
    from django.utils.translation import gettext as _

    from cities4csr.ledger.models import Account

    if side.kind == Account.Kind.CITY:
        return _("%(city)s (the city's budget)") % {"city": city.name}
    if side.kind == Account.Kind.PUBLIC:
        return _("donors")
    return side.label or ""


@dataclass(frozen=True)
class _Side:
    """A posting of a movement as the public ledger needs it (no model instance: a page has a
    hundred)."""

    group_id: int
    account_id: int
    kind: str
    ref_id: int
    label: str
    amount_cents: int
    quantity: int
    unit: str


def ledger_lines(*, fund: Fund, postings: list) -> list[LedgerLine]:
    """The ``postings`` of ``fund``'s account (with their ``group`` and its ``reverses``) as
    public ledger lines: three queries whatever their number (every side of their movements, the
    contributions they receive or refund, the disbursements they pay)."""
    from types import SimpleNamespace

    from cities4csr.ledger.models import Posting, Source
    from cities4csr.ledger.services import group_content

    if not postings:
        return []
    city = fund.city
    group_ids = [p.group_id for p in postings]
    reversed_ids = [p.group.reverses_id for p in postings if p.group.reverses_id]
    sides: dict[int, list] = defaultdict(list)
    for row in (
        Posting.objects.with_scopes_disabled()
        .filter(city=city, group_id__in=group_ids)
        .order_by("group_id", "pk")
        .values_list(
            "group_id",
            "account_id",
            "account__kind",
            "account__ref_id",
            "account__label",
            "amount_cents",
            "quantity",
            "unit",
        )
    ):
        sides[row[0]].append(_Side(*row))
    contributions = {
        row["group_id"]: SimpleNamespace(**row)
        for row in Contribution.objects.with_scopes_disabled()
        .filter(city=city, group_id__in=group_ids + reversed_ids)
        .order_by("pk")
        .values(
            "group_id",
            "name_public",
            "organisation_id",
            "donor_name",
            "donor_kind",
            organisation_name=F("organisation__name"),
        )
    }
    disbursements = {
        d.group_id: d
        for d in Disbursement.objects.with_scopes_disabled()
        .filter(city=city, group_id__in=group_ids)
        .select_related("award__organisation", "award__need", "award__purpose")
        .order_by("pk")
    }
    lines = []
    for posting in postings:
        group = posting.group
        contribution = contributions.get(group.pk) or contributions.get(group.reverses_id)
        disbursement = disbursements.get(group.pk)
        award = disbursement.award if disbursement is not None else None
        if contribution is not None:
            counterpart = donor_public_name(contribution)
        elif award is not None:
            counterpart = award.recipient_name
        else:
            others = [s for s in sides[group.pk] if s.account_id != posting.account_id]
            counterpart = ", ".join(dict.fromkeys(_counterpart_of_account(s, city) for s in others))
        lines.append(
            LedgerLine(
                seq=group.seq,
                effective_on=group.effective_on,
                kind=group.source,
                kind_label=ledger_kind_label(group.source),
                counterpart=counterpart,
                amount_cents=posting.amount_cents,
                balance_after_cents=posting.balance_after_cents,
                prev_hash=group.prev_hash,
                hash=group.hash,
                reverses=group.reverses.seq if group.reverses_id else None,
                award=award if group.source == Source.DISBURSEMENT else None,
                content=group_content(group),
                postings=sorted([s.kind, s.ref_id, s.amount_cents, s.quantity, s.unit] for s in sides[group.pk]),
            )
        )
    return lines


def _fund_postings(fund: Fund):
    from cities4csr.ledger.models import Posting

    return (
        Posting.objects.with_scopes_disabled()
        .filter(account_id=fund.account_id)
        .select_related("group", "group__reverses")
    )


@dataclass
class LedgerPage:
    """A page of a fund's public ledger, newest first. ``older``/``newer``: the movement numbers
    to ask for the next page (``?before=``) and the previous one (``?after=``), None at an end."""

    lines: list
    older: int | None
    newer: int | None

    @property
    def has_other_pages(self) -> bool:
        return self.older is not None or self.newer is not None


def _group_id_of_seq(city, seq: int | None):
    """The id of the city's movement number ``seq`` (the keyset of the pages): the nearest
    movement of the city at or after it when that number is not a movement of this fund."""
    from cities4csr.ledger.models import PostingGroup

    if seq is None or seq > 2**63 - 1:
        return None
    found = (
        PostingGroup.objects.with_scopes_disabled()
        .filter(city=city, seq__gte=seq)
        .order_by("seq")
        .values_list("pk", flat=True)
        .first()
    )
    return found


def fund_ledger_page(
    *, fund: Fund, before: int | None = None, after: int | None = None, size: int = LEDGER_PAGE_SIZE
) -> LedgerPage:
    """``size`` movements of ``fund``, newest first: the newest, or those numbered below
    ``before`` (older), or the ``size`` just above ``after`` (newer). A constant number of
    queries at any depth: no count, no offset."""
    postings = _fund_postings(fund)
    if after is not None:
        edge = _group_id_of_seq(fund.city, after + 1)
        window = postings.filter(group_id__gte=edge) if edge is not None else postings.none()
        rows = list(window.order_by("group_id", "pk")[: size + 1])
        if len(rows) <= size:  # up to the newest: the first page
            return fund_ledger_page(fund=fund, size=size)
        rows = rows[:size][::-1]
        older = rows[-1].group.seq if postings.filter(group_id__lt=rows[-1].group_id).exists() else None
        return LedgerPage(ledger_lines(fund=fund, postings=rows), older, rows[0].group.seq)
    if before is not None:
        edge = _group_id_of_seq(fund.city, before)
        if edge is not None:
            postings = postings.filter(group_id__lt=edge)
    rows = list(postings.order_by("-group_id", "-pk")[: size + 1])
    if before is not None and not rows:  # past the oldest: the newest page rather than an empty one
        return fund_ledger_page(fund=fund, size=size)
    more_older = len(rows) > size
    rows = rows[:size]
    newer = rows[0].group.seq if (before is not None and rows) else None
    return LedgerPage(ledger_lines(fund=fund, postings=rows), rows[-1].group.seq if more_older else None, newer)


def fund_ledger_all(*, fund: Fund, chunk: int = LEDGER_EXPORT_CHUNK):
    """Every movement of ``fund`` in chain order (oldest first), as ledger lines, read ``chunk``
    postings at a time by keyset (the exports stream it: memory stays flat at any size)."""
    last = 0
    while True:
        rows = list(_fund_postings(fund).filter(group_id__gt=last).order_by("group_id", "pk")[:chunk])
        if not rows:
            return
        yield from ledger_lines(fund=fund, postings=rows)
        last = rows[-1].group_id


def reference_clean(reference: str) -> str:
    """A payment reference as typed ("rf18 c1n5 …") in its stored form ("RF18C1N5…")."""
    return "".join((reference or "").split()).upper()


def fund_ledger_lookup(*, fund: Fund, reference: str) -> list[LedgerLine]:
    """The movements of the contribution with ``reference`` to ``fund``: its receipt and any
    refund of it, newest first. Nothing for a reference unknown, of another fund, or not received
    yet: the answer is the same, so a guessed reference tells nothing the ledger does not."""
    from cities4csr.ledger.models import PostingGroup

    contribution = (
        Contribution.objects.with_scopes_disabled()
        .filter(city=fund.city, target_id=fund.account_id, reference=reference_clean(reference), group__isnull=False)
        .values_list("group_id", flat=True)
        .first()
    )
    if contribution is None:
        return []
    groups = PostingGroup.objects.with_scopes_disabled().filter(city=fund.city, reverses_id=contribution).values("pk")
    rows = list(
        _fund_postings(fund)
        .filter(Q(group_id=contribution) | Q(group_id__in=groups))
        .order_by("-group_id", "-pk")[:LEDGER_PAGE_SIZE]
    )
    return ledger_lines(fund=fund, postings=rows)


def fund_chain_head(*, city):
    """The city's chain head (number and hash of its newest movement), or None before any."""
    from cities4csr.ledger.models import ChainHead

    return ChainHead.objects.with_scopes_disabled().filter(city=city).only("seq", "last_hash", "city").first()


def fund_awards_public(*, fund: Fund):
    """The awards a visitor sees: decided and approved (approved, paid out, or cancelled after
    approval), with their acts; those only proposed are still to be approved."""
    return (
        Award.objects.with_scopes_disabled()
        .filter(city=fund.city, fund=fund)
        .filter(Q(state__in=[Award.State.APPROVED, Award.State.PAID]) | Q(approved_at__isnull=False))
        .select_related("purpose", "organisation", "need")
        .order_by("-act_on", "-pk")
    )


TOTALS_CACHE_SECONDS = 24 * 3600


#: at most this many new movements are added to the cached totals; more, and they are read again whole
TOTALS_DELTA_MAX = 1000


def _source_sums_whole(fund: Fund) -> dict:
    from cities4csr.ledger.models import Account, Posting

    sums = dict.fromkeys([*Contribution.DonorKind.values, Account.Kind.CITY, Account.Kind.CAMPAIGN], 0)
    for row in (
        Contribution.objects.with_scopes_disabled()
        .filter(city=fund.city, target_id=fund.account_id, group__isnull=False)
        .values("donor_kind")
        .annotate(given=Sum("received_cents"), refunded=Sum("refunded_cents"))
        .order_by("donor_kind")
    ):
        sums[row["donor_kind"]] = (row["given"] or 0) - (row["refunded"] or 0)
    # the city's budget and campaigns: few accounts with few postings, each matched to the fund's
    fund_groups = Posting.objects.with_scopes_disabled().filter(account_id=fund.account_id).values("group_id")
    for row in (
        Posting.objects.with_scopes_disabled()
        .filter(city=fund.city, account__kind__in=[Account.Kind.CITY, Account.Kind.CAMPAIGN], group_id__in=fund_groups)
        .values("account__kind")
        .annotate(total=Sum("amount_cents"))
        .order_by("account__kind")
    ):
        sums[row["account__kind"]] = -(row["total"] or 0)
    return sums


def _source_sums_since(fund: Fund, sums: dict, since: int, until: int) -> dict | None:
    """``sums`` (as of movement id ``since``) plus the fund's movements after it, up to ``until``:
    three queries; None when there are more than TOTALS_DELTA_MAX of them."""
    from cities4csr.ledger.models import Account, Posting, Source

    rows = list(
        _fund_postings(fund)
        .filter(group_id__gt=since, group_id__lte=until)
        .order_by("group_id")
        .values_list("group_id", "group__reverses_id", "group__source", "amount_cents")[: TOTALS_DELTA_MAX + 1]
    )
    if len(rows) > TOTALS_DELTA_MAX:
        return None
    group_ids = [row[0] for row in rows]
    asked = group_ids + [row[1] for row in rows if row[1]]
    donors = dict(
        Contribution.objects.with_scopes_disabled()
        .filter(city=fund.city, group_id__in=asked)
        .order_by("pk")
        .values_list("group_id", "donor_kind")
    )
    others = dict(
        Posting.objects.with_scopes_disabled()
        .filter(city=fund.city, group_id__in=group_ids, account__kind__in=[Account.Kind.CITY, Account.Kind.CAMPAIGN])
        .order_by("pk")
        .values_list("group_id", "account__kind")
    )
    sums = dict(sums)
    for group_id, reverses_id, source, amount in rows:
        if source == Source.FUND_CONTRIBUTION and group_id in donors:
            sums[donors[group_id]] += amount
        elif source == Source.REFUND and reverses_id in donors:
            sums[donors[reverses_id]] += amount
        elif group_id in others:
            sums[others[group_id]] += amount
    return sums


def _source_sums(fund: Fund) -> dict:
    """Money in, net of refunds, by who gave it (cents): the contributions by kind of donor, the
    city's budget and campaigns from the ledger. Read whole, it reads every contribution of the
    fund: so the cache keeps the sums with the fund's newest movement they include, and a later
    read adds only the movements since (up to TOTALS_DELTA_MAX; more, and they are read whole)."""
    from django.core.cache import cache

    last = _fund_postings(fund).order_by("-group_id").values_list("group_id", flat=True).first() or 0
    key = f"fund-ledger-sources:{fund.account_id}"
    found = cache.get(key)
    if found is not None and found["last"] == last:
        return found["sums"]
    sums = None
    if found is not None and found["last"] < last:
        sums = _source_sums_since(fund, found["sums"], found["last"], last)
    if sums is None:
        sums = _source_sums_whole(fund)
    cache.set(key, {"last": last, "sums": sums}, TOTALS_CACHE_SECONDS)
    return sums


def fund_ledger_totals(*, fund: Fund, awards: list | None = None) -> dict:
    """What a fund received by source and what it awarded and paid out by purpose, in cents, with
    its balance, what its awards reserve and what is available. ``other`` balances the sources
    with the balance (corrections, transfers): the tables always add up. ``awards``: the fund's
    ``fund_awards_public``, when the caller has them already."""
    from django.utils.translation import gettext as _

    from cities4csr.ledger.models import Account

    sums = _source_sums(fund)
    labels = {
        Contribution.DonorKind.CITIZEN: _("Citizens"),
        Contribution.DonorKind.COMPANY: _("Companies"),
        Contribution.DonorKind.ASSOCIATION: _("Associations"),
        Contribution.DonorKind.FOUNDATION: _("Foundations"),
        Account.Kind.CITY: _("The city's budget"),
        Account.Kind.CAMPAIGN: _("Campaigns"),
    }
    purposes: dict[int, dict] = {}
    awards = list(fund_awards_public(fund=fund)) if awards is None else awards
    for award in awards:
        if award.state == Award.State.CANCELLED and not award.disbursed_cents:
            continue
        row = purposes.setdefault(
            award.purpose_id,
            {"code": award.purpose.code, "purpose": award.purpose, "awarded_cents": 0, "paid_cents": 0},
        )
        row["awarded_cents"] += award.disbursed_cents if award.state == Award.State.CANCELLED else award.amount_cents
        row["paid_cents"] += award.disbursed_cents
    # what approved awards still reserve: as fund_figures counts it, from the awards at hand
    reserved = sum(award.pending_cents for award in awards)
    balance = fund.account.balance_cents
    figures = {"balance_cents": balance, "reserved_cents": reserved, "available_cents": balance - reserved}
    paid = sum(row["paid_cents"] for row in purposes.values())
    by_source = [{"code": code, "label": str(label), "cents": sums.get(code, 0)} for code, label in labels.items()]
    other = figures["balance_cents"] + paid - sum(row["cents"] for row in by_source)
    if other:
        by_source.append({"code": "other", "label": _("Other movements (corrections, transfers)"), "cents": other})
    return {
        **figures,
        "received_cents": sum(row["cents"] for row in by_source),
        "paid_cents": paid,
        "by_source": [row for row in by_source if row["cents"]],
        "by_purpose": sorted(purposes.values(), key=lambda row: (-row["awarded_cents"], row["code"])),
    }
