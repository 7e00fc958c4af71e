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


# --- receipts and statements (receipts, ADR 0032) ---------------------------------------------

import datetime  # noqa: E402

from django.http import Http404  # noqa: E402
from django.utils import timezone  # noqa: E402

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
