"""The demo's running campaign: Milan's civic crowdfunding for a school need in NIL 35 (LODI -
CORVETTO). The city tops up the rest once the crowd has given half of the target by the
deadline (up to a cap); a company doubles each gift from its own pool first. A few gifts are
received already, through the same services a bank statement would use. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cities4csr.funds.models import Contribution
from cities4csr.funds.services import contribution_receive
from cities4csr.needs.models import Action, Need, ResourceKind
from cities4csr.needs.services import line_add, need_create, need_transition
from cities4csr.organisations.models import Organisation

from .models import Campaign
from .services import campaign_create, campaign_gift_create, campaign_open, matcher_save

SLUG = "cortile-scuola-corvetto"
#: a test IBAN (the check digits hold; it is no one's account)
DEMO_IBAN = "IT60X0542811101000000123456"
GIFTS = [  # (name, cents, public name?) from citizens
    ("Giulia Bianchi", 5_000, True),
    ("Marco Esposito", 2_500, False),
    ("Famiglia Colombo", 10_000, True),
    ("Anna Ricci", 3_000, False),
    ("Luca Romano", 15_000, True),
    ("Sara Gallo", 2_000, False),
]


def _school_need(city) -> Need:
    """The school need of action 1 in NIL 35, or one made for the demo."""
    need = (
        Need.objects.filter(city=city, area__code="35", state__in=[Need.State.PUBLISHED, Need.State.IN_PROGRESS])
        .filter(action__number=1)
        .order_by("pk")
        .first()
    )
    if need is not None:
        return need
    owner = (
        Organisation.objects.filter(city=city, name="Comune di Milano").first()
        or Organisation.objects.filter(city=city, kind=Organisation.Kind.PUBLIC_BODY).order_by("pk").first()
    )
    need = need_create(
        actor=None,
        city=city,
        owner=owner,
        action=Action.objects.filter(city=city, number=1).first(),
        title="Cortile e doposcuola – Scuola di Corvetto",
        description="La scuola di Corvetto chiede aiuto per il cortile e il doposcuola.",
        lat=45.4403,
        lon=9.2235,
        beneficiary_group="Alunni e famiglie",
    )
    line_add(actor=None, need=need, kind=ResourceKind.MONEY, label="Arredi e materiali", quantity=1_500_000)
    need_transition(actor=None, need=need, to=Need.State.PUBLISHED)
    return need


def campaigns_demo_seed(city) -> Campaign:
    """Milan's running campaign (call inside the city's scope)."""
    existing = Campaign.objects.filter(city=city, slug=SLUG).first()
    if existing is not None:
        return existing
    need = _school_need(city)
    campaign = campaign_create(
        actor=None,
        city=city,
        slug=SLUG,
        title="Un cortile e un doposcuola per la scuola di Corvetto",
        description=(
            "Il cortile della scuola diventa uno spazio verde e il doposcuola ha nuovi arredi. "
            "Quando la raccolta arriva alla metà dell'obiettivo entro la scadenza, il Comune aggiunge il resto "
            "(fino a 10.000 €). Un'impresa del quartiere raddoppia ogni dono finché il suo fondo dura."
        ),
        translations={
            "en": {
                "title": "A playground and an after-school club for the Corvetto school",
                "description": (
                    "The school's yard becomes a green space and the after-school club gets new furniture. "
                    "Once the crowd gives half of the target by the deadline, the city adds the rest (up to "
                    "€10,000). A local company doubles each gift while its pool lasts."
                ),
            },
            "fr": {
                "title": "Une cour et un accueil périscolaire pour l'école de Corvetto",
                "description": (
                    "La cour de l'école devient un espace vert et l'accueil périscolaire reçoit du mobilier. "
                    "Quand la collecte atteint la moitié de l'objectif avant l'échéance, la Ville ajoute le reste "
                    "(jusqu'à 10 000 €). Une entreprise du quartier double chaque don tant que son fonds dure."
                ),
            },
        },
        need=need,
        target_cents=2_000_000,
        deadline=timezone.now() + datetime.timedelta(days=25),
        mode=Campaign.Mode.ALL_OR_NOTHING,
        on_miss=Campaign.OnMiss.REFUND,
        iban=DEMO_IBAN,
        beneficiary="Comune di Milano",
    )
    company = (
        Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY, name="Bracco").first()
        or Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY).order_by("name").first()
    )
    matcher_save(
        actor=None,
        campaign=campaign,
        order=1,
        organisation=company,
        pool_cents=300_000,
        factor=Decimal(1),
        per_gift_cap_cents=20_000,
    )
    matcher_save(
        actor=None,
        campaign=campaign,
        order=2,
        organisation=None,
        pool_cents=1_000_000,
        threshold_percent=50,
        threshold_cap_cents=1_000_000,
    )
    campaign = campaign_open(actor=None, campaign=campaign)
    for name, cents, public in GIFTS:
        gift = campaign_gift_create(
            actor=None,
            campaign=campaign,
            amount_cents=cents,
            donor_kind=Contribution.DonorKind.CITIZEN,
            donor_name=name,
            name_public=public,
        )
        contribution_receive(actor=None, contribution=gift, entry_ref="demo")
    # one still waiting for its transfer
    campaign_gift_create(
        actor=None,
        campaign=campaign,
        amount_cents=4_000,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Paolo Ferrari",
    )
    return campaign
