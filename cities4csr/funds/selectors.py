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
