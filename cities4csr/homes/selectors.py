"""The figures of each person's home (officer, company, third-sector partner, city admin,
volunteer), of the city's home and of a neighbourhood's page; and where a person lands after
logging in.

Every figure is an aggregate in the database: a handful of queries per home whatever the size of
the city (the metro-scale bench city has 20,000 needs). Lists are cut to their latest rows.
Callers are inside the city's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import get_language_from_path

from cities4csr.cities.models import Area, City
from cities4csr.cities.policy import matching_mix
from cities4csr.core.models import AuditEvent
from cities4csr.funds.selectors import officer_funds_todo
from cities4csr.impact.dashboard import LIVE_PLEDGES, PUBLIC_NEED_STATES, Stage, pipeline
from cities4csr.instruments.models import ChecklistStep
from cities4csr.matching.models import Invitation
from cities4csr.needs.models import OPEN_GAP, Need, ResourceKind, ResourceLine, Theme
from cities4csr.organisations.models import CityInvitation, CityRole, Membership, Organisation
from cities4csr.organisations.selectors import visible_to
from cities4csr.pledges.models import Pledge, PledgeItem, PledgePartner

N = Need.State
P = Pledge.State

#: needs still asking for something: the catalogue's "still open"
OPEN_NEED = Q(state__in=[N.PUBLISHED, N.IN_PROGRESS]) & GreaterThan(OPEN_GAP, 0)
#: organisations that give (their home is the company workspace); the others receive
GIVER_KINDS = [Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION]
#: the domain events an officer's home lists as recent activity
ACTIVITY_VERBS = ["pledge.propose", "pledge.accept", "pledge.mark_delivered", "pledge.verify", "need.publish"]
#: how many rows a home's list shows
LATEST = 5


def _money(value) -> int:
    return int(value or 0)


# --- the city's home and a neighbourhood's page --------------------------------------------------


@dataclass(frozen=True)
class CityFigures:
    open_needs: int
    missing_cents: int  # the value the open needs still miss, all resources valued in money
    value_verified_cents: int
    verified_contributions: int
    companies_engaged: int


def city_figures(*, city: City, area: Area | None = None) -> CityFigures:
    """The headline figures of the city, or of one of its areas (two aggregate queries): needs
    still open and the value they still miss (money, and goods, time and space at their value),
    the value delivered and verified by the city, and the companies with a pledge the city took on."""
    needs = (
        Need.objects.filter(_in_area(area), city=city)
        .order_by()
        .aggregate(open_needs=Count("pk", filter=OPEN_NEED), missing=Coalesce(Sum(OPEN_GAP, filter=OPEN_NEED), 0))
    )
    pledges = (
        Pledge.objects.filter(_in_area(area, "need__"), city=city)
        .order_by()
        .aggregate(
            verified_value=Coalesce(Sum("value_cents", filter=Q(state=P.VERIFIED)), 0),
            verified=Count("pk", filter=Q(state=P.VERIFIED)),
            companies=Count(
                "organisation",
                distinct=True,
                filter=Q(state__in=LIVE_PLEDGES, organisation__kind=Organisation.Kind.COMPANY),
            ),
        )
    )
    return CityFigures(
        open_needs=needs["open_needs"],
        missing_cents=_money(needs["missing"]),
        value_verified_cents=_money(pledges["verified_value"]),
        verified_contributions=pledges["verified"],
        companies_engaged=pledges["companies"],
    )


def _in_area(area: Area | None, prefix: str = "") -> Q:
    """Needs located in ``area`` (its neighbourhood or its district), all of them for no area."""
    if area is None:
        return Q()
    return Q(**{f"{prefix}area": area}) | Q(**{f"{prefix}district": area})


def latest_verified(*, actor, city: City, area: Area | None = None, limit: int = LATEST) -> list[Pledge]:
    """The latest contributions the city verified, of givers whose name may be shown (one query)."""
    return list(
        Pledge.objects.filter(
            visible_to(actor, city, via="organisation__"), city=city, state=P.VERIFIED, is_public=True
        )
        .filter(_in_area(area, "need__"))
        .select_related("need", "organisation")
        .only("value_cents", "verified_at", "need__id", "need__title", "organisation__id", "organisation__name")
        .order_by("-verified_at", "-id")[:limit]
    )


def area_needs(*, city: City, area: Area, limit: int = 10) -> list[Need]:
    """The public needs of an area, those still missing the most first (one query)."""
    return list(
        Need.objects.filter(_in_area(area), city=city, state__in=PUBLIC_NEED_STATES)
        .annotate(gap=OPEN_GAP)
        .only("title", "state", "value_requested_cents", "value_committed_cents")
        .order_by("-gap", "-id")[:limit]
    )


# --- the officer's home --------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    verb: str
    object_id: str
    object_repr: str
    actor_label: str
    at: datetime.datetime


@dataclass(frozen=True)
class OfficerHome:
    to_review: int
    to_accept: int
    to_verify: int
    overdue_steps: int
    bank_lines_to_check: int
    awards_to_approve: int
    pipeline: list[Stage]
    activity: list[Activity]


def officer_home(*, city: City, on: datetime.date) -> OfficerHome:
    """The officer's counts (needs to review, pledges to accept, deliveries to verify, checklist
    steps overdue on ``on``, bank lines to check, awards to approve), the pipeline published →
    pledged → delivered → verified and the latest domain events: six queries."""
    # the funnel is the dashboard's (impact.dashboard.pipeline), with the officer's counts in its two queries
    stages, counts = pipeline(
        city=city,
        need_figures={"to_review": Count("pk", filter=Q(state=N.UNDER_REVIEW))},
        pledge_figures={
            "to_accept": Count("pk", filter=Q(state=P.PROPOSED)),
            "to_verify": Count("pk", filter=Q(state=P.DELIVERED)),
        },
    )
    overdue = ChecklistStep.objects.filter(city=city, done_on__isnull=True, due_on__lt=on).order_by().count()
    return OfficerHome(
        to_review=counts["to_review"],
        to_accept=counts["to_accept"],
        to_verify=counts["to_verify"],
        overdue_steps=overdue,
        **officer_funds_todo(city=city),
        pipeline=stages,
        activity=recent_activity(city=city),
    )


def recent_activity(*, city: City, limit: int = 8) -> list[Activity]:
    """The latest pledges made, accepted, delivered and verified and needs published (one query)."""
    return [
        Activity(*row)
        for row in AuditEvent.objects.filter(city=city, verb__in=ACTIVITY_VERBS)
        .order_by("-created_at", "-id")
        .values_list("verb", "object_id", "object_repr", "actor_label", "created_at")[:limit]
    ]


# --- a company's and a third-sector partner's home -----------------------------------------------


@dataclass(frozen=True)
class GivenThisYear:
    year: int
    verified: int
    value_cents: int
    hours: int  # volunteer time and pro-bono expertise
    pledged: int  # pledges made this year, declined and withdrawn ones aside


def given_this_year(*, city: City, organisation: Organisation, on: datetime.date) -> GivenThisYear:
    """What an organisation gave in ``on``'s year: its contributions the city verified, their value
    and the hours of time and expertise in them, and the pledges it made (two queries)."""
    year = on.year
    mine = Pledge.objects.filter(city=city, organisation=organisation).order_by()
    verified_this_year = Q(state=P.VERIFIED, verified_at__year=year)
    totals = mine.aggregate(
        verified=Count("pk", filter=verified_this_year),
        value=Coalesce(Sum("value_cents", filter=verified_this_year), 0),
        pledged=Count("pk", filter=Q(created_at__year=year) & ~Q(state__in=[P.DECLINED, P.WITHDRAWN])),
    )
    hours = (
        PledgeItem.objects.filter(
            city=city,
            pledge__organisation=organisation,
            pledge__state=P.VERIFIED,
            pledge__verified_at__year=year,
            line__kind__in=[ResourceKind.VOLUNTEER_TIME, ResourceKind.EXPERTISE],
        )
        .order_by()
        .aggregate(hours=Coalesce(Sum("quantity"), 0))
    )
    return GivenThisYear(year, totals["verified"], _money(totals["value"]), _money(hours["hours"]), totals["pledged"])


#: what happens next to a pledge, whoever does it: the giver's "true next step"
NEXT_STEP = {
    P.PROPOSED: "city_accepts",
    P.ACCEPTED: "agreement",
    P.AGREED: "deliver",
    P.IN_DELIVERY: "mark_delivered",
    P.DELIVERED: "city_verifies",
    P.VERIFIED: "done",
    P.DECLINED: "none",
    P.WITHDRAWN: "none",
}


@dataclass(frozen=True)
class CompanyHome:
    given: GivenThisYear
    by_state: dict[str, int]
    open_invitations: int


def company_home(*, city: City, organisation: Organisation, on: datetime.date) -> CompanyHome:
    """A giver's figures: what it gave this year, its pledges per state and the invitations
    (collective actions and pledges together) waiting for its answer (four queries)."""
    by_state = dict(
        Pledge.objects.filter(city=city, organisation=organisation)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    waiting = (
        Invitation.objects.filter(city=city, organisation=organisation, state=Invitation.State.INVITED)
        .order_by()
        .count()
        + PledgePartner.objects.filter(city=city, organisation=organisation, state=PledgePartner.State.INVITED)
        .order_by()
        .count()
    )
    return CompanyHome(given_this_year(city=city, organisation=organisation, on=on), by_state, waiting)


@dataclass(frozen=True)
class PartnerHome:
    organisation: Organisation
    needs: int
    open_needs: int
    requested_cents: int
    committed_cents: int
    received_cents: int  # delivered and verified
    received: int
    proposals: list[Need] = field(default_factory=list)
    contributions: list[Pledge] = field(default_factory=list)


def partner_home(*, city: City, organisation: Organisation) -> PartnerHome:
    """A third-sector body's proposals (the needs it owns) and what they received (four queries)."""
    owned = Need.objects.filter(city=city, owner=organisation).order_by()
    totals = owned.aggregate(
        n=Count("pk"),
        open=Count("pk", filter=OPEN_NEED),
        requested=Coalesce(Sum("value_requested_cents", filter=~Q(state__in=[N.DRAFT, N.WITHDRAWN])), 0),
        committed=Coalesce(Sum("value_committed_cents", filter=~Q(state__in=[N.DRAFT, N.WITHDRAWN])), 0),
    )
    received_states = [P.DELIVERED, P.VERIFIED]
    received = (
        Pledge.objects.filter(city=city, need__owner=organisation, state__in=received_states)
        .order_by()
        .aggregate(n=Count("pk"), value=Coalesce(Sum("value_cents"), 0))
    )
    proposals = list(
        owned.only("title", "state", "value_requested_cents", "value_committed_cents").order_by("-created_at", "-id")[
            :10
        ]
    )
    contributions = list(
        Pledge.objects.filter(city=city, need__owner=organisation, state__in=LIVE_PLEDGES)
        .select_related("need", "organisation")
        .only("state", "value_cents", "need__id", "need__title", "organisation__id", "organisation__name")
        .order_by("-updated_at", "-id")[:10]
    )
    return PartnerHome(
        organisation=organisation,
        needs=totals["n"],
        open_needs=totals["open"],
        requested_cents=_money(totals["requested"]),
        committed_cents=_money(totals["committed"]),
        received_cents=_money(received["value"]),
        received=received["n"],
        proposals=proposals,
        contributions=contributions,
    )


# --- the city admin's home -----------------------------------------------------------------------


@dataclass(frozen=True)
class AdminHome:
    people: dict[str, int]  # active roles by role
    deactivated: int
    invitations_open: int
    themes: int
    weights: dict[str, float]
    to_verify: int
    organisations_to_verify: list[Organisation]


#: organisations the city checks: givers and receivers registered without any legal identifier
TO_VERIFY = Q(vat_number="", tax_code="", siren="") & ~Q(kind=Organisation.Kind.PUBLIC_BODY)


def admin_home(*, city: City, now: datetime.datetime) -> AdminHome:
    """The city admin's figures: people by role, deactivated roles, open invitations, themes,
    the matching weights and the organisations registered without a legal identifier (five queries)."""
    roles = CityRole.objects.filter(city=city).order_by()
    people = dict.fromkeys(CityRole.Role.values, 0)
    deactivated = 0
    for role, active, n in roles.values_list("role", "is_active").annotate(n=Count("pk")):
        if active:
            people[role] = n
        else:
            deactivated += n
    invitations = (
        CityInvitation.objects.filter(city=city, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by()
        .count()
    )
    unchecked = Organisation.objects.filter(TO_VERIFY, city=city)
    return AdminHome(
        people=people,
        deactivated=deactivated,
        invitations_open=invitations,
        themes=Theme.objects.filter(city=city).order_by().count(),
        weights=matching_mix(city.settings.matching),
        to_verify=unchecked.order_by().count(),
        organisations_to_verify=list(unchecked.only("name", "kind", "created_at").order_by("-created_at", "-id")[:10]),
    )


# --- the volunteer's home ------------------------------------------------------------------------


def volunteer_needs(*, city: City, limit: int = 10) -> tuple[int, list[Need]]:
    """Open needs that still ask for volunteer time: how many, and those closing first (two queries)."""
    asking = ResourceLine.objects.filter(
        city=city, kind=ResourceKind.VOLUNTEER_TIME, committed__lt=F("quantity")
    ).values("need_id")
    needs = Need.objects.filter(OPEN_NEED, city=city, pk__in=asking)
    return needs.order_by().count(), list(
        needs.select_related("area")
        .only("title", "ends_on", "area__name")
        .order_by(F("ends_on").asc(nulls_last=True), "-id")[:limit]
    )


# --- where a person lands ------------------------------------------------------------------------

#: the homes, in the order a person with several in one city lands on them
HOMES = ("admin", "officer", "company", "partner", "volunteer")


def _homes(roles: set[str], kinds: set[str]) -> list[str]:
    """The homes of someone with these city roles who represents organisations of these kinds
    (an administrator has the officer's workspace too)."""
    found = set(roles) & {"admin", "officer", "volunteer"}
    if "admin" in found:
        found.add("officer")
    found |= {"company" if kind in GIVER_KINDS else "partner" for kind in kinds}
    return [home for home in HOMES if home in found]


@dataclass(frozen=True)
class CityHomes:
    city: City
    homes: list[str]  # of HOMES, in that order; empty: the city's public home


def homes_of(*, user) -> list[CityHomes]:
    """Every city where ``user`` has an active role or represents an organisation, with the homes
    they have there, the city where they were given a part last first (three queries)."""
    if not user.is_authenticated:
        return []
    roles: dict[int, set[str]] = {}
    kinds: dict[int, set[str]] = {}
    latest: dict[int, datetime.datetime] = {}
    for city_id, role, at in (
        CityRole.objects.with_scopes_disabled()
        .filter(user=user, is_active=True)
        .order_by()
        .values_list("city_id", "role", "created_at")
    ):
        roles.setdefault(city_id, set()).add(role)
        latest[city_id] = max(latest.get(city_id, at), at)
    for city_id, kind, at in (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, role=Membership.Role.REPRESENTATIVE)
        .order_by()
        .values_list("city_id", "organisation__kind", "created_at")
    ):
        kinds.setdefault(city_id, set()).add(kind)
        latest[city_id] = max(latest.get(city_id, at), at)
    cities = {city.pk: city for city in City.objects.filter(pk__in=latest).order_by()}
    ordered = sorted(latest, key=lambda pk: (-latest[pk].timestamp(), pk))
    return [CityHomes(cities[pk], _homes(roles.get(pk, set()), kinds.get(pk, set()))) for pk in ordered if pk in cities]


def homes_in_city(*, user, city: City) -> tuple[list[str], list[Organisation]]:
    """The homes ``user`` has in ``city`` and the organisations they represent there (two queries)."""
    if not user.is_authenticated:
        return [], []
    roles = set(CityRole.objects.filter(city=city, user=user, is_active=True).order_by().values_list("role", flat=True))
    organisations = list(
        Organisation.objects.filter(
            city=city, memberships__user=user, memberships__role=Membership.Role.REPRESENTATIVE
        ).order_by("name")
    )
    return _homes(roles, {o.kind for o in organisations}), organisations


HOME_URLS = {
    "officer": "officer_workspace",
    "admin": "manage_home",
    "company": "company_workspace",
    "partner": "partner_home",
    "volunteer": "volunteer_home",
}


def home_url(*, city: City, home: str | None, language: str) -> str:
    """The URL of one home of a city in a language (the city's public home for none)."""
    with translation.override(language):
        return reverse(HOME_URLS.get(home, "city_home"), kwargs={"city_slug": city.slug})


def landing_language(*, user, city: City | None, reading: str = "") -> str:
    """The language a person lands in: the one they stored, if the city speaks it; else the one
    they were reading (the page they logged in from), if the city speaks it; else the city's first."""
    supported = {code for code, _name in settings.LANGUAGES}
    offered = [code for code in (city.languages if city else supported) if code in supported]
    for choice in (getattr(user, "preferred_language", "") or "", reading or ""):
        if choice in offered:
            return choice
    if city is not None and city.default_language in supported:
        return city.default_language
    return settings.LANGUAGE_CODE


def landing_url(*, user, city_slug: str = "", reading: str = "") -> str | None:
    """Where ``user`` lands after logging in.

    From a city's front page (``city_slug``): their first home in that city, None when they have
    none there (they stay on the front page). Otherwise: their one city's first home; the chooser
    when they have a part in several cities; the network's front page when in none."""
    homes = homes_of(user=user)
    if city_slug:
        homes = [entry for entry in homes if entry.city.slug == city_slug]
        if not homes:
            return None
    if len(homes) == 1:
        only = homes[0]
        language = landing_language(user=user, city=only.city, reading=reading)
        return home_url(city=only.city, home=only.homes[0] if only.homes else None, language=language)
    with translation.override(landing_language(user=user, city=None, reading=reading)):
        return reverse("my_homes") if homes else reverse("network_home")


def front_page(url: str) -> tuple[bool, str, str]:
    """Whether ``url`` is a front page (the network's, or a city's, in some language), with the
    city's slug and the language: the header's "Log in" link carries the page it was clicked on,
    and from a front page that means "take me to my home"."""
    path = urlsplit(url or "").path
    language = get_language_from_path(path) or ""
    try:
        with translation.override(language or None):  # the prefix resolves in its own language only
            match = resolve(path)
    except Resolver404:
        return False, "", ""
    if match.url_name not in ("network_home", "city_home"):
        return False, "", ""
    return True, match.kwargs.get("city_slug", ""), language
