"""Reads for the action plan, the catalogue of needs and a need's page."""

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property

from cities4csr.cities.models import Area
from cities4csr.cities.selectors import area_choices

from .filters import PUBLIC_STATES, NeedFilter
from .models import OPEN_GAP, Action, Need, ResourceLine, Theme

#: needs per page of the catalogue (its list, and the dots on its map)
CATALOGUE_PAGE_SIZE = 20
#: what a need's card in the catalogue shows (of the need, and of each line)
CARD_FIELDS = (
    "title",
    "translations",  # the title in the reader's language (core.i18n.translated)
    "state",
    "theme_keys",
    "value_requested_cents",
    "value_committed_cents",
    "area__name",
    "district__name",
)
CARD_LINE_FIELDS = ("need", "kind", "label", "unit", "quantity", "committed")
#: seconds a process reuses the catalogue's drop-down choices (catalogue_choices)
CHOICES_TTL = 60


class CataloguePaginator(Paginator):
    """Counts the matches exactly up to ``cap``; past it the page says "more than 1,000": the
    exact count of a broad search would read every match, and nobody pages through a thousand
    needs (they refine the filters)."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        # unordered: any cap + 1 matches will do, so the scan stops as soon as it has them
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def actions_of_city(*, city) -> QuerySet[Action]:
    # the areas' geometry (large GeoJSON) is left in the database: callers show codes and names
    areas = Prefetch("target_areas", queryset=Area.objects.filter(city=city).defer("geometry").order_by("code"))
    return Action.objects.filter(city=city).prefetch_related(areas).order_by("number")


def catalogue_choices(*, city) -> dict:
    """What the catalogue's drop-downs offer, in every language: ``{"themes": [(key, names)],
    "actions": [(number, titles)], "areas": {kind: [(code, name)]}}``. Every visitor's page shows
    them and they seldom change, so they are read at most once a minute per process (the services
    that change themes or actions forget them at once, in their own process)."""

    def read():
        policy = city.settings
        return {
            "themes": list(Theme.objects.filter(city=city).order_by("key").values_list("key", "names")),
            "actions": list(Action.objects.filter(city=city).order_by("number").values_list("number", "titles")),
            "areas": area_choices(city=city, kinds=(policy.primary_area_kind, policy.district_area_kind)),
        }

    return cache.get_or_set(_choices_key(city), read, CHOICES_TTL)


def catalogue_choices_forget(*, city) -> None:
    cache.delete(_choices_key(city))


def _choices_key(city) -> str:
    return f"catalogue-choices:{city.pk}"


def themes_of_city(*, city) -> QuerySet[Theme]:
    return Theme.objects.filter(city=city).order_by("key")


def _with_lines(queryset, city):
    # A need shows its area's and district's names, not their polygons (large GeoJSON): leave
    # those in the database, they would be most of the bytes read and decoded.
    related = queryset.select_related("area", "district", "action", "owner").defer(
        "area__geometry", "district__geometry"
    )
    return related.prefetch_related(
        Prefetch("lines", queryset=ResourceLine.objects.filter(city=city).order_by("id")),
        Prefetch("themes", queryset=Theme.objects.filter(city=city).order_by("key")),
    )


def _public(city) -> QuerySet[Need]:
    return Need.objects.filter(city=city, state__in=PUBLIC_STATES).annotate(open_gap=OPEN_GAP)


def needs_public(*, city) -> QuerySet[Need]:
    """Every need the public may see, with all of each (the API's list)."""
    return _with_lines(_public(city), city)


def needs_catalogue(*, city, params) -> NeedFilter:
    """The public menu of opportunities, filtered by ``params`` (GET parameters). The filter's
    ``qs`` is the needs' queryset; its ``form`` carries the choices and any error."""
    return NeedFilter(params, queryset=needs_public(city=city))


def catalogue_page(*, city, params, theme_labels: dict[str, str]) -> tuple[NeedFilter, Page]:
    """The catalogue page: its filter (form, errors) and the page of needs ``params`` asks for,
    with only what a card shows: the names of area and district, the lines, the labels of the
    themes (``theme_labels``, by the need's ``theme_keys``: no query)."""
    catalogue = NeedFilter(params, queryset=_public(city))
    cards = (
        catalogue.qs.select_related("area", "district")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch("lines", queryset=ResourceLine.objects.filter(city=city).only(*CARD_LINE_FIELDS).order_by("id"))
        )
    )
    page = CataloguePaginator(cards, CATALOGUE_PAGE_SIZE).get_page(params.get("page"))
    page.object_list = list(page.object_list)
    for need in page.object_list:
        need.theme_labels = [theme_labels[key] for key in need.theme_keys.split("|") if key in theme_labels]
    return catalogue, page


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
    field = "area_id" if kind == city.settings.primary_area_kind else "district_id"
    # Grouped by the area's id, without a join (an index-only scan of need_state_area_totals),
    # then named by the areas' codes.
    rows = (
        Need.objects.filter(city=city, state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS])
        .exclude(**{field: None})
        .values(field)
        .annotate(gap=Sum(OPEN_GAP), count=Count("*"))
        .order_by()
    )
    totals = {row[field]: row for row in rows}
    codes = sorted(
        (code, pk) for pk, code in Area.objects.filter(city=city, pk__in=totals).order_by().values_list("pk", "code")
    )
    if measure == "count":
        return {code: totals[pk]["count"] for code, pk in codes if code}
    return {code: round(totals[pk]["gap"] / 100, 2) for code, pk in codes if code}


def need_points(*, city, params, page_size: int | None = None) -> dict:
    """The catalogue's needs that have a place, as a GeoJSON FeatureCollection for its map: same
    filters and order as ``needs_catalogue``. With ``page_size``, only the needs of the page the
    ``page`` parameter names (as the catalogue's paginator cuts it): the dots of the needs listed.

    Built from plain rows, each need's URL from one reversed template: at tens of thousands
    of needs, a reverse() per row and model instances would be most of the time.
    """
    needs = needs_catalogue(city=city, params=params).qs
    if page_size:
        page = CataloguePaginator(needs.prefetch_related(None).values_list("pk", flat=True), page_size).get_page(
            params.get("page")
        )
        needs = needs.filter(pk__in=list(page.object_list))
    marker = 999_999_999
    url = reverse("need_detail", kwargs={"city_slug": city.slug, "pk": marker})
    rows = (
        needs.filter(lat__isnull=False)
        .prefetch_related(None)
        .values_list("id", "title", "state", "lat", "lon", "area__code", "open_gap")
    )
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "title": title,
                "state": state,
                "area_code": area_code,
                "value_open_cents": max(open_gap, 0),
                "url": url.replace(str(marker), str(pk)),
            },
        }
        for pk, title, state, lat, lon, area_code, open_gap in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def need_counts(*, city) -> dict:
    return Need.objects.filter(city=city, state__in=PUBLIC_STATES).aggregate(
        total=Count("id"), open=Count("id", filter=Q(state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS]))
    )


def needs_for_officer(*, actor, city, q: str = "") -> QuerySet[Need]:
    """Every need of the city in every state, drafts and withdrawn ones included, newest change
    first, for the officer's list (none for anyone else); ``q`` searches title, description,
    beneficiaries and neighbourhood (accents and case folded, as the catalogue does)."""
    from cities4csr.core.text import fold
    from cities4csr.organisations.rules import is_city_officer

    if not is_city_officer(actor, city):
        return Need.objects.none()
    needs = (
        Need.objects.filter(city=city)
        .select_related("owner", "area")
        .only(
            "title",
            "state",
            "updated_at",
            "value_requested_cents",
            "value_committed_cents",
            "owner__name",
            "area__name",
            "area__code",
        )
        .order_by("-updated_at", "-id")
    )
    for word in fold(q).split():
        needs = needs.filter(search_text__contains=word)
    return needs
