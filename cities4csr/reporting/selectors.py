"""Reads of the reporting app: whose statement a person may open, and what a statement names
besides the ledger's figures (the needs, areas, themes and organisations its flows point at, the
results of those needs, the company's engagement and sites). The figures themselves come from
the ledger through ``ledger.selectors.flows`` only (``statement.py``).

Each read is one query (or two with its prefetch) whatever the number of rows: a statement over
10,000 movements asks as many queries as one over ten.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cities4csr.cities.models import Area
from cities4csr.impact.models import ResultIndicator
from cities4csr.impact.selectors import indicators_with_latest
from cities4csr.instruments.models import Agreement
from cities4csr.ledger.models import Account, PostingGroup, Source
from cities4csr.matching.models import Invitation
from cities4csr.needs.models import Need, Theme
from cities4csr.organisations.models import Membership, Organisation, Site
from cities4csr.organisations.rules import is_city_officer
from cities4csr.volunteering.models import Team


def statement_organisations(*, actor, city):
    """The organisations whose statement ``actor`` may open: those they represent, and, for the
    city's officers, every organisation that gave something through the ledger."""
    if actor is None or not actor.is_authenticated:
        return Organisation.objects.none()
    if is_city_officer(actor, city):
        givers = Account.objects.filter(city=city, kind=Account.Kind.GIVER).values("ref_id")
        return Organisation.objects.filter(city=city, pk__in=givers).order_by("name", "pk")
    represented = Membership.objects.filter(city=city, user=actor, role=Membership.Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return Organisation.objects.filter(city=city, pk__in=represented).order_by("name", "pk")


def statement_organisation_get(*, actor, city, pk: int) -> Organisation:
    """The organisation ``pk`` of ``city``, if ``actor`` may read its statement: 404 when it is
    not the city's, 403 when it is someone else's."""
    organisation = Organisation.objects.filter(city=city, pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation")
    if actor is None or not actor.has_perm("reporting.view_statement", organisation):
        raise PermissionDenied
    return organisation


def management_costs_of(*, city, organisation, limit: int = 50) -> list[PostingGroup]:
    """The organisation's recorded management costs, newest first, each with ``cancelled`` set
    when a reversal undid it (the page lists them, with the button that cancels one)."""
    groups = list(
        PostingGroup.objects.filter(
            city=city,
            source=Source.MANAGEMENT_COST,
            reverses__isnull=True,
            postings__account__kind=Account.Kind.PROGRAMME,
            postings__account__ref_id=organisation.pk,
        )
        .prefetch_related("postings")
        .order_by("-effective_on", "-seq")[:limit]
    )
    cancelled = set(
        PostingGroup.objects.filter(city=city, reverses__in=[g.pk for g in groups]).values_list(
            "reverses_id", flat=True
        )
    )
    for group in groups:
        group.cancelled = group.pk in cancelled
        group.amount_cents = max(p.amount_cents for p in group.postings.all())
    return groups


def management_cost_get(*, city, organisation, pk: int) -> PostingGroup:
    group = PostingGroup.objects.filter(city=city, pk=pk, source=Source.MANAGEMENT_COST).first()
    if group is None:
        raise Http404("No such management cost")
    return group


def needs_named(*, city, ids) -> dict[int, Need]:
    return {
        need.pk: need
        for need in Need.objects.filter(city=city, pk__in=list(ids))
        .select_related("owner", "area")
        .defer("area__geometry")
        .order_by("pk")
    }


def organisations_named(*, city, ids) -> dict[int, Organisation]:
    return {o.pk: o for o in Organisation.objects.filter(city=city, pk__in=list(ids)).order_by("pk")}


def areas_named(*, city, codes) -> dict[str, Area]:
    """The city's areas of its primary kind (NIL, quartier) by code: the ledger's "where"."""
    kind = city.settings.primary_area_kind
    return {
        a.code: a
        for a in Area.objects.filter(city=city, kind=kind, code__in=list(codes))
        .only("pk", "city_id", "kind", "code", "name")
        .order_by("code")
    }


def theme_names(*, city) -> dict[str, Theme]:
    return {t.key: t for t in Theme.objects.filter(city=city).order_by("key")}


def results_of_needs(*, city, need_ids, until: datetime.date | None) -> list[ResultIndicator]:
    """The indicators of the needs ``need_ids``, each with its latest APPROVED value measured on
    or before ``until`` (``impact.selectors.indicators_with_latest``): only approved values count."""
    return list(
        indicators_with_latest(city=city, until=until)
        .filter(need_id__in=list(need_ids))
        .select_related("need")
        .order_by("need_id", "pk")
    )


def agreements_of(*, city, organisation, since, until) -> list[Agreement]:
    """The agreements (sponsorship, donation, collaboration pact…) of the organisation's pledges
    that ran during the period: advised before its end, not ended before its start."""
    agreements = Agreement.objects.filter(city=city, pledge__organisation=organisation).select_related("pledge__need")
    if until is not None:
        agreements = agreements.filter(advised_on__lte=until)
    if since is not None:
        agreements = agreements.exclude(ends_on__lt=since)
    return list(agreements.order_by("advised_on", "pk"))


def collective_actions_joined(*, city, organisation, since, until) -> list[Invitation]:
    """The collective actions the organisation accepted to join during the period."""
    invitations = Invitation.objects.filter(
        city=city, organisation=organisation, state=Invitation.State.ACCEPTED
    ).select_related("action__need")
    if since is not None:
        invitations = invitations.filter(responded_at__date__gte=since)
    if until is not None:
        invitations = invitations.filter(responded_at__date__lte=until)
    return list(invitations.order_by("responded_at", "pk"))


def teams_of(*, city, organisation, since, until) -> list[Team]:
    """The organisation's volunteering teams on slots of the period, with their activity."""
    teams = Team.objects.filter(city=city, company=organisation).select_related("slot__activity")
    if since is not None:
        teams = teams.filter(slot__starts_at__date__gte=since)
    if until is not None:
        teams = teams.filter(slot__starts_at__date__lte=until)
    return list(teams.order_by("slot__starts_at", "pk"))


def sites_of(*, city, organisation) -> list[Site]:
    """The organisation's sites with their areas of the city's primary kind."""
    kind = city.settings.primary_area_kind
    sites = list(Site.objects.filter(city=city, organisation=organisation).order_by("label", "pk"))
    areas: dict[int, list[Area]] = {}
    through = Site.areas.through.objects.filter(site__in=[s.pk for s in sites], area__kind=kind).select_related("area")
    for link in through.only("site_id", "area__code", "area__name", "area__kind", "area__city_id").order_by("pk"):
        areas.setdefault(link.site_id, []).append(link.area)
    for site in sites:
        site.primary_areas = areas.get(site.pk, [])
    return sites
