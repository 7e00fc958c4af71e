"""Reads of city funds: the funds a person sees, a fund's balance and what it has available,
its contributions and awards."""

from __future__ import annotations

from django.db.models import F as _F
from django.db.models import Q, Sum
from django.http import Http404

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer

from .models import Award, Contribution, Disbursement, Earmark, Fund, PurposeCategory
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
