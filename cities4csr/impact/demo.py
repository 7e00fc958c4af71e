"""The demo's results (ADR 0034): indicators on Milan's action plan and on some of its needs, with
values approved, waiting for review and returned, so that the results pages, the map, the
timelines and the companies' statements have something to show, and the logins officer@ and
partner@ can try the review.

- action 1 (schools in deprived areas): "classrooms renovated", and on the school need in NIL 35
  (LODI - CORVETTO) "pupils in the after-school club" (approved twice, with a file of evidence)
  and "hours the courtyard is open" (a value returned for correction);
- action 2 (digital poverty): on the need of Wau! Milano (partner@) in NIL 65 "families connected"
  (approved) and "tutoring hours" (submitted: officer@ reviews it);
- the corporate-volunteering pact's school in NIL 35: "classrooms repainted" (approved);
- action 3: "public spaces reopened" with a value waiting for review.

The figures are made up for the demo. Built through the services, as the system (actor None).
Idempotent: nothing is added when the city has indicators.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from cities4csr.needs.models import Action, Need
from cities4csr.organisations.models import Organisation

from .models import ResultIndicator
from .services import indicator_create, update_create, update_transition

BASELINE_ON = datetime.date(2025, 9, 1)
TARGET_ON = datetime.date(2027, 6, 30)


def _update(indicator, value, on, *, state, reason="", evidence=None, note=""):
    update = update_create(
        actor=None, indicator=indicator, value=Decimal(value), measured_on=on, note=note, evidence=evidence
    )
    if state != "draft":
        update = update_transition(actor=None, update=update, to="submitted")
    if state in ("approved", "returned"):
        update = update_transition(actor=None, update=update, to=state, reason=reason)
    return update


def _need(city, *, action: int, nil: str, owner: str | None = None) -> Need | None:
    needs = Need.objects.filter(city=city, action__number=action, area__code=nil).order_by("pk")
    if owner:
        needs = needs.filter(owner__name=owner)
    return needs.first()


def impact_demo_seed(city) -> None:
    if ResultIndicator.objects.filter(city=city).exists():
        return
    actions = {a.number: a for a in Action.objects.filter(city=city)}
    if not actions:
        return
    today = datetime.date.today()

    def ago(days):
        return max(BASELINE_ON, today - datetime.timedelta(days=days))

    classrooms = indicator_create(
        actor=None,
        city=city,
        action=actions[1],
        name="Aule rinnovate nelle scuole dei quartieri bersaglio",
        unit="aule",
        method="Conteggio dei verbali di fine lavori dell'Area Edilizia Scolastica.",
        baseline=Decimal(0),
        baseline_on=BASELINE_ON,
        target=Decimal(24),
        target_on=TARGET_ON,
        weight=2,
    )
    _update(classrooms, 6, ago(120), state="approved", note="Prime sei aule consegnate a fine lavori.")
    _update(classrooms, 11, ago(20), state="approved", note="Altre cinque aule a Corvetto e Quarto Oggiaro.")

    school = _need(city, action=1, nil="35")
    if school is not None:
        pupils = indicator_create(
            actor=None,
            city=city,
            need=school,
            name="Alunni iscritti al doposcuola",
            unit="alunni",
            method="Registro delle presenze del doposcuola, media mensile.",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(60),
            target_on=TARGET_ON,
            weight=2,
            counts_people=True,
        )
        register = ContentFile(b"mese,alunni\n2026-03,18\n2026-05,34\n", name="registro-doposcuola.csv")
        _update(pupils, 18, ago(200), state="approved", note="Avvio del doposcuola a marzo.")
        _update(pupils, 34, ago(60), state="approved", evidence=register, note="Media di maggio.")
        hours = indicator_create(
            actor=None,
            city=city,
            need=school,
            name="Ore settimanali di apertura del cortile al quartiere",
            unit="ore",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(20),
            target_on=TARGET_ON,
        )
        _update(
            hours, "12.5", ago(30), state="returned", reason="Allegate il calendario di apertura firmato dalla scuola."
        )

    wau = Organisation.objects.filter(city=city, name="Wau! Milano").first()
    digital = _need(city, action=2, nil="65", owner=wau.name if wau else None)
    if digital is not None:
        families = indicator_create(
            actor=None,
            city=city,
            need=digital,
            name="Famiglie con portatile e connessione",
            unit="famiglie",
            method="Consegne firmate dalle famiglie.",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(40),
            target_on=TARGET_ON,
            counts_people=True,
        )
        _update(families, 15, ago(90), state="approved", note="Prima consegna di portatili ricondizionati.")
        tutoring = indicator_create(
            actor=None,
            city=city,
            need=digital,
            name="Ore di tutoraggio digitale svolte",
            unit="ore",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(60),
            target_on=TARGET_ON,
        )
        _update(tutoring, 22, ago(10), state="submitted", note="Registro dei tutor di ottobre e novembre.")

    painted = Need.objects.filter(city=city, title__startswith="Aule da ridipingere").order_by("pk").first()
    if painted is not None:  # the corporate-volunteering pact's need (volunteering.demo)
        rooms = indicator_create(
            actor=None,
            city=city,
            need=painted,
            name="Aule ridipinte",
            unit="aule",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(12),
            target_on=TARGET_ON,
        )
        _update(rooms, 7, ago(7), state="approved", note="Sette aule finite nei primi tre sabati.")

    if 3 in actions:
        spaces = indicator_create(
            actor=None,
            city=city,
            action=actions[3],
            name="Spazi pubblici riaperti al quartiere",
            unit="spazi",
            baseline=Decimal(0),
            baseline_on=BASELINE_ON,
            target=Decimal(5),
            target_on=TARGET_ON,
        )
        _update(spaces, 1, ago(15), state="submitted", note="Riaperto il cortile di via Gola.")
