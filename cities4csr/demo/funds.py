"""Demo history of "Milano Aiuta", the City of Milan's mutual-aid fund of March 2020.

The shape follows what was reported: the fund opened on 12 March 2020, open to citizens,
companies and associations by bank transfer or card, on top of €3M the council had budgeted;
the Giunta's first allocation went to the Fondo San Giuseppe for the most fragile, shopping
vouchers, private nurseries and small cultural organisations. The amounts, the donors and the act
numbers here are made up (scaled down, marked DEMO): the demo is not a record of the real fund.
Deterministic and idempotent.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile

from cities4csr.funds.models import Award, Contribution, Fund
from cities4csr.funds.services import (
    award_propose,
    award_transition,
    contribution_create,
    contribution_receive,
    contribution_refund,
    disbursement_record,
    earmark_create,
    fund_create,
    purpose_create,
)
from cities4csr.organisations.models import Organisation

from .catalogue import PNG

SLUG = "milano-aiuta"
PURPOSES = [  # code, Italian, English, French
    ("fragility", "Persone fragili", "Vulnerable people", "Personnes vulnérables"),
    ("vouchers", "Buoni spesa", "Shopping vouchers", "Bons d'achat alimentaires"),
    ("nurseries", "Nidi e scuole dell'infanzia", "Nurseries and preschools", "Crèches et écoles maternelles"),
    ("culture", "Piccole realtà culturali", "Small cultural organisations", "Petites structures culturelles"),
    ("small_business", "Piccole imprese", "Small businesses", "Petites entreprises"),
]
CITIZENS = [
    "Giulia Bianchi",
    "Marco Rossi",
    "Francesca Colombo",
    "Luca Ferrari",
    "Chiara Romano",
    "Alessandro Ricci",
    "Sara Marino",
    "Davide Greco",
    "Elena Bruno",
    "Matteo Gallo",
    "Valentina Conti",
    "Simone De Luca",
]


def seed_milan_funds(city) -> Fund:
    fund = Fund.objects.filter(city=city, slug=SLUG).first()
    if fund is not None:
        return fund
    rng = random.Random("cities4csr-milano-aiuta")
    fund = fund_create(
        actor=None,
        city=city,
        slug=SLUG,
        title="Milano Aiuta – Fondo di mutuo soccorso",
        purpose=(
            "Aiutare subito chi è più in difficoltà per l'emergenza Covid-19 e poi sostenere la ripresa "
            "delle attività cittadine, in particolare dei piccoli esercizi. Si aggiunge ai 3 milioni di "
            "euro già stanziati dal Consiglio comunale."
        ),
        translations={
            "en": {
                "title": "Milano Aiuta – mutual-aid fund",
                "purpose": (
                    "Help those hit hardest by the Covid-19 emergency at once, then support the city's "
                    "recovery, small shops first. On top of the €3 million the City Council had budgeted."
                ),
            },
            "fr": {
                "title": "Milano Aiuta – fonds d'entraide",
                "purpose": (
                    "Aider tout de suite les personnes les plus touchées par l'urgence Covid-19, puis "
                    "soutenir la reprise de la ville, d'abord les petits commerces. En plus des 3 millions "
                    "d'euros déjà votés par le conseil municipal."
                ),
            },
        },
        governance_act="Decreto del Sindaco (DEMO-1/2020)",
        governance_act_on=datetime.date(2020, 3, 12),
        opens_on=datetime.date(2020, 3, 12),
        iban="IT60X0542811101000000123456",
        beneficiary="Comune di Milano",
        target_cents=50_000_000,
    )
    purposes = {
        code: purpose_create(
            actor=None, city=city, code=code, name=it, translations={"en": {"name": en}, "fr": {"name": fr}}
        )
        for code, it, en, fr in PURPOSES
    }
    earmark_create(
        actor=None,
        fund=fund,
        title="Piccole imprese",
        translations={"en": {"title": "Small businesses"}, "fr": {"title": "Petites entreprises"}},
        purpose=purposes["small_business"],
    )
    day = datetime.date(2020, 3, 13)
    companies = list(Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY).order_by("name")[:8])
    givers = list(
        Organisation.objects.filter(
            city=city, name__in=["Assolombarda", "Fondazione Cariplo", "Fondazione Pellegrini", "Bracco"]
        ).order_by("name")
    )
    kinds = {
        Organisation.Kind.COMPANY: Contribution.DonorKind.COMPANY,
        Organisation.Kind.ASSOCIATION: Contribution.DonorKind.ASSOCIATION,
        Organisation.Kind.FOUNDATION: Contribution.DonorKind.FOUNDATION,
    }
    received = []
    for number, organisation in enumerate(companies + givers):
        gift = contribution_create(
            actor=None,
            target=fund,
            amount_cents=rng.choice([5_000, 10_000, 25_000, 50_000]) * 100,
            donor_kind=kinds.get(organisation.kind, Contribution.DonorKind.COMPANY),
            donor_name=organisation.name,
            organisation=organisation,
            name_public=True,
            channel=Contribution.Channel.BANK_TRANSFER,
        )
        received.append(
            contribution_receive(actor=None, contribution=gift, received_on=day + datetime.timedelta(days=number))
        )
    for number, name in enumerate(CITIZENS * 2):
        gift = contribution_create(
            actor=None,
            target=fund,
            amount_cents=rng.choice([2_000, 5_000, 10_000, 20_000, 50_000]),
            donor_kind=Contribution.DonorKind.CITIZEN,
            donor_name=name,
            name_public=number % 4 == 0,  # most citizens give without their name shown
            channel=Contribution.Channel.CARD if number % 3 else Contribution.Channel.BANK_TRANSFER,
        )
        received.append(
            contribution_receive(actor=None, contribution=gift, received_on=day + datetime.timedelta(days=number // 2))
        )
    # a transfer sent twice by mistake, half given back
    contribution_refund(
        actor=None,
        contribution=received[-1],
        amount_cents=received[-1].amount_cents // 2,
        reason="Bonifico inviato due volte",
    )
    # gifts announced, not yet paid: the officer's queue
    for name in CITIZENS[:3]:
        contribution_create(
            actor=None,
            target=fund,
            amount_cents=3_000,
            donor_kind=Contribution.DonorKind.CITIZEN,
            donor_name=name,
            channel=Contribution.Channel.BANK_TRANSFER,
        )
    _awards(city, fund, purposes)
    return fund


def _awards(city, fund, purposes) -> None:
    caritas = Organisation.objects.filter(city=city, name="Wau! Milano").first()
    third_sector = (
        caritas or Organisation.objects.filter(city=city, kind=Organisation.Kind.ASSOCIATION).order_by("name").first()
    )
    fund.account.refresh_from_db()
    balance = fund.account.balance_cents
    first = award_propose(
        actor=None,
        fund=fund,
        purpose=purposes["fragility"],
        description="Contributi a fondo perduto a chi ha perso il lavoro dal 1° marzo 2020",
        criteria="Residenti a Milano con entrate fino a 400 euro al mese per persona",
        act_number="Delibera di Giunta DEMO-2/2020",
        act_on=datetime.date(2020, 4, 10),
        amount_cents=balance * 4 // 10,
        organisation=third_sector,
    )
    award_transition(actor=None, award=first, to=Award.State.APPROVED)
    disbursement_record(
        actor=None,
        award=first,
        amount_cents=first.amount_cents // 2,
        paid_on=datetime.date(2020, 4, 20),
        receipt=ContentFile(PNG, name="quietanza-1.png"),
        note="Prima tranche",
    )
    disbursement_record(
        actor=None,
        award=first,
        amount_cents=first.amount_cents - first.amount_cents // 2,
        paid_on=datetime.date(2020, 5, 15),
        receipt=ContentFile(PNG, name="quietanza-2.png"),
        note="Seconda tranche",
    )
    second = award_propose(
        actor=None,
        fund=fund,
        purpose=purposes["vouchers"],
        description="Buoni spesa per i nuclei familiari esclusi dai fondi statali",
        act_number="Delibera di Giunta DEMO-3/2020",
        act_on=datetime.date(2020, 5, 8),
        amount_cents=balance * 3 // 10,
        organisation=third_sector,
    )
    award_transition(actor=None, award=second, to=Award.State.APPROVED)
    disbursement_record(
        actor=None,
        award=second,
        amount_cents=second.amount_cents // 3,
        paid_on=datetime.date(2020, 5, 20),
        receipt=ContentFile(PNG, name="quietanza-3.png"),
        note="Prima tranche",
    )
    # the next allocation, waiting for the officer's approval
    award_propose(
        actor=None,
        fund=fund,
        purpose=purposes["culture"],
        description="Sostegno alle piccole realtà culturali",
        act_number="Delibera di Giunta DEMO-4/2020",
        act_on=datetime.date(2020, 6, 5),
        amount_cents=balance // 10,
        organisation=third_sector,
    )
