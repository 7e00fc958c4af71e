"""A large, deterministic city for benchmarks: ``manage.py seed_scale``.

The city reuses Milan's real geography (the 9 Municipi and 88 NIL, copied from the demo city
"milano", or read from ``demo/data`` as the demo does when Milan is not loaded) and fills it
with fictitious organisations, their sites and needs with resource lines.

Rows are written in batches of 5,000 straight into the tables (COPY on PostgreSQL), not through
the per-row services, too slow for hundreds of thousands of rows; so this module keeps what the
services would: the needs' EUR totals (as ``need_refresh_totals``), ``search_text`` and
``sdg_goals``, ``theme_keys`` and ``kinds`` (the services' own functions), area and district, the sites' areas (as
``areas_locate``: every area covering the point). One audit event, ``scale.seed``, records the
load, in the same transaction.

Deterministic: everything is drawn from ``random.Random`` seeded with ``seed`` (one stream per
step), so two runs with the same seed give the same organisations, sites and needs. Each step
is skipped, and says so, when the city already has that kind of row.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass

import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import FileField, JSONField, Max
from django.utils import timezone
from django_scopes import scope
from shapely.geometry import shape

from cities4csr.cities.models import Area, AreaLayer, City
from cities4csr.cities.services import city_create
from cities4csr.core.services import audit_log
from cities4csr.demo.seed import CITIES, LAYERS, NAME_PARTS, SECTORS, load_layer
from cities4csr.needs.models import KIND_UNITS, Action, Need, ResourceKind, ResourceLine, Theme
from cities4csr.needs.services import need_search_text, sdg_index, tags_index, themes_ensure_defaults
from cities4csr.organisations.models import Organisation, Site
from cities4csr.volunteering.models import Activity, Registration, Slot

BATCH = 5_000
GEOGRAPHY = "milano"  # whose areas the large city reuses
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # fixed, so dates are deterministic too

ORGANISATION_KINDS = (  # (kind, weight): mostly companies
    (Organisation.Kind.COMPANY, 85),
    (Organisation.Kind.THIRD_SECTOR, 5),
    (Organisation.Kind.ASSOCIATION, 5),
    (Organisation.Kind.FOUNDATION, 2),
    (Organisation.Kind.INFORMAL_GROUP, 2),
    (Organisation.Kind.UNIVERSITY, 1),
)
KIND_PREFIX = {
    Organisation.Kind.THIRD_SECTOR: "Cooperativa sociale",
    Organisation.Kind.ASSOCIATION: "Associazione",
    Organisation.Kind.FOUNDATION: "Fondazione",
    Organisation.Kind.INFORMAL_GROUP: "Gruppo di quartiere",
    Organisation.Kind.UNIVERSITY: "Politecnico",
}

NEED_STATES = (  # (state, weight): mostly published or in progress
    (Need.State.PUBLISHED, 55),
    (Need.State.IN_PROGRESS, 25),
    (Need.State.DRAFT, 4),
    (Need.State.UNDER_REVIEW, 3),
    (Need.State.FULFILLED, 5),
    (Need.State.DELIVERED, 3),
    (Need.State.VERIFIED, 2),
    (Need.State.CLOSED, 2),
    (Need.State.WITHDRAWN, 1),
)
UNPUBLISHED = {Need.State.DRAFT, Need.State.UNDER_REVIEW}
COMPLETE = {Need.State.FULFILLED, Need.State.DELIVERED, Need.State.VERIFIED, Need.State.CLOSED}

# (title, description, theme keys, SDG codes)
NEED_TEMPLATES = (
    ("Cortile della scuola", "Rinnovare il cortile della scuola e aprirlo al quartiere.", ["education", "public_space"], ["4", "11.7"]),
    ("Doposcuola", "Un doposcuola con tutor per gli alunni della scuola media.", ["education", "social_inclusion"], ["4", "10.2"]),
    ("Biblioteca di classe", "Libri e scaffali per la biblioteca della scuola primaria.", ["education", "culture"], ["4"]),
    ("Laboratorio di scienze", "Attrezzare il laboratorio di scienze della scuola.", ["education", "innovation"], ["4", "4.a"]),
    ("Aule all'aperto", "Trasformare il giardino della scuola in aule all'aperto.", ["education", "greening"], ["4", "11.7", "13"]),
    ("Computer e connessione per le famiglie", "Portatili ricondizionati e tutor digitali per famiglie in povertà digitale.", ["social_inclusion", "innovation"], ["1", "4.4", "10.2"]),
    ("Orto condiviso", "Un orto di quartiere curato da residenti e volontari.", ["greening", "social_inclusion"], ["2", "11.7"]),
    ("Sportello di quartiere", "Riattivare uno spazio abbandonato come presidio di servizi a 15 minuti.", ["public_space"], ["11", "11.3"]),
    ("Emporio solidale", "Un emporio dove le famiglie in difficoltà fanno la spesa con una tessera a punti.", ["social_inclusion", "health"], ["1", "2.1"]),
    ("Corsi di italiano per adulti", "Corsi serali di lingua italiana per residenti stranieri.", ["education", "social_inclusion"], ["4.6", "10.2"]),
    ("Palestra della scuola aperta la sera", "Aprire la palestra della scuola ad attività sportive per i ragazzi.", ["health", "education"], ["3", "4"]),
    ("Alberi nel cortile", "Piantare alberi e ombreggiare il cortile contro le ondate di calore.", ["greening", "health"], ["11.7", "13.1"]),
    ("Centro per anziani", "Attività e compagnia per gli anziani soli del quartiere.", ["social_inclusion", "health"], ["3", "10.2"]),
    ("Laboratorio teatrale", "Un laboratorio teatrale per adolescenti nel centro civico.", ["culture", "social_inclusion"], ["4", "11.4"]),
    ("Riparazione biciclette", "Una ciclofficina di quartiere con volontari esperti.", ["public_space", "innovation"], ["11.2", "12.5"]),
    ("Mensa solidale", "Pasti caldi per chi ne ha bisogno, con cuochi volontari.", ["social_inclusion", "health"], ["2.1", "1"]),
)  # fmt: skip
BENEFICIARIES = ("Alunni e famiglie", "Residenti", "Famiglie in povertà digitale", "Anziani soli", "Ragazzi 11-17", "")

# kind -> (labels, quantity range, EUR cents per unit range); money is counted in cents
LINE_TEMPLATES = {
    ResourceKind.MONEY: (("Contributo economico", "Arredi e materiali", "Ristrutturazione leggera"), (1_000, 50_000), None),
    ResourceKind.GOODS: (("Portatili", "Libri", "Attrezzi da giardino", "Arredi"), (5, 60), (2_000, 40_000)),
    ResourceKind.VOLUNTEER_TIME: (("Volontari per i lavori", "Volontari per il doposcuola"), (20, 400), (2_500, 2_500)),
    ResourceKind.EXPERTISE: (("Consulenza pro bono", "Tutor digitali", "Progettazione"), (10, 150), (4_000, 9_000)),
    ResourceKind.SPACE: (("Locale per attività", "Sala per incontri"), (30, 365), (3_000, 6_000)),
}  # fmt: skip
LINE_KINDS = tuple(LINE_TEMPLATES)


@dataclass
class Geography:
    """The NIL of the city with prepared polygons, for fast point sampling and location."""

    nils: list[Area]
    districts: list[Area]
    shapes: dict[int, object]  # area id -> prepared shapely geometry

    @classmethod
    def of(cls, city: City) -> Geography:
        policy = city.settings
        areas = list(Area.objects.filter(city=city).order_by("kind", "code"))
        shapes = {}
        for area in areas:
            geometry = shape(area.geometry)
            shapely.prepare(geometry)
            shapes[area.id] = geometry
        nils = [a for a in areas if a.kind == policy.primary_area_kind]
        districts = [a for a in areas if a.kind == policy.district_area_kind]
        return cls(nils=nils, districts=districts, shapes=shapes)

    def point_in(self, area: Area, rng: random.Random) -> tuple[float, float]:
        """A random point inside ``area`` (rounded to about 10 cm, and still inside)."""
        geometry = self.shapes[area.id]
        while True:
            lon = round(rng.uniform(area.min_lon, area.max_lon), 6)
            lat = round(rng.uniform(area.min_lat, area.max_lat), 6)
            if shapely.contains_xy(geometry, lon, lat):
                return lon, lat

    def districts_of(self, nil: Area, lon: float, lat: float) -> list[Area]:
        """The districts covering the point, as ``areas_locate`` finds them (the NIL's parent, normally)."""
        for district in sorted(self.districts, key=lambda d: d.id != nil.parent_id):
            if shapely.contains_xy(self.shapes[district.id], lon, lat):
                return [district]
        return []


def seed_scale(
    *,
    slug: str = "metropoli",
    needs: int = 20_000,
    organisations: int = 300_000,
    activities: int = 0,
    registrations: int = 0,
    seed: int = 1,
    say=None,
) -> City:
    """Create (or complete) the large city ``slug``. Returns the city."""
    say = say or (lambda *_: None)
    city = City.objects.filter(slug=slug).first()
    if city is None:
        policy = {k: v for k, v in CITIES[GEOGRAPHY]["policy"].items() if k != "default_indicator"}
        fields = {**CITIES[GEOGRAPHY], "name": slug.replace("-", " ").title(), "policy": policy}
        city = city_create(actor=None, slug=slug, **fields)
        City.objects.filter(pk=city.pk).update(is_listed=False)  # a benchmark city, not on the network page
        city.is_listed = False
        say(f"{slug}: city created (not listed)")
    with scope(city=city.pk):
        _areas(city, say)
        themes = {t.key: t for t in themes_ensure_defaults(actor=None, city=city)}
        geography = Geography.of(city)
        counts = {"seed": seed, "organisations": 0, "sites": 0, "needs": 0, "lines": 0}
        with transaction.atomic():
            if Organisation.objects.filter(city=city).exists():
                say(f"{slug}: already has {Organisation.objects.filter(city=city).count()} organisations, skipped")
            else:
                counts.update(_organisations(city, geography, organisations, random.Random(f"{seed}-organisations")))
                say(f"{slug}: {counts['organisations']} organisations, {counts['sites']} sites")
            if Need.objects.filter(city=city).exists():
                say(f"{slug}: already has {Need.objects.filter(city=city).count()} needs, skipped")
            else:
                actions = _actions(city, geography)
                counts.update(_needs(city, geography, themes, actions, needs, random.Random(f"{seed}-needs")))
                say(f"{slug}: {counts['needs']} needs, {counts['lines']} resource lines")
            if not activities:
                pass
            elif Activity.objects.filter(city=city).exists():
                say(f"{slug}: already has {Activity.objects.filter(city=city).count()} activities, skipped")
            else:
                counts.update(
                    _activities(city, geography, themes, activities, registrations, random.Random(f"{seed}-activities"))
                )
                say(
                    f"{slug}: {counts['activities']} activities, {counts['slots']} slots, {counts['registrations']} registrations"
                )
            if counts["organisations"] or counts["needs"] or counts.get("activities"):
                audit_log(actor=None, city=city, verb="scale.seed", obj=city, payload=counts)
        # also when nothing was loaded: a migration may just have rewritten the tables
        _refresh_statistics()
    return city


def _refresh_statistics() -> None:
    """After a bulk load, what autovacuum would do a while later: fresh planner statistics and,
    on PostgreSQL, the visibility map that index-only scans rely on."""
    if transaction.get_connection().in_atomic_block:
        return  # e.g. inside a test's transaction: VACUUM cannot run there, and nothing needs it
    models = [City, AreaLayer, Area, Theme, Action, Action.target_areas.through]
    models += [Organisation, Site, Site.areas.through, Need, ResourceLine, Need.themes.through]
    models += [Activity, Activity.themes.through, Slot, Registration]
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def _areas(city: City, say) -> None:
    """Milan's Municipi then NIL: copied from the demo city when it is loaded, else read from the
    demo's files as seed_demo does. Kinds the city has already are left alone."""
    demo = City.objects.filter(slug=GEOGRAPHY).exclude(pk=city.pk).first()
    for layer in LAYERS[GEOGRAPHY]:  # widest first: parents exist before their children
        if AreaLayer.objects.filter(city=city, kind=layer.kind).exists():
            continue
        with scope(city=demo.pk) if demo else nullcontext():
            source = AreaLayer.objects.filter(city=demo, kind=layer.kind).first() if demo else None
            areas = Area.objects.filter(city=demo, kind=layer.kind).select_related("parent").defer("parent__geometry")
            areas = list(areas) if source else []
        if source and areas:
            _copy_layer(city, source, areas)
            say(f"{city.slug} {layer.kind}: {len(areas)} areas copied from {GEOGRAPHY}")
            continue
        load_layer(city, layer, say)


def _copy_layer(city: City, source: AreaLayer, areas: list[Area]) -> None:
    fields = ("kind", "names", "level", "parent_kind", "source", "licence", "attribution")
    parents = {(a.kind, a.code): a for a in Area.objects.filter(city=city, kind=source.parent_kind)}
    with transaction.atomic():
        AreaLayer.objects.create(city=city, **{f: getattr(source, f) for f in fields})
        Area.objects.bulk_create(
            Area(
                city=city,
                kind=area.kind,
                code=area.code,
                name=area.name,
                parent=parents.get((area.parent.kind, area.parent.code)) if area.parent else None,
                geometry=area.geometry,
                min_lon=area.min_lon,
                min_lat=area.min_lat,
                max_lon=area.max_lon,
                max_lat=area.max_lat,
            )
            for area in areas
        )


def _batches(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _weighted(choices) -> Callable[[random.Random], object]:
    values, weights = zip(*choices, strict=True)
    cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
    return lambda rng: rng.choices(values, cum_weights=cumulative)[0]


class _Writer:
    """Writes plain rows (``{attname: value}``) straight into a model's table, with ids given here.

    COPY on PostgreSQL, ``executemany`` elsewhere: an order of magnitude faster than
    ``bulk_create`` for hundreds of thousands of rows. Missing values take the field's default,
    ``auto_now`` fields the current time; the id sequence is reset by ``finish()``. Meant for a
    database nobody else is writing the same tables of while it runs.
    """

    def __init__(self, model):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.next_id = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        now = timezone.now()
        self.defaults = {
            f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in self.fields
        }
        self.copy = connection.vendor == "postgresql"
        if self.copy:  # psycopg adapts plain values itself; JSON and files go as text
            self.prepare = [
                (lambda v: json.dumps(v)) if isinstance(f, JSONField) else str if isinstance(f, FileField) else None
                for f in self.fields
            ]
        else:
            self.prepare = [(lambda v, f=f: f.get_db_prep_save(v, connection)) for f in self.fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)

    def write(self, rows: list[dict]) -> list[int]:
        ids = list(range(self.next_id, self.next_id + len(rows)))
        self.next_id += len(rows)
        pk = self.model._meta.pk.attname
        values = []
        for row_id, row in zip(ids, rows, strict=True):
            full = {**self.defaults, **row, pk: row_id}
            values.append(
                [
                    prepare(full[f.attname]) if prepare else full[f.attname]
                    for f, prepare in zip(self.fields, self.prepare, strict=True)
                ]
            )
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608 (names from _meta)
                cursor.executemany(sql, values)
        return ids

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


def _organisations(city: City, geography: Geography, count: int, rng: random.Random) -> dict:
    """``count`` organisations (the city hall first, then mostly companies) with 1–3 sites each,
    each site linked to the areas covering it (its NIL and Municipio), as ``site_add`` does."""
    first, second, forms = NAME_PARTS[GEOGRAPHY]
    pick_kind = _weighted(ORGANISATION_KINDS)
    organisations, sites, links = _Writer(Organisation), _Writer(Site), _Writer(Site.areas.through)

    def rows():
        for index in range(count):
            if index == 0:
                kind, name = Organisation.Kind.PUBLIC_BODY, f"Comune di {city.name}"
            else:
                kind = pick_kind(rng)
                words = f"{rng.choice(first)} {rng.choice(second)}"
                if kind == Organisation.Kind.COMPANY:
                    name = f"{words} {index:06d} {rng.choice(forms)}"
                else:
                    name = f"{KIND_PREFIX[kind]} {words} {index:06d}"
            organisation = {
                "city_id": city.pk,
                "kind": kind,
                "name": name,
                "description": "Fictitious organisation for the benchmarks.",
                "nace_section": rng.choice(SECTORS) if kind == Organisation.Kind.COMPANY else "",
                "size_band": rng.choice(Organisation.SizeBand.values),
            }
            places = []
            for number in range(1, rng.randint(1, 3) + 1):
                nil = rng.choice(geography.nils)
                lon, lat = geography.point_in(nil, rng)
                site = {"city_id": city.pk, "label": f"Sede {number}", "lat": lat, "lon": lon}
                places.append((site, [*geography.districts_of(nil, lon, lat), nil]))
            yield organisation, places

    totals = {"organisations": 0, "sites": 0}
    for batch in _batches(rows()):
        ids = organisations.write([organisation for organisation, _places in batch])
        placed = []
        for organisation_id, (_organisation, places) in zip(ids, batch, strict=True):
            for site, areas in places:
                site["organisation_id"] = organisation_id
                placed.append((site, areas))
        site_ids = sites.write([site for site, _areas in placed])
        links.write(
            [
                {"site_id": site_id, "area_id": area.pk}
                for site_id, (_site, areas) in zip(site_ids, placed, strict=True)
                for area in areas
            ]
        )
        totals["organisations"] += len(batch)
        totals["sites"] += len(placed)
    for writer in (organisations, sites, links):
        writer.finish()
    return totals


def _actions(city: City, geography: Geography) -> list[Action]:
    """Three lines of an action plan, like Milan's, each targeting a handful of NIL."""
    existing = list(Action.objects.filter(city=city).order_by("number"))
    if existing:
        return existing
    titles = (
        {"it": "Scuole più attrattive nei quartieri svantaggiati", "en": "More attractive schools"},
        {"it": "Povertà alimentare e digitale", "en": "Food and digital poverty"},
        {"it": "Il quartiere dei 15 minuti", "en": "The 15-minute neighbourhood"},
    )
    actions = Action.objects.bulk_create(
        [Action(city=city, number=number, titles=title) for number, title in enumerate(titles, start=1)]
    )
    Target = Action.target_areas.through
    Target.objects.bulk_create(
        [
            Target(action_id=action.pk, area_id=nil.pk)
            for number, action in enumerate(actions)
            for nil in geography.nils[number::17]
        ]
    )
    return actions


def _owners(city: City) -> tuple[int, list[int]]:
    """The city hall, and the partners that publish needs (non-profits, foundations…)."""
    hall = (
        Organisation.objects.filter(city=city, kind=Organisation.Kind.PUBLIC_BODY)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    partners = list(
        Organisation.objects.filter(city=city)
        .exclude(kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY])
        .order_by("id")
        .values_list("id", flat=True)
    )
    if hall is None:
        hall = Organisation.objects.filter(city=city).order_by("id").values_list("id", flat=True).first()
    if hall is None:
        raise ValueError(f"{city.slug} has no organisation to own its needs: seed organisations first")
    return hall, partners or [hall]


def _line(need: Need, rng: random.Random) -> ResourceLine:
    kind = rng.choice(LINE_KINDS)
    labels, (low, high), per_unit = LINE_TEMPLATES[kind]
    if kind == ResourceKind.MONEY:
        quantity = rng.randint(low, high) * 100  # whole euros, in cents
        value = quantity
    else:
        quantity = rng.randint(low, high)
        value = quantity * rng.randint(*per_unit)
    committed = 0
    if need.state in COMPLETE:
        committed = quantity
    elif need.state == Need.State.IN_PROGRESS and rng.random() < 0.7:
        committed = rng.randint(1, quantity)  # partly, sometimes wholly
    return ResourceLine(
        city=need.city,
        need=need,
        kind=kind,
        label=rng.choice(labels),
        unit=KIND_UNITS.get(kind, "units"),
        quantity=quantity,
        value_cents=value,
        committed=committed,
    )


def _needs(city: City, geography: Geography, themes: dict, actions: list, count: int, rng: random.Random) -> dict:
    """``count`` needs across the NIL, each with 1–3 lines and consistent totals."""
    hall, partners = _owners(city)
    pick_state = _weighted(NEED_STATES)
    NeedTheme = Need.themes.through

    def rows():
        for index in range(count):
            title, description, theme_keys, sdgs = rng.choice(NEED_TEMPLATES)
            nil = rng.choice(geography.nils)
            lon, lat = geography.point_in(nil, rng)
            state = pick_state(rng)
            starts_on = (EPOCH + dt.timedelta(days=rng.randint(0, 365))).date() if rng.random() < 0.6 else None
            need = Need(
                city=city,
                owner_id=hall if rng.random() < 0.5 else rng.choice(partners),
                action=rng.choice(actions) if actions and rng.random() < 0.3 else None,
                title=f"{title} – {nil.name}",
                description=description,
                sdgs=sdgs,
                sdg_goals=sdg_index(sdgs),
                theme_keys=tags_index(sorted(key for key in theme_keys if key in themes)),
                lat=lat,
                lon=lon,
                area=nil,
                district=nil.parent,
                beneficiary_group=rng.choice(BENEFICIARIES),
                beneficiaries_expected=rng.choice([None, 20, 40, 120, 300]),
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=rng.randint(30, 540)) if starts_on else None,
                state=state,
                published_at=None
                if state in UNPUBLISHED
                else EPOCH + dt.timedelta(minutes=index * 20 + rng.randint(0, 19)),
            )
            need.search_text = need_search_text(need)
            lines = [_line(need, rng) for _ in range(rng.randint(1, 3))]
            need.value_requested_cents = sum(line.value_cents for line in lines)
            need.kinds = tags_index(sorted({line.kind for line in lines}))
            need.value_committed_cents = sum(
                round(line.value_cents * min(line.committed, line.quantity) / line.quantity) for line in lines
            )
            yield need, lines, [themes[key] for key in theme_keys if key in themes]

    totals = {"needs": 0, "lines": 0}
    writers = _Writer(Need), _Writer(ResourceLine), _Writer(NeedTheme)
    for batch in _batches(rows()):
        need_ids = writers[0].write([_row(need) for need, _lines, _themes in batch])
        lines, links = [], []
        for need_id, (_need, need_lines, need_themes) in zip(need_ids, batch, strict=True):
            lines += [{**_row(line), "need_id": need_id} for line in need_lines]
            links += [{"need_id": need_id, "theme_id": theme.pk} for theme in need_themes]
        writers[1].write(lines)
        writers[2].write(links)
        totals["needs"] += len(batch)
        totals["lines"] += len(lines)
    for writer in writers:
        writer.finish()
    return totals


def _row(instance) -> dict:
    """An unsaved instance's values for ``_Writer`` (id and timestamps are the writer's)."""
    skip = {"id", "created_at", "updated_at"}
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname not in skip}


ACTIVITY_TEMPLATES = (
    ("Ridipingiamo la scuola", "Una giornata per ridipingere aule e corridoi.", ["education"], "pittura"),
    ("Pulizia del parco", "Raccogliere i rifiuti e curare le aiuole del parco di quartiere.", ["greening"], ""),
    ("Doposcuola", "Aiutare i ragazzi con i compiti.", ["education", "social_inclusion"], "tutoraggio"),
    ("Emporio solidale", "Riordinare gli scaffali e accogliere le famiglie.", ["social_inclusion"], ""),
    ("Orto condiviso", "Semina, irrigazione e raccolta con i residenti.", ["greening"], "giardinaggio"),
    ("Tutor digitali", "Insegnare a usare lo SPID e i servizi online.", ["innovation", "social_inclusion"], "informatica"),
)  # fmt: skip


def _activities(
    city: City, geography: Geography, themes: dict, count: int, registrations: int, rng: random.Random
) -> dict:
    """``count`` open activities across the NIL, hosted by the city's non-profits, each with 1–3
    slots from two months ago to four months ahead, and ``registrations`` registrations spread
    over the slots within their places (the slots' counters kept, as the sign-up services keep
    them), by as many fictitious people as a tenth of the registrations."""
    _hall, hosts = _owners(city)
    User = Registration._meta.get_field("user").related_model
    people = max(30, registrations // 10)  # at least a slot's largest capacity: nobody twice on one slot
    user_ids = _Writer(User).write(
        [
            {"email": f"volontario-{index:06d}@{city.slug}.example", "password": "!", "is_active": True}
            for index in range(people)
        ]
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    writers = {
        "activities": _Writer(Activity),
        "themes": _Writer(Activity.themes.through),
        "slots": _Writer(Slot),
        "registrations": _Writer(Registration),
    }
    slots = []  # (slot id, capacity, ended)
    for batch in _batches(range(count)):
        rows, links, slot_rows = [], [], []
        for index in batch:
            title, description, theme_keys, skills = rng.choice(ACTIVITY_TEMPLATES)
            nil = rng.choice(geography.nils)
            lon, lat = geography.point_in(nil, rng)
            rows.append(
                {
                    "city_id": city.pk,
                    "slug": f"attivita-{index:06d}",
                    "title": f"{title} – {nil.name}",
                    "description": description,
                    "kind": Activity.Kind.SLOTS,
                    "state": Activity.State.OPEN,
                    "host_id": rng.choice(hosts),
                    "skills": skills,
                    "place": nil.name,
                    "lat": lat,
                    "lon": lon,
                    "area_id": nil.pk,
                    "family_friendly": rng.random() < 0.3,
                    "published_at": now - dt.timedelta(days=rng.randint(1, 90)),
                }
            )
        ids = writers["activities"].write(rows)
        for activity_id, row in zip(ids, rows, strict=True):
            template = next(t for t in ACTIVITY_TEMPLATES if row["title"].startswith(t[0]))
            links += [{"activity_id": activity_id, "theme_id": themes[key].pk} for key in template[2] if key in themes]
            for _ in range(rng.randint(1, 3)):
                start = now + dt.timedelta(days=rng.randint(-60, 120), hours=rng.randint(-4, 4))
                capacity = rng.choice((5, 10, 15, 20, 30))
                slot_rows.append(
                    {
                        "city_id": city.pk,
                        "activity_id": activity_id,
                        "starts_at": start,
                        "ends_at": start + dt.timedelta(hours=rng.choice((2, 3, 4))),
                        "capacity": capacity,
                        "taken": 0,
                        "waiting": 0,
                    }
                )
        writers["themes"].write(links)
        slot_ids = writers["slots"].write(slot_rows)
        slots += [(pk, row["capacity"], row["starts_at"] < now) for pk, row in zip(slot_ids, slot_rows, strict=True)]
    # registrations: slots drawn at random, each filled up to its places; a registration's person
    # is drawn so that nobody registers twice for one slot
    taken = dict.fromkeys((pk for pk, _c, _e in slots), 0)
    capacity = {pk: c for pk, c, _e in slots}
    ended = {pk for pk, _c, e in slots if e}
    open_slots = [pk for pk, _c, _e in slots]
    made = 0
    while made < registrations and open_slots:
        rows = []
        for _ in range(min(BATCH, registrations - made)):
            if not open_slots:
                break
            position = rng.randrange(len(open_slots))
            slot_id = open_slots[position]
            taken[slot_id] += 1
            if taken[slot_id] >= capacity[slot_id]:
                open_slots[position] = open_slots[-1]
                open_slots.pop()
            past = slot_id in ended
            rows.append(
                {
                    "city_id": city.pk,
                    "slot_id": slot_id,
                    "user_id": user_ids[(slot_id * 7919 + taken[slot_id]) % people],
                    "state": Registration.State.ATTENDED if past else Registration.State.REGISTERED,
                    "token": f"scale-{made + len(rows):07d}",
                }
            )
        writers["registrations"].write(rows)
        made += len(rows)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Slot._meta.db_table)
        registrations_table = connection.ops.quote_name(Registration._meta.db_table)
        cursor.execute(
            f"UPDATE {table} SET taken = (SELECT COUNT(*) FROM {registrations_table} r "  # noqa: S608 (names from _meta)
            f"WHERE r.slot_id = {table}.id) WHERE city_id = %s",
            [city.pk],
        )
    for writer in writers.values():
        writer.finish()
    _Writer(User).finish()
    return {"activities": count, "slots": len(slots), "registrations": made, "people": people}
