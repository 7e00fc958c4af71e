"""seed_scale, the benchmarks' large city, at a tiny size: deterministic and consistent."""

import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from shapely.geometry import Point, shape

from cities4csr.cities.models import Area, City
from cities4csr.core.models import AuditEvent
from cities4csr.core.text import fold
from cities4csr.needs.filters import PUBLIC_STATES
from cities4csr.needs.models import Need, ResourceKind, ResourceLine, Theme
from cities4csr.needs.selectors import need_points, needs_catalogue
from cities4csr.needs.services import sdg_index, tags_index
from cities4csr.organisations.models import Organisation, Site

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]  # the scale city copies Milan's areas

SIZES = ["--needs", "50", "--organisations", "200"]


def seed(slug, *extra):
    out = io.StringIO()
    call_command("seed_scale", "--city", slug, *SIZES, *extra, stdout=out)
    return out.getvalue()


def needs_of(slug):
    with scopes_disabled():
        return list(
            Need.objects.filter(city__slug=slug)
            .order_by("id")
            .values_list("title", "state", "value_requested_cents", "value_committed_cents", "area__code", "lat", "lon")
        )


def test_same_seed_same_city_and_a_rerun_adds_nothing():
    seed("scale-a")
    seed("scale-b")
    assert needs_of("scale-a") == needs_of("scale-b")
    assert len(needs_of("scale-a")) == 50
    with scopes_disabled():
        names = [
            list(Organisation.objects.filter(city__slug=s).order_by("id").values_list("name", flat=True))
            for s in ("scale-a", "scale-b")
        ]
        assert names[0][1:] == names[1][1:] and len(names[0]) == 200  # the first is the city hall, named after its city
        assert AuditEvent.objects.filter(city__slug="scale-a", verb="scale.seed").count() == 1
        assert not City.objects.get(slug="scale-a").is_listed

    out = seed("scale-a")
    assert "already has 200 organisations, skipped" in out
    assert "already has 50 needs, skipped" in out
    with scopes_disabled():
        assert Organisation.objects.filter(city__slug="scale-a").count() == 200
        assert AuditEvent.objects.filter(city__slug="scale-a", verb="scale.seed").count() == 1
        # the rows were written with explicit ids: the id sequences must have been moved past them
        Organisation.objects.create(city=City.objects.get(slug="scale-a"), kind="company", name="Made after")

    seed("scale-c", "--seed", "2")
    assert needs_of("scale-c") != needs_of("scale-a")


def test_totals_places_and_search_text_are_consistent():
    seed("scale-a")
    with scopes_disabled():
        city = City.objects.get(slug="scale-a")
        shapes = {a.pk: shape(a.geometry) for a in Area.objects.filter(city=city)}

        def geography(slug):
            return sorted(
                Area.objects.filter(city__slug=slug).values_list("kind", "code", "name", "parent__code", "min_lon")
            )

        assert geography("scale-a") == geography("milano")  # Milan's 9 Municipi and 88 NIL, copied
        assert len(geography("scale-a")) == 97

        needs = Need.objects.filter(city=city).select_related("area").prefetch_related("lines", "themes")
        states = set()
        for need in needs:
            lines = list(need.lines.all())
            assert 1 <= len(lines) <= 3
            assert need.value_requested_cents == sum(line.value_cents for line in lines)
            assert need.value_committed_cents == sum(
                round(li.value_cents * min(li.committed, li.quantity) / li.quantity) for li in lines
            )
            assert all(li.city_id == city.pk and 0 <= li.committed <= li.quantity for li in lines)
            assert need.area.kind == "nil" and need.district_id == need.area.parent_id
            assert shapes[need.area_id].contains(Point(need.lon, need.lat))
            assert need.search_text == fold(
                f"{need.title} {need.description} {need.beneficiary_group} {need.area.name}"
            )
            assert need.sdg_goals == sdg_index(need.sdgs)
            assert need.themes.exists()
            assert need.theme_keys == tags_index(sorted(theme.key for theme in need.themes.all()))
            assert need.kinds == tags_index(sorted({line.kind for line in lines}))
            assert (need.published_at is None) == (need.state in ("draft", "under_review"))
            states.add(need.state)
        assert {"published", "in_progress"} <= states
        assert ResourceLine.objects.filter(city=city, committed__gt=0).exists()  # some lines partly committed

        organisations = Organisation.objects.filter(city=city)
        assert organisations.filter(kind="company").count() > organisations.count() // 2
        sites = Site.objects.filter(city=city).prefetch_related("areas")
        for organisation in organisations.prefetch_related("sites"):
            assert 1 <= len(organisation.sites.all()) <= 3
        for site in sites:
            point = Point(site.lon, site.lat)
            nils = [a for a in site.areas.all() if a.kind == "nil"]
            assert len(nils) == 1 and shapes[nils[0].pk].contains(point)  # every site lies in its NIL
            assert all(shapes[a.pk].covers(point) for a in site.areas.all())


def test_catalogue_filters_and_map_points_on_the_scale_city(client):
    """The catalogue's theme and resource filters (EXISTS, no DISTINCT) select what they mean, once
    each, in the asked order; need_points gives the map what the GeoJSON API gives."""
    seed("scale-a")
    city = City.objects.get(slug="scale-a")
    with scope(city=city.pk):
        public = list(Need.objects.filter(state__in=PUBLIC_STATES).prefetch_related("lines", "themes"))

        def ids(params):
            return [need.pk for need in needs_catalogue(city=city, params=QueryDict(params)).qs]

        def expected(keep, key=lambda n: (-(n.published_at.timestamp()), -n.pk)):
            return [n.pk for n in sorted((n for n in public if keep(n)), key=key)]

        assert ids("") == expected(lambda n: True)
        for theme in Theme.objects.all():
            assert ids(f"theme={theme.key}") == expected(lambda n, theme=theme: theme in n.themes.all())
        for kind in ResourceKind.values:
            assert ids(f"kind={kind}") == expected(lambda n, kind=kind: kind in {li.kind for li in n.lines.all()})
        combined = ids("theme=education&kind=money&open=true&q=scuola&sort=gap")
        assert combined and combined == expected(
            lambda n: (
                any(t.key == "education" for t in n.themes.all())
                and any(line.kind == "money" for line in n.lines.all())
                and n.state in ("published", "in_progress")
                and n.value_committed_cents < n.value_requested_cents
                and "scuola" in n.search_text
            ),
            key=lambda n: (-(n.value_requested_cents - n.value_committed_cents), -n.pk),
        )

        points = need_points(city=city, params=QueryDict("kind=money"))
        assert [f["id"] for f in points["features"]] == ids("kind=money")
        assert points["features"][0]["properties"]["url"] == reverse(
            "need_detail", kwargs={"city_slug": city.slug, "pk": points["features"][0]["id"]}
        )
        page_two = need_points(city=city, params=QueryDict("page=2"), page_size=20)
        assert [f["id"] for f in page_two["features"]] == ids("")[20:40]

    api = client.get("/api/v1/cities/scale-a/needs.geojson?kind=money").json()
    without_url = [{**f, "properties": {**f["properties"], "url": None}} for f in api["features"]]
    assert without_url == [{**f, "properties": {**f["properties"], "url": None}} for f in points["features"]]


def test_activities_fill_their_slots_within_their_places_and_keep_the_counters():
    seed("scale-v", "--activities", "40", "--registrations", "300")
    from cities4csr.volunteering.models import Activity, Registration, Slot

    with scopes_disabled():
        activities = Activity.objects.filter(city__slug="scale-v")
        assert activities.count() == 40
        assert not activities.filter(area__isnull=True).exists()
        slots = list(Slot.objects.filter(city__slug="scale-v").order_by("id"))
        assert 40 <= len(slots) <= 120
        registrations = Registration.objects.filter(city__slug="scale-v")
        assert registrations.count() == min(300, sum(s.capacity for s in slots))
        for slot in slots:
            assert slot.taken == registrations.filter(slot=slot).count() <= slot.capacity
        pairs = list(registrations.values_list("slot_id", "user_id"))
        assert len(pairs) == len(set(pairs))  # nobody twice on one slot
    assert "already has 40 activities, skipped" in seed("scale-v", "--activities", "40")


@pytest.mark.parametrize("flag", ["--activities", "--registrations", "--needs"])
def test_a_negative_size_is_refused_and_nothing_is_made(flag):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="0 or more"):
        call_command("seed_scale", "--city", "scale-bad", "--organisations", "10", flag, "-1", stdout=io.StringIO())
    with scopes_disabled():
        assert not City.objects.filter(slug="scale-bad").exists()
