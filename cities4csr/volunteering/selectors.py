"""Reads of volunteering (ADR 0033): the public list and map of activities, an activity's page,
"my volunteering", a company's dashboard and the host's console.

The list and the map read the slots still to come, grouped by activity, and count places from
each slot's counters (``Slot.capacity`` − ``Slot.taken``, kept by the sign-up services under the
slot's lock): never by counting registrations, so they cost the same at 200,000 registrations.

Privacy (issue 11): participants' names go to the activity's host and to each participant's own
company (its representatives); everyone else, the city's officers included, sees counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Sum, Window
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from cities4csr.needs.models import Need, ResourceLine, Theme
from cities4csr.offers.models import CsrProfile
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.rules import city_roles, is_city_officer

from .filters import ActivityFilter
from .models import Activity, CalendarFeed, HoursEntry, Registration, Slot, Team

#: activities per page of the public list
PAGE_SIZE = 20
#: dots on the map: the soonest activities (the neighbourhoods' shades count them all)
MAP_POINTS = 200
#: states in which the public sees an activity's page (a draft is its host's and the officers')
PUBLIC_STATES = (Activity.State.OPEN, Activity.State.CLOSED, Activity.State.CANCELLED)
#: hours of a volunteering day, for a company's yearly target (CSR profile's days × headcount)
HOURS_PER_DAY = 8


# -- who is who ------------------------------------------------------------------------------------


def hosts_of(*, user, city) -> list[Organisation]:
    """The organisations ``user`` belongs to that may host activities (not the givers): a
    third-sector body, an association, a city department…"""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(city=city, memberships__user=user)
        .exclude(kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION])
        .order_by("name", "pk")
        .distinct()
    )


def companies_represented(*, user, city) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            city=city,
            kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION],
            memberships__user=user,
            memberships__role=Membership.Role.REPRESENTATIVE,
        ).order_by("name", "pk")
    )


def _member_of(user, city) -> dict[int, str]:
    """{organisation id: membership role} of ``user`` in ``city`` (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(city=city, user=user).order_by().values_list("organisation_id", "role"))


# -- the public list and map -----------------------------------------------------------------------


def upcoming_slots(*, city, now=None) -> QuerySet[Slot]:
    """Scheduled slots of open activities that have not ended (a flexible task's one slot runs
    until its deadline)."""
    now = now or timezone.now()
    return Slot.objects.filter(
        city=city, state=Slot.State.SCHEDULED, ends_at__gt=now, activity__state=Activity.State.OPEN
    )


def activities_filter(*, city, params, now=None) -> ActivityFilter:
    """The list's filter over the slots to come: its ``form`` has the choices and any error."""
    return ActivityFilter(params, queryset=upcoming_slots(city=city, now=now))


def _grouped(slots: QuerySet[Slot]) -> QuerySet:
    """One row per activity: its next start, how many slots are to come and the places left."""
    return (
        slots.order_by()
        .values("activity_id")
        .annotate(
            next_start=Min("starts_at"),
            slots_count=Count("*"),
            places_left=Sum(F("capacity") - F("taken")),
        )
        .order_by("next_start", "activity_id")
    )


def activities_for(*, user, city, filters) -> QuerySet[Activity]:
    """The open activities with slots to come that ``filters`` (GET parameters) keep, soonest
    first, each annotated with ``next_start``, ``slots_count`` and ``places_left`` (of the slots
    to come). The same for everyone: drafts are on the host's and the officers' pages."""
    rows = _grouped(activities_filter(city=city, params=filters).qs)
    return _activities_of_rows(city, list(rows))


def _activities_of_rows(city, rows) -> list[Activity]:
    by_id = {
        a.pk: a
        for a in Activity.objects.filter(city=city, pk__in=[r["activity_id"] for r in rows])
        .select_related("area", "host")
        .defer("area__geometry", "description")
        .prefetch_related("themes")
    }
    activities = []
    for row in rows:
        activity = by_id.get(row["activity_id"])
        if activity is None:
            continue
        activity.next_start = row["next_start"]
        activity.slots_count = row["slots_count"]
        activity.places_left = row["places_left"]
        activities.append(activity)
    return activities


class _CountedPaginator(Paginator):
    """A paginator told its count (read with the page's rows, by a window function)."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._known = count

    @property
    def count(self) -> int:  # the base class's is a cached_property over object_list
        return self._known


def activities_page(*, city, params) -> tuple[ActivityFilter, Page]:
    """The list page: its filter (form, errors) and the page of activities ``params`` asks for.
    One scan of the slots to come gives the page's rows and, by ``COUNT(*) OVER ()``, how many
    activities there are (no second aggregate for the paginator's count); then the activities
    with their themes."""
    found = activities_filter(city=city, params=params)
    grouped = _grouped(found.qs)
    try:
        number = max(int(params.get("page") or 1), 1)
    except (TypeError, ValueError):
        number = 1
    counted = grouped.annotate(total=Window(Count("*")))

    def rows_of(n):
        return list(counted[(n - 1) * PAGE_SIZE : n * PAGE_SIZE])

    rows = rows_of(number)
    if rows:
        total = rows[0]["total"]
    else:  # past the last page (or nothing at all): the last page, as Paginator.get_page does
        total = grouped.count() if number > 1 else 0
        if total:
            number = -(-total // PAGE_SIZE)
            rows = rows_of(number)
        else:
            number = 1
    paginator = _CountedPaginator(total, PAGE_SIZE)
    return found, Page(_activities_of_rows(city, rows), number, paginator)


def activity_points(*, city, params) -> dict:
    """The soonest ``MAP_POINTS`` activities of the list (same filters) that have a place, as a
    GeoJSON FeatureCollection for the map: one grouped query over the slots to come, without
    model instances, each URL from one reversed template. The map shades the neighbourhoods by
    their number of activities (``activity_counts_by_area``), so it says where the others are
    without sending 10,000 dots to a phone."""
    marker = "activity-slug-marker"
    url = reverse("volunteering_activity", kwargs={"city_slug": city.slug, "slug": marker})
    rows = (
        activities_filter(city=city, params=params)
        .qs.filter(activity__lat__isnull=False, activity__lon__isnull=False)
        .order_by()
        .values("activity_id", "activity__slug", "activity__title", "activity__lat", "activity__lon")
        .annotate(next_start=Min("starts_at"), places_left=Sum(F("capacity") - F("taken")))
        .order_by("next_start", "activity_id")[:MAP_POINTS]
    )
    features = [
        {
            "type": "Feature",
            "id": row["activity_id"],
            "geometry": {"type": "Point", "coordinates": [row["activity__lon"], row["activity__lat"]]},
            "properties": {
                "title": row["activity__title"],
                "places_left": row["places_left"],
                "next_start": row["next_start"].isoformat(),
                "url": url.replace(marker, row["activity__slug"]),
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def activity_counts_by_area(*, city, params) -> dict[str, int]:
    """{neighbourhood code: activities with slots to come} of the list (same filters), for the
    map's shading (one grouped query)."""
    rows = (
        activities_filter(city=city, params=params)
        .qs.filter(activity__area__isnull=False)
        .order_by()
        .values("activity__area__code")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by("activity__area__code")
    )
    return {row["activity__area__code"]: row["n"] for row in rows if row["activity__area__code"]}


# -- one activity ----------------------------------------------------------------------------------


def can_manage(user, activity: Activity) -> bool:
    """The host's people and the city's officers prepare and run an activity."""
    if not user.is_authenticated:
        return False
    return is_city_officer(user, activity) or activity.host_id in _member_of(user, activity.city_id)


def is_host(user, activity: Activity) -> bool:
    """A member of the activity's host: sees its participants' names (issue 11, privacy)."""
    return user.is_authenticated and activity.host_id in _member_of(user, activity.city_id)


def activity_get(*, user, city, slug: str) -> Activity:
    """An activity ``user`` may see: open, closed or cancelled for everyone; a draft for its host
    and the city's officers."""
    activity = (
        Activity.objects.filter(city=city, slug=slug)
        .select_related("area", "host", "company", "need", "line")
        .defer("area__geometry")
        .prefetch_related("themes")
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    if activity.state not in PUBLIC_STATES and not can_manage(user, activity):
        raise Http404("No such activity")
    return activity


@dataclass
class SlotRow:
    slot: Slot
    places_left: int
    mine: Registration | None = None
    #: names shown to this reader (the host's: everyone; a company's: its own people)
    names: list[str] = field(default_factory=list)
    #: the teams of this slot the reader may join or see (their company's)
    teams: list[Team] = field(default_factory=list)
    #: may the reader sign up (not yet signed up, sign-up still open)
    can_sign_up: bool = False
    full: bool = False


@dataclass
class ActivityPage:
    activity: Activity
    upcoming: list[SlotRow]
    past_slots: int
    manage: bool
    #: a member of the host: sees the names, opens the check-in console
    host: bool
    #: the companies the reader represents (may open a team)
    companies: list[Organisation]


def person_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _sign_up_open(slot: Slot, activity: Activity, now) -> bool:
    closes = slot.registration_deadline or (slot.ends_at if activity.kind == Activity.Kind.FLEXIBLE else slot.starts_at)
    return activity.state == Activity.State.OPEN and slot.state == Slot.State.SCHEDULED and now < closes


def activity_detail(*, user, city, activity: Activity, now=None) -> ActivityPage:
    """The page of ``activity`` for ``user``: slots to come with places left, the reader's own
    registrations, and names only where the reader may see them (issue 11, privacy). A fixed
    number of queries whatever the number of slots and registrations."""
    now = now or timezone.now()
    manage = can_manage(user, activity)
    memberships = _member_of(user, city)
    own_companies = {pk for pk, role in memberships.items() if role == Membership.Role.REPRESENTATIVE}
    slots = list(
        Slot.objects.filter(city=city, activity=activity, ends_at__gt=now)
        .exclude(state=Slot.State.CANCELLED)
        .order_by("starts_at", "pk")
    )
    past = (
        Slot.objects.filter(city=city, activity=activity, ends_at__lte=now).exclude(state=Slot.State.CANCELLED).count()
    )
    slot_ids = [s.pk for s in slots]
    mine: dict[int, Registration] = {}
    if user.is_authenticated and slot_ids:
        for registration in Registration.objects.filter(
            city=city, slot_id__in=slot_ids, user=user, state__in=Registration.ACTIVE
        ).order_by("pk"):
            mine[registration.slot_id] = registration
    host = activity.host_id in memberships
    names: dict[int, list[str]] = {}
    if slot_ids and (host or own_companies):
        visible = Registration.objects.filter(city=city, slot_id__in=slot_ids, state__in=Registration.HOLDING)
        if not host:
            visible = visible.filter(company_id__in=own_companies)
        for registration in visible.select_related("user").order_by("slot_id", "pk"):
            names.setdefault(registration.slot_id, []).append(person_label(registration.user))
    teams: dict[int, list[Team]] = {}
    team_companies = own_companies if not host else None
    if slot_ids and (host or own_companies):
        team_rows = Team.objects.filter(city=city, slot_id__in=slot_ids).select_related("company", "captain")
        if team_companies is not None:
            team_rows = team_rows.filter(company_id__in=team_companies)
        for team in team_rows.order_by("slot_id", "name", "pk"):
            teams.setdefault(team.slot_id, []).append(team)
    rows = []
    for slot in slots:
        left = max(slot.capacity - slot.taken, 0)
        open_ = _sign_up_open(slot, activity, now)
        rows.append(
            SlotRow(
                slot=slot,
                places_left=left,
                mine=mine.get(slot.pk),
                names=names.get(slot.pk, []),
                teams=teams.get(slot.pk, []),
                can_sign_up=open_ and slot.pk not in mine and (left > 0 or activity.waitlist),
                full=left == 0,
            )
        )
    companies = []
    if own_companies:
        # the companies that may open a team here: the reader's own, and on a company day only that one
        teams_for = Organisation.objects.filter(city=city, pk__in=own_companies, kind=Organisation.Kind.COMPANY)
        if activity.company_id is not None:
            teams_for = teams_for.filter(pk=activity.company_id)
        companies = list(teams_for.order_by("name", "pk"))
    return ActivityPage(
        activity=activity, upcoming=rows, past_slots=past, manage=manage, host=host, companies=companies
    )


def team_by_code(*, city, code: str) -> Team:
    team = (
        Team.objects.filter(city=city, invite_code=code.strip().upper()[:8])
        .select_related("slot__activity", "company")
        .first()
    )
    if team is None or team.slot.activity.state not in PUBLIC_STATES:
        raise Http404("No such team")
    return team


def need_activities(*, city, need) -> list[Activity]:
    """A need's open activities (its page links to them)."""
    return list(
        Activity.objects.filter(city=city, need=need, state=Activity.State.OPEN)
        .only("slug", "title", "translations", "need_id", "city_id")
        .order_by("title", "pk")
    )


# -- my volunteering -------------------------------------------------------------------------------


@dataclass
class MyVolunteering:
    upcoming: list[Registration]
    past: list[Registration]
    approved_minutes: int
    proposed_minutes: int


def my_registrations(*, user, city, now=None) -> MyVolunteering:
    """``user``'s sign-ups in ``city``: those to come (the waiting list included), the past
    ones, and their hours (approved; awaiting approval)."""
    now = now or timezone.now()
    if not user.is_authenticated:
        return MyVolunteering([], [], 0, 0)
    registrations = list(
        Registration.objects.filter(city=city, user=user)
        .select_related("slot__activity", "team", "city")
        .prefetch_related(
            Prefetch(
                "hours",
                queryset=HoursEntry.objects.filter(city=city).exclude(state=HoursEntry.State.CORRECTED).order_by("pk"),
            )
        )
        .order_by("slot__starts_at", "pk")
    )
    upcoming = [r for r in registrations if r.slot.ends_at > now and r.state in Registration.ACTIVE]
    past = [r for r in registrations if r not in upcoming and r.slot.ends_at <= now]
    past.reverse()
    approved = proposed = 0
    for registration in registrations:
        registration.approved_minutes = sum(
            h.minutes for h in registration.hours.all() if h.state == HoursEntry.State.APPROVED
        )
        registration.proposed_minutes = sum(
            h.minutes for h in registration.hours.all() if h.state == HoursEntry.State.PROPOSED
        )
        approved += registration.approved_minutes
        proposed += registration.proposed_minutes
    return MyVolunteering(upcoming, past, approved, proposed)


# -- a company's dashboard -------------------------------------------------------------------------


@dataclass
class CompanyVolunteering:
    company: Organisation
    year: int
    people: int  # employees who took part (attended) or are signed up, this year
    registrations: int
    approved_minutes: int
    proposed_minutes: int
    by_need: list[dict]  # {"need_id", "title", "minutes"}
    by_area: list[dict]  # {"code", "name", "minutes"}
    #: hours the CSR profile plans for the year (days × headcount × 8), None when not declared
    target_hours: int | None
    activities: list[dict]  # {"activity": Activity, "people": int}

    @property
    def approved_hours(self) -> float:
        return round(self.approved_minutes / 60, 1)

    @property
    def percent(self) -> int | None:
        if not self.target_hours:
            return None
        return min(100, round(self.approved_minutes / 60 / self.target_hours * 100))


def company_volunteering(*, company, year: int) -> CompanyVolunteering:
    """What ``company``'s people gave in ``year``: who took part, approved hours by need and by
    neighbourhood, against the yearly volunteering days of its CSR profile. Counts and sums in
    the database (a few queries whatever the number of employees)."""
    city = company.city_id
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    registrations = Registration.objects.filter(
        city=city, company=company, slot__starts_at__gte=start, slot__starts_at__lt=end
    ).exclude(state__in=[Registration.State.WITHDRAWN, Registration.State.DECLINED, Registration.State.CANCELLED])
    totals = registrations.order_by().aggregate(people=Count("user", distinct=True), registrations=Count("*"))
    hours = HoursEntry.objects.filter(
        city=city,
        registration__company=company,
        registration__slot__starts_at__gte=start,
        registration__slot__starts_at__lt=end,
    )
    sums = hours.order_by().aggregate(
        approved=Sum("minutes", filter=Q(state=HoursEntry.State.APPROVED)),
        proposed=Sum("minutes", filter=Q(state=HoursEntry.State.PROPOSED)),
    )
    approved = hours.filter(state=HoursEntry.State.APPROVED).order_by()
    by_need = [
        {"need_id": row["registration__slot__activity__need_id"], "title": row["title"], "minutes": row["minutes"]}
        for row in approved.values("registration__slot__activity__need_id")
        .annotate(title=Max("registration__slot__activity__need__title"), minutes=Sum("minutes"))
        .order_by("-minutes", "registration__slot__activity__need_id")
    ]
    by_area = [
        {"code": row["code"] or "", "name": row["name"] or "", "minutes": row["minutes"]}
        for row in approved.values("registration__slot__activity__area_id")
        .annotate(
            code=Max("registration__slot__activity__area__code"),
            name=Max("registration__slot__activity__area__name"),
            minutes=Sum("minutes"),
        )
        .order_by("-minutes", "registration__slot__activity__area_id")
    ]
    per_activity = dict(
        registrations.order_by()
        .values("slot__activity_id")
        .annotate(people=Count("user", distinct=True))
        .values_list("slot__activity_id", "people")
    )
    activities = [
        {"activity": a, "people": per_activity[a.pk]}
        for a in Activity.objects.filter(city=city, pk__in=per_activity)
        .only("slug", "title", "translations", "city_id")
        .order_by("title", "pk")
    ]
    profile = (
        CsrProfile.objects.filter(city=city, organisation=company)
        .only("headcount", "volunteering_days_per_year")
        .first()
    )
    target = None
    if profile and profile.headcount and profile.volunteering_days_per_year:
        target = profile.volunteering_days_per_year * profile.headcount * HOURS_PER_DAY
    return CompanyVolunteering(
        company=company,
        year=year,
        people=totals["people"] or 0,
        registrations=totals["registrations"] or 0,
        approved_minutes=sums["approved"] or 0,
        proposed_minutes=sums["proposed"] or 0,
        by_need=by_need,
        by_area=by_area,
        target_hours=target,
        activities=activities,
    )


# -- the host's pages ------------------------------------------------------------------------------


def activities_managed(*, user, city) -> QuerySet[Activity]:
    """Every activity of the city for its officers; the activities of the organisations
    ``user`` belongs to for a host; none for anyone else. Each with its slots to come and the
    places taken in them."""
    activities = Activity.objects.filter(city=city)
    if not is_city_officer(user, city):
        hosts = [o.pk for o in hosts_of(user=user, city=city)]
        activities = activities.filter(host_id__in=hosts)
    now = timezone.now()
    upcoming = Q(slots__ends_at__gt=now, slots__state=Slot.State.SCHEDULED)
    return (
        activities.select_related("host")
        .annotate(
            next_start=Min("slots__starts_at", filter=upcoming),
            slots_to_come=Count("slots", filter=upcoming),
            places=Sum("slots__capacity", filter=upcoming),
            taken=Sum("slots__taken", filter=upcoming),
            waiting=Sum("slots__waiting", filter=upcoming),
        )
        .order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    )


def slot_get(*, user, city, pk) -> Slot:
    """A slot of an activity ``user``'s organisation hosts: its console shows names, so only the
    host's people open it (not the city's officers: issue 11, privacy)."""
    slot = Slot.objects.filter(city=city, pk=pk).select_related("activity__host").first()
    if slot is None or not is_host(user, slot.activity):
        raise Http404("No such slot")
    return slot


@dataclass
class Console:
    slot: Slot
    registrations: list[Registration]  # holding a place or asking for one, in order
    waiting: list[Registration]
    checked_in: int


def host_console(*, slot: Slot) -> Console:
    """A slot's people for check-in on the day: registered and checked in first (by name),
    then the waiting list in its order. For the host only (the view checks it)."""
    rows = list(
        Registration.objects.filter(
            city=slot.city_id,
            slot=slot,
            state__in=[
                Registration.State.REGISTERED,
                Registration.State.ATTENDED,
                Registration.State.NO_SHOW,
                Registration.State.REQUESTED,
                Registration.State.WAITLISTED,
            ],
        )
        .select_related("user", "company", "team")
        .order_by("pk")
    )
    for registration in rows:
        registration.label = person_label(registration.user)
    present = [r for r in rows if r.state != Registration.State.WAITLISTED]
    present.sort(key=lambda r: (r.state == Registration.State.REQUESTED, r.label.lower(), r.pk))
    waiting = [r for r in rows if r.state == Registration.State.WAITLISTED]
    return Console(
        slot=slot,
        registrations=present,
        waiting=waiting,
        checked_in=sum(1 for r in rows if r.state == Registration.State.ATTENDED),
    )


def hours_to_approve(*, user, city) -> QuerySet[HoursEntry]:
    """Hours awaiting approval that ``user`` may approve: for the activities their organisation
    hosts (not yet approved by the host), and for the employees of the companies they represent
    (not yet approved by the company)."""
    if not user.is_authenticated:
        return HoursEntry.objects.none()
    memberships = _member_of(user, city)
    hosts = [o.pk for o in hosts_of(user=user, city=city)]
    companies = [pk for pk, role in memberships.items() if role == Membership.Role.REPRESENTATIVE]
    mine = Q(registration__slot__activity__host_id__in=hosts, host_approved_at__isnull=True) | Q(
        registration__company_id__in=companies, company_approved_at__isnull=True
    )
    return (
        HoursEntry.objects.filter(city=city, state=HoursEntry.State.PROPOSED)
        .filter(mine)
        .select_related("registration__user", "registration__company", "registration__slot__activity")
        .order_by("registration__slot__starts_at", "pk")
    )


# -- the sign-up API's reads (vsign) ---------------------------------------------------------------


def _upcoming_slots(now):
    return Prefetch(
        "slots",
        queryset=Slot.objects.filter(state=Slot.State.SCHEDULED, ends_at__gt=now).order_by("starts_at", "pk"),
        to_attr="upcoming",
    )


def activities_listed(*, user, city, now=None) -> QuerySet[Activity]:
    """The activities open for sign-up, with their slots still to come (places left in each); for
    the host's people and the city's officers, also their drafts and closed ones."""
    now = now or timezone.now()
    visible = Q(state=Activity.State.OPEN)
    if user.is_authenticated:
        if {"admin", "officer"} & city_roles(user, city):
            visible = Q()
        else:
            hosts = Membership.objects.with_scope(city=city.pk).filter(user=user).values("organisation_id")
            visible |= Q(host_id__in=hosts)
    return (
        Activity.objects.filter(visible, city=city)
        .select_related("city", "host", "company", "area")
        .prefetch_related("themes", _upcoming_slots(now))
        .order_by("title", "pk")
    )


def activity_visible_get(*, user, city, slug: str, now=None) -> Activity:
    """One activity the reader may see, with its slots to come; 404 otherwise."""
    activity = activities_listed(user=user, city=city, now=now).filter(slug=slug).first()
    if activity is None:
        raise Http404
    return activity


def slot_visible_get(*, user, city, pk: int) -> Slot:
    slot = Slot.objects.filter(city=city, pk=pk).select_related("activity", "activity__host", "city").first()
    if slot is None or not user.has_perm("volunteering.view_activity", slot.activity):
        raise Http404
    return slot


def registration_visible_get(*, user, city, pk: int) -> Registration:
    """A registration its person, its host's people or its company's representatives may see."""
    registration = (
        Registration.objects.filter(city=city, pk=pk)
        .select_related("slot__activity__host", "slot__city", "company", "team")
        .first()
    )
    if registration is None or not user.has_perm("volunteering.view_registration", registration):
        raise Http404
    return registration


def team_by_invite_code(*, city, code: str) -> Team | None:
    return (
        Team.objects.filter(city=city, invite_code=(code or "").strip().upper())
        .select_related("slot__activity", "company")
        .first()
    )


def slot_participants(*, user, slot: Slot) -> QuerySet[Registration]:
    """The registrations on ``slot`` whose person ``user`` may name: all of them for the host's
    people; for a company's representatives, their company's people; for anyone else, their own."""
    rows = Registration.objects.filter(city=slot.city_id, slot=slot).select_related("user", "team", "company")
    if not user.has_perm("volunteering.view_participants", slot.activity):
        represented = (
            Membership.objects.with_scope(city=slot.city_id)
            .filter(user=user, role=Membership.Role.REPRESENTATIVE)
            .values("organisation_id")
        )
        rows = rows.filter(Q(user=user) | Q(company_id__in=represented))
    return rows.order_by("pk")


# Attendance and hours (vtime)
# ---------------------------------------------------------------------------------------------
def hours_visible(*, actor, city, state: str = ""):
    """The hours ``actor`` may see in ``city``: those of the activities their organisations host
    (every participant's), those of their company's employees (for its representatives, not
    other companies' people), and their own."""
    if actor is None or not actor.is_authenticated:
        return HoursEntry.objects.none()
    memberships = Membership.objects.filter(city=city, user=actor)
    hosts = memberships.values("organisation_id")
    companies = memberships.filter(role=Membership.Role.REPRESENTATIVE).values("organisation_id")
    entries = HoursEntry.objects.filter(city=city).filter(
        Q(registration__slot__activity__host__in=hosts)
        | Q(registration__company__in=companies)
        | Q(registration__user=actor)
    )
    if state:
        entries = entries.filter(state=state)
    return entries.select_related(
        "registration__user", "registration__company", "registration__slot__activity"
    ).order_by("registration__slot__starts_at", "pk")


def registration_by_token(*, city, token: str) -> Registration:
    """The registration of ``token`` (its QR code, its calendar file), or 404."""
    return get_object_or_404(
        Registration.objects.select_related("slot__activity__host", "user", "company", "city"), city=city, token=token
    )


def approved_hours_of(*, user, city):
    """A person's approved hours in ``city``, oldest first (their certificate)."""
    return (
        HoursEntry.objects.filter(city=city, registration__user=user, state=HoursEntry.State.APPROVED)
        .select_related("registration__slot__activity__host", "registration__company")
        .order_by("registration__slot__starts_at", "pk")
    )


# -- one row by id, for the pages and the API (the services check what may be done with it) ---------


def activity_slot_get(*, activity: Activity, pk) -> Slot:
    """A slot of ``activity``, or 404."""
    return get_object_or_404(Slot.objects.filter(city=activity.city_id, activity=activity), pk=pk)


def activity_slots(*, activity: Activity) -> QuerySet[Slot]:
    return Slot.objects.filter(city=activity.city_id, activity=activity).order_by("starts_at", "pk")


def own_registration_get(*, user, city, pk) -> Registration:
    """A registration of ``user`` themselves, or 404."""
    return get_object_or_404(Registration.objects.filter(city=city, user=user).select_related("slot__activity"), pk=pk)


def active_registration_of(*, user, slot: Slot) -> Registration | None:
    """``user``'s registration holding or asking for a place on ``slot``, if any."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(city=slot.city_id, slot=slot, user=user, state__in=Registration.ACTIVE)
        .order_by("pk")
        .first()
    )


def slot_registration_get(*, slot: Slot, pk) -> Registration:
    """A registration on ``slot`` (the host's console), or 404."""
    return get_object_or_404(Registration.objects.filter(city=slot.city_id, slot=slot), pk=pk if pk else 0)


def registration_get(*, city, pk) -> Registration:
    """A registration of ``city`` by id with its slot and activity, or 404 (the services decide
    who may act on it)."""
    return get_object_or_404(Registration.objects.filter(city=city).select_related("slot__activity", "city"), pk=pk)


def slot_by_id(*, city, pk) -> Slot:
    """A slot of ``city`` by id, or 404 (the self check-in: its code is the permission)."""
    return get_object_or_404(Slot.objects.filter(city=city).select_related("city", "activity"), pk=pk)


def hosts_choosable(*, user, city) -> list[Organisation]:
    """The organisations ``user`` may name as an activity's host: any of the city's public
    bodies and third-sector organisations for its officers, else the ones they belong to."""
    if is_city_officer(user, city):
        return list(
            Organisation.objects.filter(city=city)
            .exclude(kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION])
            .order_by("name", "pk")
        )
    return hosts_of(user=user, city=city)


def city_organisation_get(*, city, pk) -> Organisation | None:
    """An organisation of ``city`` by id (an id that is not a number finds none)."""
    if not str(pk).isdigit():
        return None
    return Organisation.objects.filter(city=city, pk=int(pk)).first()


def calendar_feed_by_token(*, city, token: str, of_company: bool):
    """A person's (or, with ``of_company``, a company's) calendar feed by its secret token, or 404."""
    feeds = CalendarFeed.objects.filter(city=city, token=token).select_related("city", "organisation")
    return get_object_or_404(
        feeds.filter(organisation__isnull=False) if of_company else feeds.filter(user__isnull=False)
    )


def activity_relations(*, city, fields: dict) -> dict:
    """An activity's fields as the API gives them (ids and theme keys) with the city's rows in
    their place; raises ``LookupError(field)`` for one not found in ``city``."""
    related = {"need": Need, "host": Organisation, "company": Organisation}
    for name, model in related.items():
        if fields.get(name) is not None:
            fields[name] = model.objects.filter(city=city, pk=fields[name]).first()
            if fields[name] is None:
                raise LookupError(name)
    if fields.get("line") is not None:
        fields["line"] = ResourceLine.objects.filter(need__city=city, pk=fields["line"]).first()
        if fields["line"] is None:
            raise LookupError("line")
    if "themes" in fields:
        keys = fields["themes"]
        themes = list(Theme.objects.filter(city=city, key__in=keys).order_by("key"))
        if len(themes) != len(set(keys)):
            raise LookupError("themes")
        fields["themes"] = themes
    return fields


def member_get(*, organisation: Organisation, pk):
    """A person who belongs to ``organisation``, by id, or None."""
    return get_user_model().objects.filter(pk=pk, memberships__organisation=organisation).first()
