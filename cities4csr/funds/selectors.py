"""Reads of city funds: the funds a person sees, a fund's balance and what it has available,
its contributions and awards."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum
from django.db.models import F as _F
from django.http import Http404
from django.utils import timezone

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer

from .models import Award, BankLine, Contribution, Disbursement, Earmark, Fund, PurposeCategory
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


# --- card payments (ADR 0029) ----------------------------------------------------------------


# === Bank statements and reconciliation ===========================================================


def statements_of(*, actor, city, fund=None):
    """The city's uploaded statements (an officer's page checks ``funds.reconcile`` first), newest
    first."""
    from .models import StatementImport

    statements = StatementImport.objects.filter(city=city).select_related("fund", "created_by")
    if fund is not None:
        statements = statements.filter(fund=fund)
    return statements.order_by("-created_at", "-pk")


def statement_lines(*, statement):
    """A statement's lines in file order, each with the contribution it paid."""
    from .models import BankLine

    return (
        BankLine.objects.filter(city=statement.city, statement=statement)
        .select_related("contribution")
        .order_by("line_number", "pk")
    )


def bank_lines_to_look_at(*, actor, city, fund=None):
    """The queue: credits no contribution was found for, oldest booking first."""
    from .models import BankLine

    lines = BankLine.objects.filter(city=city, state=BankLine.State.UNMATCHED).select_related("fund", "statement")
    if fund is not None:
        lines = lines.filter(fund=fund)
    return lines.order_by("booking_date", "pk")


def bank_line_candidates(*, lines, per_line: int = 10) -> dict:
    """For each line (by pk), the first ``per_line`` pending contributions to its fund of its
    amount: what the officer most likely matches it with (any other is chosen by its reference).
    One query for all the lines."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    lines = list(lines)
    if not lines:
        return {}
    accounts = {line.fund.account_id for line in lines}
    amounts = {line.amount_cents for line in lines}
    ranked = (
        Contribution.objects.filter(
            city=lines[0].city_id, target_id__in=accounts, state=Contribution.State.PENDING, amount_cents__in=amounts
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("target_id"), F("amount_cents")], order_by=[F("created_at"), F("pk")]
            )
        )
        .filter(rank__lte=per_line)
        .order_by("target_id", "amount_cents", "rank")
    )
    found: dict = {}
    for contribution in ranked:
        found.setdefault((contribution.target_id, contribution.amount_cents), []).append(contribution)
    return {line.pk: found.get((line.fund.account_id, line.amount_cents), []) for line in lines}


# --- fund pages, give form, officer workspace and API (fundpages) ------------------------------


#: channel -> fn(city) -> bool: whether the city takes gifts by that channel (the pagoPA and card
#: helpers register theirs; a bank transfer is always possible)
CHANNEL_AVAILABILITY: dict[str, object] = {}


def channel_availability_register(channel: str, fn=None):
    """Say when a channel is open to donors: ``channel_availability_register("card", fn)`` or as a
    decorator; ``fn(city)`` answers True when the city has it configured."""

    def register(fn):
        CHANNEL_AVAILABILITY[channel] = fn
        return fn

    return register(fn) if fn is not None else register


def channels_available(city) -> list[str]:
    """The channels a donor may choose in ``city``: bank transfer always, then every registered
    channel whose check says it is configured, in the order of ``Contribution.Channel``."""
    channels = [Contribution.Channel.BANK_TRANSFER.value]
    for channel in Contribution.Channel.values:
        check = CHANNEL_AVAILABILITY.get(channel)
        if channel != Contribution.Channel.BANK_TRANSFER and check is not None and check(city):
            channels.append(channel)
    return channels


def fund_get(*, actor, city, slug: str) -> Fund:
    """One fund of the city by its short name, with its account; 404 otherwise."""
    try:
        return funds_visible(actor=actor, city=city).get(slug=slug)
    except Fund.DoesNotExist:
        raise Http404("No such fund") from None


def fund_get_by_pk(*, actor, city, pk: int) -> Fund:
    try:
        return funds_visible(actor=actor, city=city).get(pk=pk)
    except Fund.DoesNotExist:
        raise Http404("No such fund") from None


def _raised_by_account(*, city, accounts) -> dict[int, int]:
    """What each fund's account received, less refunds: one query for any number of funds."""
    rows = (
        Contribution.objects.filter(city=city, target_id__in=accounts)
        .values("target_id")
        .annotate(raised=Sum(_F("received_cents") - _F("refunded_cents")))
        .order_by("target_id")
    )
    return {row["target_id"]: row["raised"] or 0 for row in rows}


def _reserved_by_fund(*, city, funds) -> dict[int, int]:
    rows = (
        Award.objects.filter(city=city, fund_id__in=funds, state=Award.State.APPROVED)
        .values("fund_id")
        .annotate(reserved=Sum(_F("amount_cents") - _F("disbursed_cents")))
        .order_by("fund_id")
    )
    return {row["fund_id"]: row["reserved"] or 0 for row in rows}


def _disbursed_by_fund(*, city, funds) -> dict[int, int]:
    rows = (
        Disbursement.objects.filter(city=city, award__fund_id__in=funds)
        .values("award__fund_id")
        .annotate(total=Sum("amount_cents"))
        .order_by("award__fund_id")
    )
    return {row["award__fund_id"]: row["total"] or 0 for row in rows}


def _percent(part: int, whole: int | None) -> int | None:
    if not whole:
        return None
    return max(0, min(100, round(100 * part / whole)))


def funds_with_figures(*, actor, city, funds=None) -> list[Fund]:
    """The city's funds (or ``funds``), each with ``figures``: balance, reserved, available,
    raised (received less refunds), paid out and the percent of its target; a constant number of
    queries whatever the number of funds and movements."""
    funds = list(funds if funds is not None else funds_visible(actor=actor, city=city))
    ids = [fund.pk for fund in funds]
    raised = _raised_by_account(city=city, accounts=[fund.account_id for fund in funds])
    reserved = _reserved_by_fund(city=city, funds=ids)
    disbursed = _disbursed_by_fund(city=city, funds=ids)
    for fund in funds:
        fund.city = city  # every fund is the city's: no query per fund to name it
        balance = fund.account.balance_cents if fund.account_id else 0
        fund.figures = {
            "balance_cents": balance,
            "reserved_cents": reserved.get(fund.pk, 0),
            "available_cents": balance - reserved.get(fund.pk, 0),
            "raised_cents": raised.get(fund.account_id, 0),
            "disbursed_cents": disbursed.get(fund.pk, 0),
            "percent": _percent(raised.get(fund.account_id, 0), fund.target_cents),
        }
    return funds


def earmarks_of(*, fund: Fund):
    return Earmark.objects.filter(city=fund.city, fund=fund).select_related("purpose").order_by("title", "pk")


def purposes_of(*, city):
    return PurposeCategory.objects.filter(city=city).order_by("name", "pk")


def contribution_by_token(*, city, token: str) -> Contribution:
    """The donor's own contribution by the secret of its link: 404 for any other string (the
    token is 32 random characters: it cannot be guessed, and nothing says whether it exists)."""
    token = (token or "")[:40]
    if len(token) < 20:
        raise Http404("No such contribution")
    try:
        return (
            Contribution.objects.filter(city=city, access_token=token)
            .select_related("target", "organisation", "earmark")
            .get()
        )
    except Contribution.DoesNotExist:
        raise Http404("No such contribution") from None


def fund_of_contribution(contribution: Contribution) -> Fund | None:
    """The fund a contribution goes to (None for a campaign's)."""
    return Fund.objects.filter(city=contribution.city, account_id=contribution.target_id).first()


def contribution_get(*, actor, city, pk: int) -> Contribution:
    """One contribution the actor may see (an officer: any of the city's); 404 otherwise."""
    try:
        return contributions_visible(actor=actor, city=city).select_related("user", "created_by").get(pk=pk)
    except (Contribution.DoesNotExist, ValueError):
        raise Http404("No such contribution") from None


def contributions_for_officer(*, actor, city, fund=None, channel: str = "", state: str = "", q: str = ""):
    """The city's contributions for an officer, newest first, filtered by fund, channel, state and
    a search by payment reference or name (empty for anyone else)."""
    rows = (
        contributions_visible(actor=actor, city=city) if is_city_officer(actor, city) else Contribution.objects.none()
    )
    if fund is not None:
        rows = rows.filter(target_id=fund.account_id)
    if channel:
        rows = rows.filter(channel=channel)
    if state:
        rows = rows.filter(state=state)
    q = (q or "").strip()[:100]
    if q:
        compact = q.replace(" ", "").upper()
        rows = rows.filter(
            Q(reference__iexact=compact)
            | Q(reference__icontains=compact)
            | Q(donor_name__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    return rows.select_related("city").order_by("-created_at", "-pk")


def awards_for_officer(*, actor, city, state: str = "", fund=None):
    rows = (
        Award.objects.filter(city=city).select_related("city", "fund", "purpose", "organisation", "need")
        if is_city_officer(actor, city)
        else Award.objects.none()
    )
    if state:
        rows = rows.filter(state=state)
    if fund is not None:
        rows = rows.filter(fund=fund)
    return rows.order_by("-act_on", "-pk")


def award_get(*, actor, city, pk: int) -> Award:
    try:
        return awards_for_officer(actor=actor, city=city).get(pk=pk)
    except (Award.DoesNotExist, ValueError):
        raise Http404("No such award") from None


def disbursements_of(*, award: Award):
    return Disbursement.objects.filter(city=award.city, award=award).order_by("-paid_on", "-pk")


def disbursement_get(*, actor, city, pk: int) -> Disbursement:
    if not is_city_officer(actor, city):
        raise Http404("No such payment")
    try:
        return Disbursement.objects.filter(city=city).get(pk=pk)
    except (Disbursement.DoesNotExist, ValueError):
        raise Http404("No such payment") from None


def organisations_matching(*, actor, city, q: str, limit: int = 20):
    """At most ``limit`` organisations whose name has ``q`` (a search field, never a list of the
    city's 300,000 organisations)."""
    from cities4csr.organisations.selectors import organisations_visible

    q = (q or "").strip()[:100]
    if len(q) < 2:
        return []
    return list(organisations_visible(actor=actor, city=city, query=q)[:limit])


def officer_fund_counts(*, city) -> dict:
    """What waits for an officer: pending contributions and awards to approve (two queries)."""
    return {
        "pending": Contribution.objects.filter(city=city, state=Contribution.State.PENDING).count(),
        "to_approve": Award.objects.filter(city=city, state=Award.State.PROPOSED).count(),
    }


def contributions_of_donor(*, actor, city):
    """A person's own contributions and their organisations' (for an officer too: only theirs)."""
    if actor is None or not actor.is_authenticated:
        return Contribution.objects.none()
    represented = Membership.objects.filter(city=city, user=actor, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return (
        Contribution.objects.filter(city=city)
        .filter(Q(user=actor) | Q(organisation__in=represented))
        .select_related("target")
        .order_by("-created_at", "-pk")
    )


def _need_model():
    """The needs app's model, through the award's relation (funds sits below needs: no import)."""
    return Award._meta.get_field("need").related_model


def needs_of_city(*, city):
    return _need_model().objects.filter(city=city).order_by("title", "pk")


def needs_matching(*, actor, city, q: str, limit: int = 20) -> list:
    """At most ``limit`` of the city's needs whose title has ``q`` and that the actor may see."""
    q = (q or "").strip()[:100]
    if len(q) < 2:
        return []
    return [
        n for n in needs_of_city(city=city).filter(title__icontains=q)[:limit] if actor.has_perm("needs.view_need", n)
    ]


def need_for_award(*, actor, city, pk: int):
    """One need an award may go to: the city's, seen by the actor; 404 otherwise."""
    need = needs_of_city(city=city).filter(pk=pk).first()
    if need is None or not actor.has_perm("needs.view_need", need):
        raise Http404("No such need")
    return need


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


# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------


#: the route name of a fund's public page (the fund pages' urls.py), linked from the advisor
FUND_PAGE = "fund_detail"
#: a contribution with a receipt: its money arrived (and may since have been given back)
RECEIVED_STATES = (
    Contribution.State.RECEIVED,
    Contribution.State.PARTLY_REFUNDED,
    Contribution.State.REFUNDED,
)


def receipt_contribution_by_token(*, city, access_token: str) -> Contribution:
    """A contribution by its donor's secret link, ready for its receipt; 404 for any other
    string."""
    if not access_token or len(access_token) > 64:
        raise Http404("No such contribution")
    found = (
        Contribution.objects.filter(city=city, access_token=access_token)
        .select_related("city", "target", "organisation", "earmark", "group")
        .first()
    )
    if found is None:
        raise Http404("No such contribution")
    return found


def contribution_for_receipt(*, actor, city, pk: int) -> Contribution:
    """A contribution the actor may see (an officer: any in the city; a donor: their own or
    their organisation's); 404 otherwise, so that nobody learns which numbers exist."""
    found = (
        contributions_visible(actor=actor, city=city)
        .filter(pk=pk)
        .select_related("city", "target", "organisation", "earmark", "group")
        .first()
    )
    if found is None:
        raise Http404("No such contribution")
    return found


def represented_organisations(*, actor, city):
    """The organisations of ``city`` that ``actor`` represents."""
    from cities4csr.organisations.models import Organisation

    if actor is None or not actor.is_authenticated:
        return Organisation.objects.none()
    represented = Membership.objects.filter(city=city, user=actor, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return Organisation.objects.filter(city=city, pk__in=represented).order_by("name", "pk")


def gift_statement_contributions(
    *,
    city,
    start: datetime.date,
    end: datetime.date,
    person=None,
    organisation=None,
    email: str = "",
):
    """The received contributions of one donor in ``city`` whose money arrived between ``start``
    and ``end`` (both included), oldest first: a person's own gifts (made logged in, or without
    an account under their e-mail address, never in an organisation's name), an organisation's,
    or, for officers, every gift under an e-mail address. Permission is the caller's."""
    contributions = Contribution.objects.filter(
        city=city, state__in=RECEIVED_STATES, received_on__gte=start, received_on__lte=end
    )
    if organisation is not None:
        contributions = contributions.filter(organisation=organisation)
    elif person is not None:
        mine = Q(user=person)
        if person.email and _address_verified(person):
            mine |= Q(user__isnull=True, donor_email__iexact=person.email)
        contributions = contributions.filter(mine, organisation__isnull=True)
    elif email:
        contributions = contributions.filter(donor_email__iexact=email)
    else:
        return contributions.none()
    return contributions.select_related("target", "organisation").order_by("received_on", "pk")


def _address_verified(person) -> bool:
    """Whether the person proved they hold their address: only then are the gifts made under it
    without an account theirs (anyone may sign up with any address)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=person, email__iexact=person.email, verified=True).exists()


def funds_open(*, city, on: datetime.date | None = None) -> list[Fund]:
    """The funds of ``city`` taking contributions on ``on`` (today): open, started and not
    ended; each with ``display_title`` in the reader's language and ``page_url``, its public page
    (None until the fund pages exist)."""
    from django.urls import NoReverseMatch, reverse

    on = on or timezone.localdate()
    funds = list(
        Fund.objects.filter(city=city, state=Fund.State.OPEN, opens_on__lte=on)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=on))
        .order_by("-opens_on", "pk")
    )
    from django.utils.translation import get_language

    language = (get_language() or "")[:2]
    for fund in funds:
        fund.display_title = fund.title_translations.get(language) or fund.title
        try:
            fund.page_url = reverse(FUND_PAGE, kwargs={"city_slug": city.slug, "slug": fund.slug})
        except NoReverseMatch:
            fund.page_url = None
    return funds


def officer_funds_todo(*, city) -> dict:
    """What waits for the city's officers in its funds: bank lines no contribution was found
    for, and awards proposed by act waiting for approval (two counts)."""
    return {
        "bank_lines_to_check": BankLine.objects.filter(city=city, state=BankLine.State.UNMATCHED).order_by().count(),
        "awards_to_approve": Award.objects.filter(city=city, state=Award.State.PROPOSED).order_by().count(),
    }
