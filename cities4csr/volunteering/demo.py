"""The demo's corporate-volunteering pact, after Milan's first collaboration pact for corporate
volunteering (January 2024: the city, a company and a social cooperative; 8 paid hours per
employee per year): a company team repaints the classrooms of a school in NIL 35 (LODI -
CORVETTO) with a social cooperative as host. Three Saturdays are past (attendance recorded, hours
approved by the host and the company, so they are in the ledger and fill the need's line), two
are to come (the company's team has signed up through its code, a resident on their own).

The cooperative, the employees and the figures are made up for the demo. Built through the
services, except the past attendance, which is history written as it was recorded on the day.
Idempotent: nothing is added when the activity exists.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.offers.services import profile_update
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.services import membership_add, organisation_create

from .models import Activity, HoursEntry, Registration, Slot
from .services import (
    activity_create,
    activity_transition,
    hours_approve,
    registration_check_out,
    registration_create,
    slots_add,
    team_join,
    team_open,
)

SLUG = "ridipingiamo-la-scuola-di-corvetto"
HOST = "Cooperativa sociale Il Cortile"
#: the host's login, beside the demo's others (partner@…, representative@…)
HOST_LOGIN = "cooperativa"
EMPLOYEES = [  # (login, first name, last name): the company's people in the team
    ("dipendente1", "Giorgia", "Villa"),
    ("dipendente2", "Paolo", "Fontana"),
    ("dipendente3", "Irene", "Sala"),
    ("dipendente4", "Tommaso", "Riva"),
    ("dipendente5", "Marta", "Longhi"),
    ("dipendente6", "Andrea", "Pozzi"),
]


def _person(city, login: str, password_hash: str, first_name: str = "", last_name: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=f"{login}@{city.slug}.example",
        defaults={"preferred_language": city.default_language, "first_name": first_name, "last_name": last_name},
    )
    if created:
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _member(organisation, user, role=Membership.Role.MEMBER) -> None:
    if not Membership.objects.filter(organisation=organisation, user=user).exists():
        membership_add(actor=None, organisation=organisation, user=user, role=role)


def _need(city, host) -> tuple[Need, object]:
    need = need_create(
        actor=None,
        city=city,
        owner=host,
        title="Aule da ridipingere – Scuola di via Polesine",
        description=(
            "Le aule e i corridoi della scuola primaria di via Polesine hanno bisogno di una nuova tinteggiatura. "
            "La cooperativa organizza i turni del sabato, fornisce i materiali e segue la sicurezza."
        ),
        lat=45.4403,
        lon=9.2235,
        beneficiary_group="Alunni e famiglie",
        beneficiaries_expected=320,
    )
    line = line_add(
        actor=None,
        need=need,
        kind=ResourceKind.VOLUNTEER_TIME,
        label="Volontari per la tinteggiatura",
        quantity=120,
        value_cents=120 * 2500,
        skills="pittura",
    )
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    return need, line


def _saturday(weeks: int) -> datetime.datetime:
    """9:00 on the Saturday ``weeks`` weeks from this one (negative: in the past), local time."""
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks)
    return timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(9, 0)))


def volunteering_demo_seed(city, company, password_hash: str | None = None) -> Activity:
    """The pact's activity in ``city`` (call inside the city's scope) with ``company`` (the demo
    representative's) as the company of its volunteering days."""
    existing = Activity.objects.filter(city=city, slug=SLUG).first()
    if existing is not None:
        return existing
    password_hash = password_hash or make_password(None)
    host = Organisation.objects.filter(city=city, name=HOST).first() or organisation_create(
        actor=None,
        city=city,
        name=HOST,
        kind=Organisation.Kind.THIRD_SECTOR,
        description="Cooperativa sociale fittizia della demo: cura spazi scolastici con i volontari del quartiere.",
    )
    host_person = _person(city, HOST_LOGIN, password_hash, "Lucia", "Bassi")
    _member(host, host_person, Membership.Role.REPRESENTATIVE)
    representative = Membership.objects.filter(organisation=company, role=Membership.Role.REPRESENTATIVE).first()
    employees = [_person(city, login, password_hash, first, last) for login, first, last in EMPLOYEES]
    for employee in employees:
        _member(company, employee)
    profile_update(
        actor=None,
        organisation=company,
        headcount=60,
        volunteering_days_per_year=1,  # the pact's 8 paid hours a year per employee
        volunteer_hour_cost_cents=3_200,
    )
    need, line = _need(city, host)
    activity = activity_create(
        actor=None,
        city=city,
        slug=SLUG,
        title="Ridipingiamo la scuola di via Polesine",
        description=(
            "Giornate di volontariato d'impresa previste dal patto di collaborazione tra il Comune, l'impresa e la "
            "cooperativa: ogni sabato una squadra tinteggia due aule. Materiali, guanti e merenda sono offerti."
        ),
        kind=Activity.Kind.SLOTS,
        need=need,
        line=line,
        host=host,
        company=company,
        skills="pittura",
        place="Scuola primaria di via Polesine, Milano",
        lat=45.4403,
        lon=9.2235,
        accessibility="Aule al piano terra, ingresso senza gradini.",
        minimum_age=18,
        safety_briefing="Dieci minuti all'arrivo: uso di scale e rulli, aerazione delle aule, pronto soccorso.",
        insurance_note="I volontari sono coperti dalla polizza infortuni e responsabilità civile della cooperativa.",
        preparation_minutes=30,
        themes=list(need.themes.all()),
    )
    slots = slots_add(
        actor=None,
        activity=activity,
        starts_at=_saturday(-3),
        ends_at=_saturday(-3) + datetime.timedelta(hours=4),
        capacity=8,
        frequency="weekly",
        count=5,
    )
    activity_transition(actor=None, activity=activity, to=Activity.State.OPEN)
    now = timezone.now()
    past = [slot for slot in slots if slot.starts_at < now]
    upcoming = [slot for slot in slots if slot.starts_at >= now]
    for week, slot in enumerate(past):
        # history: who came on the day, as the host recorded it then
        people = employees[: 4 + week % 2]
        for index, person in enumerate(people):
            Registration.objects.create(
                city=city,
                slot=slot,
                user=person,
                company=company,
                state=Registration.State.ATTENDED,
                checked_in_at=slot.starts_at + datetime.timedelta(minutes=5 * index),
            )
        Slot.objects.filter(pk=slot.pk).update(taken=len(people))
        for registration in Registration.objects.filter(slot=slot).order_by("pk"):
            registration_check_out(actor=host_person, registration=registration, at=slot.ends_at)
        entries = list(HoursEntry.objects.filter(registration__slot=slot).order_by("pk"))
        hours_approve(actor=host_person, entries=entries)
        if representative is not None:
            hours_approve(actor=representative.user, entries=entries)
    _more_activities(city, host)
    if upcoming and representative is not None:
        first = upcoming[0]
        team = team_open(
            actor=representative.user, slot=first, company=company, name="Squadra Corvetto", captain=employees[0]
        )
        birth = datetime.date(1990, 5, 1)
        for employee in employees[:5]:
            team_join(actor=employee, code=team.invite_code, birth_date=birth, city=city)
        resident = get_user_model().objects.filter(email=f"public@{city.slug}.example").first()
        if resident is not None:
            registration_create(actor=resident, slot=first, birth_date=datetime.date(1985, 3, 2))
    return activity


def _more_activities(city, host) -> None:
    """Two activities open to anyone: a weekly shared garden, families welcome, and a flexible
    task (digital tutors for older residents, by a deadline)."""
    garden = activity_create(
        actor=None,
        city=city,
        slug="orto-condiviso-di-corvetto",
        title="Curiamo l'orto condiviso",
        description="Semina, irrigazione e raccolta con i residenti, ogni mercoledì pomeriggio. Bambini benvenuti.",
        host=host,
        place="Orto condiviso di via Mompiani, Milano",
        lat=45.4440,
        lon=9.2270,
        family_friendly=True,
        skills="giardinaggio",
    )
    today = timezone.localdate()
    wednesday = today + datetime.timedelta(days=(2 - today.weekday()) % 7 or 7)
    start = timezone.make_aware(datetime.datetime.combine(wednesday, datetime.time(17, 0)))
    slots_add(
        actor=None,
        activity=garden,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=12,
        frequency="weekly",
        count=6,
    )
    activity_transition(actor=None, activity=garden, to=Activity.State.OPEN)
    tutors = activity_create(
        actor=None,
        city=city,
        slug="tutor-digitali",
        title="Tutor digitali per gli anziani",
        description="Aiutare, quando potete entro la scadenza, gli anziani del quartiere a usare SPID e servizi online.",
        kind=Activity.Kind.FLEXIBLE,
        host=host,
        place="Centro civico di via Oglio, Milano",
        lat=45.4380,
        lon=9.2180,
        skills="informatica",
        deadline=timezone.now() + datetime.timedelta(weeks=6),
    )
    opening = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    slots_add(actor=None, activity=tutors, starts_at=opening, ends_at=tutors.deadline, capacity=5)
    activity_transition(actor=None, activity=tutors, to=Activity.State.OPEN)
