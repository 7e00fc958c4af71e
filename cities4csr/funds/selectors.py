"""Reads of city funds: the funds a person sees, a fund's balance and what it has available,
its contributions and awards."""

from django.db.models import Q

from cities4csr.organisations.models import Membership
from cities4csr.organisations.rules import is_city_officer

from .models import Award, Contribution, Fund
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


def contribution_by_token(*, city, access_token: str) -> Contribution | None:
    """The contribution whose donor's page has this key (no account needed: the key is the
    permission), or None."""
    if not access_token or len(access_token) > 40:
        return None
    return Contribution.objects.filter(city=city, access_token=access_token).select_related("city", "target").first()


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
