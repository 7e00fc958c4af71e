"""Reads for the action plan, the catalogue of needs and a need's page."""

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from cities4csr.cities.models import Area

from .filters import PUBLIC_STATES, NeedFilter
from .models import Action, Need, ResourceLine, Theme


def actions_of_city(*, city) -> QuerySet[Action]:
    areas = Prefetch("target_areas", queryset=Area.objects.filter(city=city).order_by("code"))
    return Action.objects.filter(city=city).prefetch_related(areas).order_by("number")


def themes_of_city(*, city) -> QuerySet[Theme]:
    return Theme.objects.filter(city=city).order_by("key")


def _with_lines(queryset, city):
    return queryset.select_related("area", "district", "action", "owner").prefetch_related(
        Prefetch("lines", queryset=ResourceLine.objects.filter(city=city).order_by("id")),
        Prefetch("themes", queryset=Theme.objects.filter(city=city).order_by("key")),
    )


def needs_public(*, city) -> QuerySet[Need]:
    """Every need the public may see, with what the catalogue shows of each."""
    base = Need.objects.filter(city=city, state__in=PUBLIC_STATES).annotate(
        open_gap=F("value_requested_cents") - F("value_committed_cents")
    )
    return _with_lines(base, city)


def needs_catalogue(*, city, params) -> NeedFilter:
    """The public menu of opportunities, filtered by ``params`` (GET parameters). The filter's
    ``qs`` is the page's queryset; its ``form`` carries the choices and any error."""
    return NeedFilter(params, queryset=needs_public(city=city))


def need_get(*, actor, city, pk) -> Need:
    """A need the actor may see (public ones, or drafts of their own organisation / for officers)."""
    try:
        need = _with_lines(Need.objects.filter(city=city), city).get(pk=pk)
    except (Need.DoesNotExist, ValueError):
        raise Http404("No such need") from None
    if not actor.has_perm("needs.view_need", need):
        raise Http404("No such need")
    return need


def needs_to_review(*, city) -> QuerySet[Need]:
    return _with_lines(Need.objects.filter(city=city, state=Need.State.UNDER_REVIEW), city).order_by("created_at")


def needs_of_organisation(*, city, organisation) -> QuerySet[Need]:
    return _with_lines(Need.objects.filter(city=city, owner=organisation), city).order_by("-created_at")


def open_gap_by_area(*, city, kind: str, measure: str = "gap") -> dict[str, float]:
    """{area code: open gap in EUR, or number of open needs} for the catalogue's choropleth."""
    field = "area__code" if kind == city.settings.primary_area_kind else "district__code"
    rows = (
        Need.objects.filter(city=city, state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS])
        .values(field)
        .annotate(gap=Sum(F("value_requested_cents") - F("value_committed_cents")), count=Count("id"))
        .order_by(field)
    )
    if measure == "count":
        return {row[field]: row["count"] for row in rows if row[field]}
    return {row[field]: round(row["gap"] / 100, 2) for row in rows if row[field]}


def need_counts(*, city) -> dict:
    return Need.objects.filter(city=city, state__in=PUBLIC_STATES).aggregate(
        total=Count("id"), open=Count("id", filter=Q(state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]))
    )
