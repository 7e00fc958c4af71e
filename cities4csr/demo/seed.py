"""The demo: Milan and Nantes with their real areas, Milan's working group and action plan,
fictitious companies with sites, and one login per role per city.

Deterministic (fixed random seed) and idempotent (each step skips what is already there).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_scopes import scope
from shapely.geometry import Point, shape

from cities4csr.accounts.models import User
from cities4csr.campaigns.demo import campaigns_demo_seed
from cities4csr.cities.geo import parse_area_file, parse_place_file
from cities4csr.cities.models import Area, AreaLayer, City, Indicator, Place
from cities4csr.cities.services import (
    area_layer_import,
    city_create,
    city_update,
    indicator_import,
    places_import,
)
from cities4csr.demo.catalogue import seed_milan_catalogue, seed_offers
from cities4csr.demo.funds import seed_milan_funds
from cities4csr.impact.demo import impact_demo_seed
from cities4csr.matching.selectors import last_run
from cities4csr.matching.services import recommendations_recompute
from cities4csr.needs.models import Action
from cities4csr.needs.services import action_upsert
from cities4csr.organisations.models import CityRole, Membership, Organisation
from cities4csr.organisations.services import city_role_grant, membership_add, organisation_create, site_add
from cities4csr.volunteering.demo import volunteering_demo_seed

from .income import milan_income_indicators

DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "demo-cities4csr"
ROLES = ("admin", "officer", "representative", "volunteer", "public")
#: the third-sector partner's login (partner@<city>.example) and the body it represents, where the demo has one
PARTNERS = {"milano": "Wau! Milano"}
COMUNE = "Comune di Milano"
CC_BY = "CC BY 4.0"


@dataclass(frozen=True)
class Layer:
    file: str
    kind: str
    names: dict
    level: int
    code_field: str
    name_field: str | None = None
    name_format: str | None = None
    parent_kind: str = ""
    source: str = ""
    licence: str = ""
    attribution: str = ""


CITIES = {
    "milano": dict(
        name="Milano",
        country="IT",
        default_language="it",
        languages=["it", "en", "fr"],
        currency="EUR",
        timezone="Europe/Rome",
        theme=City.Theme.BOOTSTRAP_ITALIA,
        policy={
            "primary_area_kind": "nil",
            "district_area_kind": "municipio",
            "default_indicator": "foreign_share",
            "accessibility_email": "accessibility@milano.example",
            # the need indicators the equity page shows beside each NIL's figures
            "equity": {
                "indicators": ["low_income_share", "income_mean", "foreign_share", "heatwave_risk", "green_index"]
            },
            "tax_code": "01199250158",  # the Comune di Milano's codice fiscale (donation receipts)
            # the open-data catalogue names the Comune by its code in the IPA index of Italian
            # public administrations: "c_" and its cadastral code, F205 (DCAT-AP_IT)
            "opendata": {"publisher_id": "c_f205"},
            # the host and the company each approve volunteering hours; an hour of a person
            # volunteering on their own is valued at this demo rate (no act of the Comune)
            "volunteering": {
                "hours_approval": "manual",
                "hour_rate_cents": 2_000,
                "rate_source": "Tariffa di prova della demo",
            },
        },
    ),
    "nantes": dict(
        name="Nantes Métropole",
        country="FR",
        default_language="fr",
        languages=["fr", "en", "it"],
        currency="EUR",
        timezone="Europe/Paris",
        theme=City.Theme.BOOTSTRAP,
        policy={
            "primary_area_kind": "quartier",
            "district_area_kind": "commune",
            "accessibility_email": "accessibility@nantes.example",
            "local_authority": "epci",
            "tax_code": "244400404",  # Nantes Métropole's SIREN (donation receipts)
        },
    ),
}


#: each demo city as the controller of its site's personal data (its privacy notice)
PRIVACY = {
    "milano": dict(
        privacy_controller=COMUNE,
        privacy_controller_address="Piazza della Scala 2, 20121 Milano",
        dpo_name="Responsabile della protezione dei dati",
        dpo_email="dpo@milano.example",
    ),
    "nantes": dict(
        privacy_controller="Nantes Métropole",
        dpo_name="Délégué à la protection des données",
        dpo_email="dpo@nantes.example",
    ),
}


def _partner(name: str, country: str, timezone: str, currency: str = "EUR") -> dict:
    """A city of the CITIES4CSR network without data yet: the platform's languages, English first.
    Bulgaria has used the euro since 1 January 2026 (Council decision of 8 July 2025); Hungary
    keeps the forint."""
    return dict(
        name=name,
        country=country,
        default_language="en",
        languages=["en", "fr", "it"],
        currency=currency,
        timezone=timezone,
        theme=City.Theme.BOOTSTRAP,
    )


#: the network's other eight cities: tenants with their country, currency and time zone, no areas yet
NETWORK = {
    "sofia": _partner("Sofia", "BG", "Europe/Sofia"),
    "vratsa": _partner("Vratsa", "BG", "Europe/Sofia"),
    "kekava": _partner("Ķekava", "LV", "Europe/Riga"),
    "rijeka": _partner("Rijeka", "HR", "Europe/Zagreb"),
    "guimaraes": _partner("Guimarães", "PT", "Europe/Lisbon"),
    "molina-de-segura": _partner("Molina de Segura", "ES", "Europe/Madrid"),
    "budaors": _partner("Budaörs", "HU", "Europe/Budapest", currency="HUF"),
    "bratislava": _partner("Bratislava", "SK", "Europe/Bratislava"),
}

LAYERS = {
    "milano": [
        Layer(
            "milano_municipi.geojson",
            "municipio",
            {"it": "Municipi", "en": "Municipi (districts)", "fr": "Municipi (arrondissements)"},
            0,
            "MUNICIPIO",
            name_format="Municipio {MUNICIPIO}",
            source="Comune di Milano, ds379 Municipi",
            licence=CC_BY,
            attribution=COMUNE,
        ),
        Layer(
            "milano_nil_2020.geojson",
            "nil",
            {"it": "NIL (quartieri)", "en": "NIL (neighbourhoods)", "fr": "NIL (quartiers)"},
            1,
            "ID_NIL",
            name_field="NIL",
            parent_kind="municipio",
            source="Comune di Milano, ds964 NIL vigenti – PGT 2030",
            licence=CC_BY,
            attribution=COMUNE,
        ),
    ],
    "nantes": [
        Layer(
            "nantes_metropole_communes.geojson",
            "commune",
            {"fr": "Communes", "en": "Communes", "it": "Comuni"},
            0,
            "id_insee",
            name_field="toponyme",
            source="Nantes Métropole, 244400404_communes-nantes-metropole",
            licence="ODbL (not verified)",
            attribution="Nantes Métropole",
        ),
        Layer(
            "nantes_metropole_quartiers.geojson",
            "quartier",
            {"fr": "Quartiers", "en": "Neighbourhoods", "it": "Quartieri"},
            1,
            "idobj",
            name_format="{nom} ({libcom})",
            parent_kind="commune",
            source="Nantes Métropole, 244400404_quartiers-communes-nantes-metropole",
            licence="ODbL (not verified)",
            attribution="Nantes Métropole",
        ),
    ],
}

# Milan's known places, found by name on the location picker (kind, file, how to read it, source).
MILAN_PLACES = [
    (
        Place.Kind.SCHOOL,
        "milano_scuole_statali_2020_21.geojson",
        dict(
            name_format="{DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA} {DENOMINAZIONESCUOLA}",
            ref_field="CODICESCUOLA",
            address_format="{INDIRIZZOSCUOLA}, {CAPSCUOLA}",
            title_case=True,
        ),
        "Comune di Milano, ds1305 Elenco scuole statali a.s. 2020/21 (MIUR)",
    ),
    (
        Place.Kind.SPORTS,
        "milano_impianti_sportivi_2020.geojson",
        dict(name_format="{SPECIFICA_LOCALITA}, {VIA}", address_format="{VIA} {LOCALITA}"),
        "Comune di Milano, ds629 Impianti sportivi (11/06/2020)",
    ),
    (
        Place.Kind.FARMSTEAD,
        "milano_cascine.geojson",
        dict(name_field="cascina", address_format="{via}, {CAP}"),
        "Comune di Milano, ds1448 Cascine (03/10/2023)",
    ),
]

# (key, csv file, column, names, unit, higher_is_worse, date, source)
MILAN_INDICATORS = [
    (
        "population",
        "milano_popolazione_nil_2022.csv",
        "residenti_totale",
        {"it": "Residenti", "en": "Residents", "fr": "Habitants"},
        "",
        False,
        dt.date(2022, 12, 31),
        "Comune di Milano, Unità Servizi Statistici, anagrafe 31/12/2022",
    ),
    (
        "foreign_share",
        "milano_popolazione_nil_2022.csv",
        "quota_stranieri_pct",
        {"it": "Quota di residenti stranieri", "en": "Share of foreign residents", "fr": "Part de résidents étrangers"},
        "%",
        False,
        dt.date(2022, 12, 31),
        "Comune di Milano, Unità Servizi Statistici, anagrafe 31/12/2022",
    ),
    (
        "density",
        "milano_popolazione_nil_2022.csv",
        "densita_ab_km2",
        {"it": "Densità", "en": "Density", "fr": "Densité"},
        "ab/km²",
        False,
        dt.date(2022, 12, 31),
        "Comune di Milano, Unità Servizi Statistici, anagrafe 31/12/2022",
    ),
    (
        "green_index",
        "milano_nil_clima_2024.csv",
        "verde_value",
        {"it": "Indice di verde urbano", "en": "Urban green index", "fr": "Indice de verdure urbaine"},
        "",
        False,
        dt.date(2024, 7, 31),
        "Comune di Milano, ds2813 Spotted Milan, July 2024",
    ),
    (
        "heatwave_risk",
        "milano_nil_clima_2024.csv",
        "rischio_calore_value",
        {"it": "Rischio ondate di calore", "en": "Heat-wave risk", "fr": "Risque de canicule"},
        "",
        True,
        dt.date(2024, 7, 31),
        "Comune di Milano, ds2812 Spotted Milan, July 2024",
    ),
]

MILAN_ACTIONS = [
    (
        1,
        {
            "it": "Rendere più attrattive le scuole nei quartieri svantaggiati",
            "en": "Make schools in deprived areas more attractive",
            "fr": "Rendre les écoles des quartiers défavorisés plus attractives",
        },
        ["14", "35", "57", "19"],
    ),
    (
        2,
        {
            "it": "Povertà alimentare e digitale",
            "en": "Food and digital poverty",
            "fr": "Précarité alimentaire et numérique",
        },
        ["57", "35", "14", "65", "46", "53"],
    ),
    (
        3,
        {
            "it": "Servizi: il quartiere dei 15 minuti",
            "en": "Services: the 15-minute neighbourhood",
            "fr": "Services : le quartier du quart d'heure",
        },
        ["76", "19", "65"],
    ),
]

# Milan's local working group (URBACT CITIES4CSR) and the city itself.
MILAN_PARTNERS = [
    ("Comune di Milano", Organisation.Kind.PUBLIC_BODY),
    ("Assolombarda", Organisation.Kind.ASSOCIATION),
    ("Fondazione Sodalitas", Organisation.Kind.FOUNDATION),
    ("Bracco", Organisation.Kind.COMPANY),
    ("Fondazione Cariplo", Organisation.Kind.FOUNDATION),
    ("Fondazione Pellegrini", Organisation.Kind.FOUNDATION),
    ("CSR Manager Network", Organisation.Kind.ASSOCIATION),
    ("Università degli Studi di Milano", Organisation.Kind.UNIVERSITY),
    ("Wau! Milano", Organisation.Kind.ASSOCIATION),
]
NANTES_PARTNERS = [("Nantes Métropole", Organisation.Kind.PUBLIC_BODY)]

# Fictitious companies: names are made up and carry no identifiers.
NAME_PARTS = {
    "milano": (
        ["Navigli", "Brera", "Lambro", "Olona", "Sempione", "Ticinese", "Bovisa", "Martesana", "Seveso", "Ortica"],
        ["Logistica", "Digitale", "Costruzioni", "Alimentari", "Energia", "Consulting", "Farmaceutica", "Tessile"],
        ["S.r.l.", "S.p.A."],
    ),
    "nantes": (
        ["Erdre", "Loire", "Sèvre", "Chézine", "Cens", "Trentemoult"],
        ["Logistique", "Numérique", "Bâtiment", "Alimentaire", "Énergie", "Conseil"],
        ["SAS", "SA"],
    ),
}
#: what a company of the city calls one of its sites, in the city's language
SITE_WORD = {"it": "Sede", "fr": "Site", "es": "Sede", "pt": "Sede", "de": "Standort"}
#: a demo company's description, as the company would write it in its city's language
FICTITIOUS = {"it": "Impresa fittizia della demo.", "fr": "Entreprise fictive de la démo."}
COMPANIES_PER_CITY = {"milano": 30, "nantes": 12}
SECTORS = ["C", "F", "G", "H", "J", "K", "M", "N", "Q"]


def seed_demo(stdout=None) -> dict[str, City]:
    say = stdout.write if stdout else (lambda *_: None)
    cities = {}
    for slug in CITIES:
        city = _city(slug)
        cities[slug] = city
        with scope(city=city.pk):
            _layers(city, say)
            if slug == "milano":
                _milan_places(city, say)
                _milan_indicators(city, say)
                milan_income_indicators(city, say)  # income per NIL, from the MEF's per postcode
                _milan_actions(city)
            partners = MILAN_PARTNERS if slug == "milano" else NANTES_PARTNERS
            _organisations(city, partners)
            _companies(city)
            _users(city)
            seed_offers(city, random.Random(f"cities4csr-offers-{city.slug}"))
            if slug == "milano":
                seed_milan_catalogue(city)
                seed_milan_funds(city)
                campaigns_demo_seed(city)  # a running campaign for the school need in NIL 35
                # the corporate-volunteering pact: a company team repaints a school in NIL 35
                volunteering_demo_seed(city, _representatives_company(), make_password(DEMO_PASSWORD))
                impact_demo_seed(city)  # results: indicators and their updates (approved, to review, returned)
            if last_run(city=city) is None:  # recommendations at once: the demo shows them before the worker runs
                recommendations_recompute(city=city)
        say(f"{slug}: ready")
    for slug in NETWORK:
        cities[slug] = _city(slug)
        say(f"{slug}: ready (no areas yet)")
    return cities


def _city(slug: str) -> City:
    city = City.objects.filter(slug=slug).first()
    if city is not None:
        return city
    city = city_create(actor=None, slug=slug, **(CITIES.get(slug) or NETWORK[slug]))
    return city_update(actor=None, city=city, **PRIVACY[slug]) if slug in PRIVACY else city


def _features(layer: Layer):
    data = json.loads((DATA / layer.file).read_text(encoding="utf-8"))
    # The source has a feature without geometry (see data/README.md); the demo leaves it out.
    data["features"] = [f for f in data["features"] if f.get("geometry")]
    return parse_area_file(
        json.dumps(data), code_field=layer.code_field, name_field=layer.name_field, name_format=layer.name_format
    )


def _layers(city: City, say) -> None:
    for layer in LAYERS[city.slug]:
        if not AreaLayer.objects.filter(kind=layer.kind).exists():
            load_layer(city, layer, say)


def load_layer(city: City, layer: Layer, say) -> None:
    """Import one layer of the demo's boundary files into ``city`` (through the audited service)."""
    counts = area_layer_import(
        actor=None,
        city=city,
        kind=layer.kind,
        features=_features(layer),
        names=layer.names,
        level=layer.level,
        parent_kind=layer.parent_kind,
        source=layer.source,
        licence=layer.licence,
        attribution=layer.attribution,
    )
    say(f"{city.slug} {layer.kind}: {counts['created']} areas")


def _milan_places(city: City, say) -> None:
    for kind, file, reading, source in MILAN_PLACES:
        if Place.objects.filter(kind=kind).exists():
            continue
        features = parse_place_file((DATA / file).read_bytes(), **reading)
        counts = places_import(
            actor=None, city=city, kind=kind, features=features, source=source, licence=CC_BY, attribution=COMUNE
        )
        say(f"{city.slug} places ({kind}): {counts['created']}")


def _milan_indicators(city: City, say) -> None:
    for key, file, column, names, unit, worse, date, source in MILAN_INDICATORS:
        if Indicator.objects.filter(key=key).exists():
            continue
        with (DATA / file).open(encoding="utf-8") as handle:
            values = {row["ID_NIL"]: row[column] for row in csv.DictReader(handle)}
        indicator_import(
            actor=None,
            city=city,
            key=key,
            names=names,
            area_kind="nil",
            date=date,
            values=values,
            unit=unit,
            higher_is_worse=worse,
            source=source,
            licence=CC_BY,
            attribution=COMUNE,
        )
        say(f"milano indicator {key}: {len(values)} values")


def _milan_actions(city: City) -> None:
    nils = {a.code: a for a in Area.objects.filter(kind="nil")}
    existing = set(Action.objects.values_list("number", flat=True))
    for number, titles, codes in MILAN_ACTIONS:
        if number not in existing:
            action_upsert(
                actor=None, city=city, number=number, titles=titles, target_areas=[nils[code] for code in codes]
            )


def _organisations(city: City, partners) -> None:
    existing = set(Organisation.objects.values_list("name", flat=True))
    for name, kind in partners:
        if name not in existing:
            organisation_create(actor=None, city=city, name=name, kind=kind)


def _random_point_in(area: Area, rng: random.Random) -> tuple[float, float]:
    polygon = shape(area.geometry)
    while True:
        lon = rng.uniform(area.min_lon, area.max_lon)
        lat = rng.uniform(area.min_lat, area.max_lat)
        if polygon.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)


def _companies(city: City) -> None:
    rng = random.Random(f"cities4csr-demo-{city.slug}")
    first, second, forms = NAME_PARTS[city.slug]
    kind = city.settings.primary_area_kind
    areas = list(Area.objects.filter(kind=kind).order_by("code"))
    existing = set(Organisation.objects.values_list("name", flat=True))
    for index in range(COMPANIES_PER_CITY[city.slug]):
        name = f"{first[index % len(first)]} {second[(index // len(first)) % len(second)]} {forms[index % len(forms)]}"
        size = rng.choice(Organisation.SizeBand.values)
        sector = rng.choice(SECTORS)
        sites = [_random_point_in(rng.choice(areas), rng) for _ in range(rng.randint(1, 3))]
        if name in existing:
            continue
        with transaction.atomic():
            company = organisation_create(
                actor=None,
                city=city,
                name=name,
                kind=Organisation.Kind.COMPANY,
                size_band=size,
                nace_section=sector,
                description=FICTITIOUS.get(city.default_language, "Fictitious company for the demo."),
            )
            word = SITE_WORD.get(city.default_language, "Site")  # as the company would name it
            for number, (lon, lat) in enumerate(sites, start=1):
                site_add(actor=None, organisation=company, label=f"{word} {number}", lat=lat, lon=lon)


def demo_email(city_slug: str, role: str) -> str:
    return f"{role}@{city_slug}.example"


def _representatives_company() -> Organisation:
    """The company the demo's representative@… speaks for."""
    return Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("name").first()


def _users(city: City) -> None:
    company = _representatives_company()
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    for role in ROLES:
        user, created = User.objects.get_or_create(
            email=demo_email(city.slug, role), defaults={"preferred_language": city.default_language}
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
        # the demo's addresses count as confirmed: only confirmed addresses may receive a role
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if role in (CityRole.Role.ADMIN, CityRole.Role.OFFICER, CityRole.Role.VOLUNTEER):
            if not CityRole.objects.filter(user=user, role=role).exists():
                city_role_grant(actor=None, city=city, user=user, role=role)
        elif role == "representative" and not Membership.objects.filter(user=user).exists():
            membership_add(actor=None, organisation=company, user=user, role=Membership.Role.REPRESENTATIVE)
    partner = Organisation.objects.filter(name=PARTNERS.get(city.slug, "")).first()
    if partner is not None:
        user, created = User.objects.get_or_create(
            email=demo_email(city.slug, "partner"), defaults={"preferred_language": city.default_language}
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if not Membership.objects.filter(user=user).exists():
            membership_add(actor=None, organisation=partner, user=user, role=Membership.Role.REPRESENTATIVE)
