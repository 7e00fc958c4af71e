"""Demo needs, offers and pledges for Milan's three candidate actions.

Needs sit at real places from the Comune di Milano's open data: state schools (ds1305) for
the school action, degraded and abandoned sites (ds503) for the 15-minute services action.
Pledges are made in every state of their lifecycle. Deterministic and idempotent.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from django.core.files.base import ContentFile

from cities4csr.needs.models import Action, Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition, themes_ensure_defaults
from cities4csr.offers.models import Offer
from cities4csr.offers.services import offer_create, profile_update
from cities4csr.organisations.models import Organisation
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_propose, pledge_transition

DATA = Path(__file__).resolve().parent / "data"
# a 1×1 PNG, the demo's "photo" of a delivery
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000"
    "1ff89993d1d0000000049454e44ae426082"
)

SCHOOL_NEEDS = {  # action 1: NIL -> what the school needs
    "14": "Aule all'aperto",
    "35": "Cortile e doposcuola",
    "57": "Biblioteca di classe",
    "19": "Laboratorio di scienze",
}
POVERTY_NILS = ["57", "35", "14", "65", "46", "53"]  # action 2
SERVICE_NILS = ["76", "19", "65"]  # action 3

# the first goes to the demo representative's company, so its workspace and public page have a story
PLEDGE_STATES = [
    Pledge.State.VERIFIED,
    Pledge.State.PROPOSED,
    Pledge.State.ACCEPTED,
    Pledge.State.DECLINED,
    Pledge.State.AGREED,
    Pledge.State.IN_DELIVERY,
    Pledge.State.DELIVERED,
    Pledge.State.WITHDRAWN,
]


def _points(file: str, nil_field: str = "ID_NIL") -> dict[str, list[dict]]:
    by_nil: dict[str, list[dict]] = {}
    for feature in json.loads((DATA / file).read_text(encoding="utf-8"))["features"]:
        by_nil.setdefault(str(feature["properties"].get(nil_field)), []).append(feature)
    return by_nil


def seed_milan_catalogue(city) -> None:
    if Need.objects.filter(city=city).exists():
        return
    themes = {t.key: t for t in themes_ensure_defaults(actor=None, city=city)}
    actions = {a.number: a for a in Action.objects.filter(city=city)}
    city_hall = Organisation.objects.get(city=city, name="Comune di Milano")
    wau = Organisation.objects.get(city=city, name="Wau! Milano")
    schools, sites = (
        _points("milano_scuole_statali_2020_21.geojson"),
        _points("milano_aree_edifici_degradati_abbandonati.geojson"),
    )
    needs = []
    for nil, what in SCHOOL_NEEDS.items():
        school = sorted(schools[nil], key=lambda f: f["properties"]["CODICESCUOLA"])[0]
        lon, lat = school["geometry"]["coordinates"]
        name = school["properties"]["DENOMINAZIONESCUOLA"].title()
        need = need_create(
            actor=None,
            city=city,
            owner=city_hall,
            action=actions[1],
            title=f"{what} – {name}",
            description=f"La scuola {name} chiede aiuto per: {what.lower()}.",
            lat=lat,
            lon=lon,
            themes=[themes["education"], themes["social_inclusion"]],
            sdgs=["4", "4.a", "11.7"],
            beneficiary_group="Alunni e famiglie",
            beneficiaries_expected=300,
        )
        line_add(actor=None, need=need, kind=ResourceKind.MONEY, label="Arredi e materiali", quantity=1_500_000)
        line_add(
            actor=None,
            need=need,
            kind=ResourceKind.VOLUNTEER_TIME,
            label="Volontari per i lavori",
            quantity=120,
            value_cents=120 * 2_500,
            skills="manutenzione, giardinaggio",
        )
        needs.append(need)
    for nil in POVERTY_NILS:
        school = sorted(schools[nil], key=lambda f: f["properties"]["CODICESCUOLA"])[-1]
        lon, lat = school["geometry"]["coordinates"]
        need = need_create(
            actor=None,
            city=city,
            owner=wau if nil in ("65", "46") else city_hall,
            action=actions[2],
            title=f"Computer e connessione per le famiglie – NIL {nil}",
            description="Portatili ricondizionati, connessione e tutor digitali per famiglie in povertà digitale.",
            lat=lat,
            lon=lon,
            themes=[themes["social_inclusion"], themes["innovation"]],
            sdgs=["1", "4.4", "10.2"],
            beneficiary_group="Famiglie in povertà digitale",
            beneficiaries_expected=40,
        )
        line_add(
            actor=None, need=need, kind=ResourceKind.GOODS, label="Portatili", quantity=20, value_cents=20 * 30_000
        )
        line_add(
            actor=None,
            need=need,
            kind=ResourceKind.EXPERTISE,
            label="Tutor digitali",
            quantity=60,
            value_cents=60 * 4_000,
            skills="informatica di base",
        )
        needs.append(need)
    for nil in SERVICE_NILS:
        site = sorted(sites[nil], key=lambda f: f["properties"]["COD_PROG"])[0] if nil in sites else None
        where = site["properties"]["INDIRIZZO"].title() if site else f"NIL {nil}"
        lon, lat = site["geometry"]["coordinates"] if site else schools[nil][0]["geometry"]["coordinates"]
        need = need_create(
            actor=None,
            city=city,
            owner=city_hall,
            action=actions[3],
            title=f"Servizi di quartiere in {where}",
            description="Riattivare uno spazio abbandonato come presidio di servizi a 15 minuti.",
            lat=lat,
            lon=lon,
            themes=[themes["public_space"], themes["greening"]],
            sdgs=["11", "11.3", "17.17"],
            beneficiary_group="Residenti",
        )
        line_add(
            actor=None,
            need=need,
            kind=ResourceKind.SPACE,
            label="Locale per sportello",
            quantity=180,
            value_cents=180 * 5_000,
        )
        line_add(actor=None, need=need, kind=ResourceKind.MONEY, label="Ristrutturazione leggera", quantity=2_500_000)
        needs.append(need)
    for need in needs[:-2]:
        need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    need_transition(actor=None, need=needs[-1], to=Need.State.UNDER_REVIEW)  # waits for an officer
    _pledges(city, needs[: len(PLEDGE_STATES)])


def _pledges(city, needs) -> None:
    companies = list(Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY).order_by("name"))
    for index, (need, state) in enumerate(zip(needs, PLEDGE_STATES, strict=False)):
        company = companies[index % len(companies)]
        money = next((line for line in need.lines.all() if line.kind == ResourceKind.MONEY), None)
        other = next(line for line in need.lines.all() if line.kind != ResourceKind.MONEY)
        items = [(other, max(1, other.quantity // 4))] + ([(money, money.quantity // 3)] if money else [])
        pledge = pledge_propose(actor=None, need=need, organisation=company, items=items, message="Possiamo aiutare.")
        _walk(pledge, state)


def _walk(pledge: Pledge, state: str) -> None:
    """Take a demo pledge from "proposed" to ``state`` through the real services."""
    S = Pledge.State
    path = {
        S.PROPOSED: [],
        S.DECLINED: [(S.DECLINED, "Già coperto da un altro donatore")],
        S.WITHDRAWN: [(S.WITHDRAWN, "")],
        S.ACCEPTED: [(S.ACCEPTED, "")],
        S.AGREED: [(S.ACCEPTED, ""), (S.AGREED, "")],
        S.IN_DELIVERY: [(S.ACCEPTED, ""), (S.IN_DELIVERY, "")],
        S.DELIVERED: [(S.ACCEPTED, ""), (S.IN_DELIVERY, ""), ("evidence", ""), (S.DELIVERED, "")],
        S.VERIFIED: [(S.ACCEPTED, ""), (S.IN_DELIVERY, ""), ("evidence", ""), (S.DELIVERED, ""), (S.VERIFIED, "")],
    }[state]
    for step, reason in path:
        if step == S.AGREED:  # through the instrument advisor, as an officer would
            from cities4csr.demo.agreement import agree_demo_pledge

            agree_demo_pledge(pledge)
            continue
        if step == "evidence":
            evidence_add(
                actor=None,
                pledge=pledge,
                kind="photo",
                file=ContentFile(PNG, name="consegna.png"),
                description="Foto della consegna",
            )
            continue
        pledge_transition(actor=None, pledge=pledge, to=step, reason=reason)


def seed_offers(city, rng: random.Random) -> None:
    if Offer.objects.filter(city=city).exists():
        return
    themes = themes_ensure_defaults(actor=None, city=city)
    for company in Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY).order_by("name"):
        profile_update(
            actor=None,
            organisation=company,
            themes=rng.sample(themes, 2),
            sdgs=["4", "11"],
            headcount=rng.choice([12, 45, 180, 900]),
            volunteering_days_per_year=rng.choice([1, 2, 4]),
        )
        kind = rng.choice(ResourceKind.values)
        if kind == ResourceKind.MONEY:
            offer_create(
                actor=None,
                organisation=company,
                kind=kind,
                label="Contributo economico",
                quantity=rng.choice([250_000, 500_000, 1_000_000]),
            )
        else:
            quantity = rng.choice([20, 40, 80])
            offer_create(
                actor=None,
                organisation=company,
                kind=kind,
                label="Disponibilità aziendale",
                quantity=quantity,
                value_cents=quantity * 3_000,
                wants_employee_involvement=kind == ResourceKind.VOLUNTEER_TIME,
            )
