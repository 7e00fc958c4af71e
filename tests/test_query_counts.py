"""Every list, map, GeoJSON and export answers in a number of queries that does not grow with
its rows (NetBox's query budgets): the page or endpoint is read with one row of what it lists,
then with five, and the two counts must be equal.

The resolver is walked: each of the project's URL names is either in ``LISTS`` (with what to
add, who reads it and where) or in ``NOT_LISTS`` with the reason. A new URL in neither fails
``test_every_url_is_listed_or_said_why_not``; tests/test_catalogue.py keeps the catalogue's
filtered variants on the demo.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope, scopes_disabled

from cities4csr.cities.services import area_layer_import, indicator_import
from cities4csr.cities.tests.factories import CORVETTO, CityFactory, area_file
from cities4csr.matching.services import recommendations_recompute
from cities4csr.needs.models import Need, ResourceKind, Theme
from cities4csr.needs.services import need_transition
from cities4csr.needs.tests.factories import NeedFactory, ResourceLineFactory
from cities4csr.offers.tests.factories import CsrProfileFactory, OfferFactory
from cities4csr.organisations.tests.factories import MembershipFactory, OrganisationFactory, SiteFactory
from cities4csr.pledges.tests.factories import PledgeFactory

ROWS_BEFORE, ROWS_AFTER = 1, 5
LAT, LON = CORVETTO


def themes(world):
    return list(Theme.objects.filter(city=world.city, key__in=["education", "public_space"]).order_by("key"))


def need(world, **fields):
    """A published need in LODI - CORVETTO with two lines (money and goods) and two themes."""
    return NeedFactory(
        city=world.city,
        owner=world.city_hall,
        lat=LAT,
        lon=LON,
        themes=themes(world),
        sdgs=["4", "11.7"],
        lines=[
            dict(kind=ResourceKind.MONEY, label="Contributo", quantity=500_000),
            dict(kind=ResourceKind.GOODS, label="Banchi", quantity=10, value_cents=80_000),
        ],
        **{"published": True, **fields},
    )


def add_needs(world, n):
    for _ in range(n):
        need(world)


def add_companies(world, n, *, offers=True):
    """Companies that fit the needs: a site near Corvetto, a profile that prefers it and shares
    the needs' themes, and money on offer."""
    for _ in range(n):
        company = OrganisationFactory(city=world.city)
        SiteFactory(organisation=company, lat=LAT, lon=LON)
        CsrProfileFactory(organisation=company, preferred_areas=[world.areas["35"]], themes=themes(world))
        if offers:
            OfferFactory(organisation=company, quantity=20_000)


def add_places(world, n):
    from cities4csr.cities.models import Place

    start = Place.objects.filter(city=world.city).count()
    for i in range(start, start + n):
        Place.objects.create(
            city=world.city,
            kind="school",
            name=f"Scuola {i}",
            lat=LAT,
            lon=LON,
            area=world.areas["35"],
            external_ref=f"S{i}",
        )


def add_notifications(world, n):
    from cities4csr.core.models import Notification

    start = Notification.objects.filter(user=world.representative).count()
    for i in range(start, start + n):
        Notification.objects.create(
            city=world.city, user=world.representative, kind="need_transition", subject=f"Avviso {i}", url="/"
        )


def add_areas(world, n):
    """More NIL, north of the others (the import keeps the existing ones)."""
    start = world.__dict__.setdefault("_areas_added", 0)
    squares = {
        f"9{start + i}": (
            f"NIL NUOVO {start + i}",
            (9.14 + 0.01 * (start + i), 45.52, 9.145 + 0.01 * (start + i), 45.53),
        )
        for i in range(n)
    }
    world._areas_added = start + n
    from cities4csr.cities.geo import parse_area_file

    area_layer_import(actor=None, city=world.city, kind="nil", features=parse_area_file(area_file(squares)))


def add_indicators(world, n):
    start = world.__dict__.setdefault("_indicators_added", 0)
    for i in range(start, start + n):
        indicator_import(
            actor=None,
            city=world.city,
            key=f"indicator_{i}",
            names={"en": f"Indicator {i}"},
            area_kind="nil",
            date=date(2024, 1, 1),
            values={"1": 1.0 + i, "35": 2.0 + i, "36": 3.0 + i},
            source="test",
        )
    world._indicators_added = start + n


def add_pledges(world, n, *, organisation=None):
    for _ in range(n):
        PledgeFactory(need=need(world), organisation=organisation or OrganisationFactory(city=world.city))


def add_pledges_to(target):
    def grow(world, n):
        for _ in range(n):
            line = target(world).lines.get(kind=ResourceKind.MONEY)
            PledgeFactory(need=target(world), organisation=OrganisationFactory(city=world.city), items=[(line, 100)])

    return grow


def add_members(world, n):
    for _ in range(n):
        MembershipFactory(organisation=world.company)


def add_audit_events(world, n):
    for _ in range(n):
        OrganisationFactory(city=world.city)


def add_ledger_movements(world, n):
    from cities4csr.ledger.services import Leg, group_post

    for i in range(n):
        group_post(
            actor=None,
            city=world.city,
            legs=[Leg("giver", world.company.pk, -100 - i), Leg("fund", 1, 100 + i)],
            source="fund_contribution",
            resource_kind="money",
            motivation="charitable_gift",
            valuation="face_value",
            effective_on=date(2026, 12, 1),
        )


def add_dashboard_rows(world, n):
    """Published needs with a pledge each and a movement into each from a new company, in a
    different month each, money and volunteer time in turn: the dashboard's rows grow."""
    from cities4csr.ledger.services import Leg, group_post

    start = world.__dict__.setdefault("_dashboard_rows", 0)
    for i in range(start, start + n):
        target, giver = need(world), OrganisationFactory(city=world.city)
        PledgeFactory(need=target, organisation=giver)
        time = i % 2
        group_post(
            actor=None,
            city=world.city,
            legs=[
                Leg("giver", giver.pk, -100 - i, -time * 3, "hours"),
                Leg("need", target.pk, 100 + i, time * 3, "hours"),
            ]
            if time
            else [Leg("giver", giver.pk, -100 - i), Leg("need", target.pk, 100 + i)],
            source="pledge",
            resource_kind="volunteer_time" if time else "money",
            motivation="community_investment",
            valuation="cost" if time else "face_value",
            effective_on=date(2026, 1 + i % 12, 1),
            themes=target.theme_keys,
            area_code=target.area.code if target.area_id else "",
        )
    world._dashboard_rows = start + n


# --- bank statements and reconciliation (funds.banking) ----------------------------------------


def the_fund(world):
    from cities4csr.funds.models import Fund
    from cities4csr.funds.tests.factories import a_fund

    return Fund.objects.filter(city=world.city).order_by("pk").first() or a_fund(world)


def the_statement(world):
    from cities4csr.funds.models import StatementImport

    fund = the_fund(world)
    return StatementImport.objects.filter(city=world.city).order_by("pk").first() or StatementImport.objects.create(
        city=world.city,
        fund=fund,
        file="funds/statements/x.xml",
        file_name="x.xml",
        sha256="0" * 64,
        format="camt053",
        state="done",
        lines_total=0,
    )


def add_statements(world, n):
    from cities4csr.funds.models import StatementImport

    fund = the_fund(world)
    for i in range(n):
        StatementImport.objects.create(
            city=world.city,
            fund=fund,
            file=f"funds/statements/{i}.xml",
            file_name=f"estratto-{i}.xml",
            sha256=f"{i:064d}",
            format="camt053",
            state="done",
            lines_total=3,
            lines_done=3,
            created_by=world.officer,
        )


def add_bank_lines(world, n, *, matched=True):
    """Lines of one statement: matched with a contribution each (and so shown with it), or in the queue."""
    from cities4csr.funds.models import BankLine
    from cities4csr.funds.tests.factories import a_gift

    statement = the_statement(world)
    start = BankLine.objects.filter(city=world.city).count()
    for i in range(start, start + n):
        gift = a_gift(world, statement.fund, 1000 + i, received=False, name=f"Donatore {i}") if matched else None
        BankLine.objects.create(
            city=world.city,
            statement=statement,
            fund=statement.fund,
            entry_key=f"k{i}",
            line_number=i,
            booking_date=date(2026, 3, 12),
            amount_cents=1000 + i,
            debtor_name=f"Ordinante {i}",
            state="matched" if matched else "unmatched",
            contribution=gift,
            matched_by="reference" if matched else "",
            outcome="" if matched else "no_candidate",
        )


def add_company_gifts(world, n):
    from cities4csr.funds.services import contribution_create, contribution_receive

    for i in range(n):
        gift = contribution_create(
            actor=world.representative,
            target=the_fund(world),
            amount_cents=1000 + i,
            donor_kind="company",
            donor_name=world.company.name,
            organisation=world.company,
        )
        contribution_receive(actor=None, contribution=gift, received_on=date(2026, 4, 1))


def add_company_statement(world, n):
    """What a company's statement shows more of: needs it gave to (with an approved result each)
    and the management costs of its programme."""
    from cities4csr.reporting.services import management_cost_record
    from cities4csr.reporting.tests.factories import given, indicator_of, update_of

    for i in range(n):
        supported = need(world, area=world.areas["35"])
        given(world, cents=10_000 + i, on=date(2026, 4, 1), need=supported, themes=supported.theme_keys, area="35")
        update_of(indicator_of(supported), value=10 + i, on=date(2026, 5, 1))
        management_cost_record(
            actor=world.representative, organisation=world.company, amount_cents=500 + i, on=date(2026, 4, 1)
        )


STATEMENT_QUERY = "organisation={pk}&start=01/01/2026&end=31/12/2026"
STATEMENT_API_QUERY = "from=2026-01-01&to=2026-12-31"


def add_activity(world, n):
    """Events of several kinds, by several people (officers, a representative, the system)."""
    from cities4csr.organisations.tests.factories import representative_of, with_role

    for _ in range(n):
        officer = with_role(world.city, "officer")
        draft = NeedFactory(city=world.city, lines=[{"kind": ResourceKind.MONEY, "label": "Fondi", "quantity": 1000}])
        need_transition(actor=officer, need=draft, to=Need.State.UNDER_REVIEW)
        representative_of(OrganisationFactory(city=world.city))


def add_city_roles(world, n):
    from cities4csr.organisations.tests.factories import with_role

    for _ in range(n):
        with_role(world.city, "volunteer")


def add_themes(world, n):
    from cities4csr.needs.services import theme_save

    start = world.__dict__.setdefault("_themes_added", 0)
    for i in range(start, start + n):
        theme_save(actor=None, city=world.city, names={"it": f"Tema {i}", "en": f"Theme {i}"})
    world._themes_added = start + n


def add_cities(world, n):
    with scopes_disabled():
        for _ in range(n):
            CityFactory()


def add_offers(world, n):
    for _ in range(n):
        OfferFactory(organisation=OrganisationFactory(city=world.city))


def add_needs_to_review(world, n):
    """Needs submitted by the third-sector body and pledges waiting for the officer."""
    for _ in range(n):
        draft = NeedFactory(city=world.city, owner=world.third_sector, lat=LAT, lon=LON)
        ResourceLineFactory(need=draft)
        need_transition(actor=world.third_sector_representative, need=draft, to=Need.State.UNDER_REVIEW)
    add_pledges(world, n)


def add_drafts(world, n):
    """Drafts of every owner (the officer's list shows them) and published needs."""
    for _ in range(n):
        draft = NeedFactory(city=world.city, owner=world.third_sector, lat=LAT, lon=LON)
        ResourceLineFactory(need=draft)
        need(world)


def add_collective_actions(world, n):
    from cities4csr.matching.models import CollectiveAction, Invitation

    for _ in range(n):
        action = CollectiveAction.objects.create(city=world.city, need=need(world))
        Invitation.objects.create(city=world.city, action=action, organisation=OrganisationFactory(city=world.city))


def add_agreements(world, n):
    """Agreements with a step overdue and one done (made directly: the advisor's tests make
    them through the service)."""
    from datetime import timedelta

    from django.utils import timezone

    from cities4csr.instruments.models import Agreement, ChecklistStep

    today = timezone.localdate()
    for _ in range(n):
        pledge = PledgeFactory(need=need(world), organisation=OrganisationFactory(city=world.city))
        agreement = Agreement.objects.create(
            city=world.city,
            pledge=pledge,
            instrument="sponsorship",
            jurisdiction="it",
            pack_version="test",
            advice={"instrument_names": {"en": "Sponsorship"}},
            advised_on=today,
        )
        for position, done in enumerate((None, today)):
            ChecklistStep.objects.create(
                city=world.city,
                agreement=agreement,
                position=position,
                code=f"step{position}",
                labels={"en": f"Step {position}"},
                due_on=today - timedelta(days=3),
                done_on=done,
            )


def add_company_activity(world, n):
    """The company's own offers and pledges, and needs it is recommended."""
    for _ in range(n):
        OfferFactory(organisation=world.company)
        PledgeFactory(need=need(world), organisation=world.company)
    recommendations_recompute(city=world.city)


def add_api_keys(world, n):
    from cities4csr.accounts.apikeys.models import ApiKey
    from cities4csr.accounts.apikeys.services import api_key_create, api_key_revoke

    for i in range(n):  # revoked as they go: only 10 may be in use, the list shows them all
        api_key, _key = api_key_create(actor=world.officer, city=world.city, name=f"key {ApiKey.objects.count() + i}")
        api_key_revoke(actor=world.officer, api_key=api_key)


def add_partner_needs(world, n):
    """Needs of the third-sector body, each with a pledge: its proposals and what they received."""
    for _ in range(n):
        proposal = NeedFactory(
            city=world.city,
            owner=world.third_sector,
            lat=LAT,
            lon=LON,
            lines=[dict(kind=ResourceKind.MONEY, label="Contributo", quantity=500_000)],
            published=True,
        )
        PledgeFactory(need=proposal, organisation=world.company, accepted=True)


def add_volunteer_needs(world, n):
    for _ in range(n):
        NeedFactory(
            city=world.city,
            owner=world.city_hall,
            lat=LAT,
            lon=LON,
            lines=[dict(kind=ResourceKind.VOLUNTEER_TIME, label="Ore", quantity=10, value_cents=2_000)],
            published=True,
        )


def add_organisations(world, n):
    for _ in range(n):
        OrganisationFactory(city=world.city)


def add_officer_cities(world, n):
    """Other cities where the officer volunteers: the chooser lists them."""
    from cities4csr.organisations.services import city_role_grant

    with scopes_disabled():
        for _ in range(n):
            city_role_grant(actor=None, city=CityFactory(), user=world.officer, role="volunteer")


def the_fund_with_an_award(world):
    """One fund per world, with an approved award, made on first use (the public ledger's cases)."""
    if "_ledger_fund" not in world.__dict__:
        from cities4csr.funds.models import Award
        from cities4csr.funds.services import award_propose, award_transition
        from cities4csr.funds.tests.factories import a_fund, a_gift, a_purpose

        world._ledger_fund = a_fund(world)
        a_gift(world, world._ledger_fund, 1_000_000, name="Fondazione", name_public=True)
        award = award_propose(
            actor=world.officer,
            fund=world._ledger_fund,
            purpose=a_purpose(world),
            description="Spesa",
            act_number="Delibera 1",
            act_on=date(2026, 4, 1),
            amount_cents=500_000,
            organisation=world.third_sector,
        )
        world._ledger_award = award_transition(actor=world.officer, award=award, to=Award.State.APPROVED)
    return world._ledger_fund


def add_fund_movements(world, n):
    """Movements of every kind the public ledger names: gifts with and without consent, from a
    citizen and a company, a partial refund, a payment of the award."""
    from cities4csr.funds.models import Contribution
    from cities4csr.funds.services import contribution_refund, disbursement_record
    from cities4csr.funds.tests.factories import a_gift

    fund = the_fund_with_an_award(world)
    for i in range(n):
        kind = i % 4
        if kind == 0:
            a_gift(world, fund, 1_000 + i, name=f"Persona {i}", name_public=True)
        elif kind == 1:
            a_gift(
                world,
                fund,
                2_000 + i,
                name="Impresa",
                donor_kind=Contribution.DonorKind.COMPANY,
                organisation=world.company,
            )
        elif kind == 2:
            gift = a_gift(world, fund, 3_000 + i)
            contribution_refund(actor=world.officer, contribution=gift, amount_cents=100, reason="Errore")
        else:
            disbursement_record(
                actor=world.officer, award=world._ledger_award, amount_cents=100, paid_on=date(2026, 4, 2)
            )


def fund_path(suffix):
    return "/en/{city}/funds/milano-aiuta/" + suffix


def add_campaigns(world, n):
    from cities4csr.campaigns.tests.factories import a_campaign, a_campaign_gift, company_matcher

    start = world.__dict__.setdefault("_campaigns_added", 0)
    for i in range(start, start + n):
        campaign = a_campaign(world, slug=f"campagna-{i}", matchers=[company_matcher(world)], need=the_need(world))
        a_campaign_gift(campaign, 1_000)
    world._campaigns_added = start + n


def the_campaign(world):
    """One open campaign with two matchers (a company 1:1, the city's threshold), made on first use."""
    from cities4csr.campaigns.tests.factories import a_campaign, city_threshold, company_matcher

    if "_campaign" not in world.__dict__:
        world._campaign = a_campaign(
            world, slug="la-campagna", matchers=[company_matcher(world), city_threshold()], need=the_need(world)
        )
    return world._campaign


def the_draft_campaign(world):
    from cities4csr.campaigns.tests.factories import a_campaign

    if "_draft_campaign" not in world.__dict__:
        world._draft_campaign = a_campaign(world, slug="la-bozza", open_it=False, need=the_need(world))
    return world._draft_campaign


def add_campaign_gifts(world, n):
    """Gifts of different donors (and a refund): each matched, each replayed by the page."""
    from cities4csr.campaigns.tests.factories import a_campaign_gift
    from cities4csr.funds.services import contribution_refund

    for i in range(n):
        gift = a_campaign_gift(the_campaign(world), 1_000 + i, name=f"Donatore {i}")
    contribution_refund(actor=None, contribution=gift, amount_cents=100, reason="Parte restituita")


def add_matchers(world, n):
    from cities4csr.campaigns.services import matcher_save

    for _ in range(n):
        matcher_save(
            actor=None,
            campaign=the_draft_campaign(world),
            organisation=OrganisationFactory(city=world.city),
            pool_cents=10_000,
        )


def add_volunteering(world, n, *, company=False, approve=False):
    """``n`` registrations (on ``n`` new slots): the resident's, or the company member's for
    the company; checked in, out and approved by the host with ``approve``."""
    from cities4csr.volunteering import services
    from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

    if "_activity" not in world.__dict__:
        world._activity = an_activity(world, slug="conteggi", preparation_minutes=60)
    start = world.__dict__.setdefault("_slots_added", 0)
    for i in range(start, start + n):
        slot = a_slot(world._activity, days=3 + i)
        user, fields = (world.member, {"company": world.company}) if company else (world.resident, {})
        registration = a_registration(slot, user, **fields)
        if approve:
            host = world.third_sector_representative
            services.registration_check_in(actor=host, registration=registration)
            services.registration_check_out(actor=host, registration=registration)  # an hour's preparation
            entry = registration.hours.get()
            services.hours_approve(actor=host, entries=[entry])
            if company:
                services.hours_approve(actor=world.representative, entries=[entry])
    world._slots_added = start + n


def feed_token(world, *, company=False):
    from cities4csr.volunteering.services import calendar_feed_get

    if company:
        return calendar_feed_get(actor=world.representative, city=world.city, organisation=world.company).token
    return calendar_feed_get(actor=world.resident, city=world.city).token


def prepare_pagopa(world):
    """pagoPA on, and a fund whose pagoPA contributions the flows pay."""
    from cities4csr.funds.tests.factories import a_fund
    from cities4csr.funds.tests.test_pagopa_import import enable_pagopa

    enable_pagopa(world)
    world.pagopa_fund = a_fund(world, slug="pagopa-fund")


def add_pagopa_flows(world, n):
    """Flows of two payments: one pays a contribution's notice, one is another service's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.funds.models import Contribution
    from cities4csr.funds.pagopa_services import pagopa_report_import
    from cities4csr.funds.tests.pagopa_flows import flow_xml
    from cities4csr.funds.tests.test_pagopa_import import pagopa_gift, paid

    start = world.__dict__.setdefault("_pagopa_flows", 0)
    for i in range(start, start + n):
        gift = Contribution.objects.get(pk=pagopa_gift(world, world.pagopa_fund, 1000 + i).pk)
        data = flow_xml(
            [paid(gift, f"IUR{i}"), (f"0200000000{i:07d}", f"X{i}", "5.00", "0", "2026-12-02")],
            flow_id=f"2026-12-04ABCDITMMXXX-{i:04d}",
        )
        pagopa_report_import(
            actor=world.officer, city=world.city, file=SimpleUploadedFile("f.xml", data, "application/xml")
        )
    world._pagopa_flows = start + n


def recomputed(grow):
    def grow_and_recompute(world, n):
        grow(world, n)
        recommendations_recompute(city=world.city)

    return grow_and_recompute


def the_need(world):
    """One published need per world, made on first use (the target of the need's own lists)."""
    if "_need" not in world.__dict__:
        world._need = need(world)
    return world._need


def prepare_company(world):
    SiteFactory(organisation=world.company, lat=LAT, lon=LON)
    CsrProfileFactory(organisation=world.company, preferred_areas=[world.areas["35"]], themes=themes(world))


def the_purpose(world):
    from cities4csr.funds.tests.factories import a_purpose

    if "_purpose" not in world.__dict__:
        world._purpose = a_purpose(world)
    return world._purpose


def add_funds(world, n):
    """Funds, each with a received gift and an earmark."""
    from cities4csr.funds.services import earmark_create
    from cities4csr.funds.tests.factories import a_fund, a_gift

    start = world.__dict__.setdefault("_funds_added", 0)
    for i in range(start, start + n):
        fund = a_fund(world, slug=f"fondo-{i}", title=f"Fondo {i}")
        a_gift(world, fund, 1000 + i)
        earmark_create(actor=world.officer, fund=fund, title=f"Parte {i}")
    world._funds_added = start + n


def add_gifts(world, n, *, received=True):
    from cities4csr.funds.tests.factories import a_gift

    for i in range(n):
        a_gift(world, the_fund(world), 1000 + i, received=received, name=f"Donatrice {i}")


def add_earmarks(world, n):
    from cities4csr.funds.services import earmark_create

    for i in range(n):
        earmark_create(actor=world.officer, fund=the_fund(world), title=f"Parte {i}", purpose=the_purpose(world))


def add_purposes(world, n):
    from cities4csr.funds.tests.factories import a_purpose

    start = world.__dict__.setdefault("_purposes_added", 0)
    for i in range(start, start + n):
        a_purpose(world, code=f"scopo-{i}", name=f"Scopo {i}")
    world._purposes_added = start + n


def add_awards(world, n):
    """Proposed awards of the fund, to organisations and to needs."""
    from cities4csr.funds.services import award_propose

    for i in range(n):
        award_propose(
            actor=world.officer,
            fund=the_fund(world),
            purpose=the_purpose(world),
            description=f"Premio {i}",
            act_number=f"DG {i}",
            act_on=date(2026, 4, 1),
            amount_cents=1000 + i,
            **({"organisation": world.third_sector} if i % 2 else {"need": the_need(world)}),
        )


def the_award(world):
    """An approved award of the fund, with money to pay it out in parts."""
    from cities4csr.funds.services import award_propose, award_transition
    from cities4csr.funds.tests.factories import a_gift

    if "_award" not in world.__dict__:
        a_gift(world, the_fund(world), 1_000_000)
        award = award_propose(
            actor=world.officer,
            fund=the_fund(world),
            purpose=the_purpose(world),
            description="Buoni",
            act_number="DG 1",
            act_on=date(2026, 4, 1),
            amount_cents=500_000,
            organisation=world.third_sector,
        )
        world._award = award_transition(actor=world.officer, award=award, to="approved")
    return world._award


def add_disbursements(world, n):
    from cities4csr.funds.services import disbursement_record

    for i in range(n):
        disbursement_record(actor=world.officer, award=the_award(world), amount_cents=100 + i, paid_on=date(2026, 5, 1))


# --- volunteering (sign-up API) ------------------------------------------------------------------


def add_volunteering_activities(world, n):
    """n open activities, each with two slots still to come and a theme."""
    from cities4csr.volunteering.tests.factories import a_slot, an_activity

    start = len(world.__dict__.setdefault("_activities", []))
    for i in range(start, start + n):
        activity = an_activity(world, slug=f"attivita-{i}", themes=themes(world)[:1])
        a_slot(activity, days=3)
        a_slot(activity, days=10)
        world._activities.append(activity)


def the_volunteering_activity(world):
    if "_activity" not in world.__dict__:
        from cities4csr.volunteering.tests.factories import an_activity

        world._activity = an_activity(world, slug="la-scuola", themes=themes(world))
    return world._activity


def the_volunteering_slot(world):
    if "_slot" not in world.__dict__:
        from cities4csr.volunteering.tests.factories import a_slot

        world._slot = a_slot(the_volunteering_activity(world), capacity=100)
    return world._slot


def add_volunteering_registrations(world, n):
    """n people signed up, some in a company's team."""
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.models import Team
    from cities4csr.volunteering.tests.factories import a_registration

    slot = the_volunteering_slot(world)
    team = Team.objects.filter(slot=slot).first() or Team.objects.create(
        city=world.city, slot=slot, company=world.company, name="Squadra"
    )
    for i in range(n):
        a_registration(slot, UserFactory(), team=team if i % 2 else None, company=world.company if i % 2 else None)


def add_volunteering_slots(world, n):
    from cities4csr.volunteering.tests.factories import a_slot

    for i in range(n):
        a_slot(the_volunteering_activity(world), days=2 + i)


# -- volunteering --------------------------------------------------------------------------------


def add_activities(world, n):
    """Open activities, each with a slot to come and a person signed up, in two themes."""
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

    start = world.__dict__.setdefault("_activities_added", 0)
    for i in range(start, start + n):
        activity = an_activity(world, slug=f"attivita-{i}", title=f"Attività {i}", themes=themes(world))
        a_registration(a_slot(activity, days=2 + i), UserFactory())
    world._activities_added = start + n


def the_activity(world):
    from cities4csr.volunteering.tests.factories import a_slot, an_activity

    if "_activity" not in world.__dict__:
        world._activity = an_activity(world, slug="la-scuola", themes=themes(world), company=world.company)
        world._slot = a_slot(world._activity, capacity=100)
    return world._activity


def the_slot(world):
    the_activity(world)
    return world._slot


def add_slots(world, n):
    """Slots of the activity, each with an employee of the company signed up (their names show
    to the host) and a team."""
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.models import Team
    from cities4csr.volunteering.tests.factories import a_registration, a_slot

    start = world.__dict__.setdefault("_slots_added", 0)
    for i in range(start, start + n):
        slot = a_slot(the_activity(world), days=3 + i)
        a_registration(slot, UserFactory(first_name=f"Persona{i}"), company=world.company)
        Team.objects.create(city=world.city, slot=slot, company=world.company, name=f"Squadra {i}")
    world._slots_added = start + n


def add_slot_people(world, n):
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.tests.factories import a_registration

    for _ in range(n):
        a_registration(the_slot(world), UserFactory(), company=world.company)


def add_my_registrations(world, n):
    """The volunteer's sign-ups: to come, and past with approved hours."""
    from cities4csr.volunteering.models import HoursEntry, Registration
    from cities4csr.volunteering.tests.factories import a_registration, a_slot

    start = world.__dict__.setdefault("_mine_added", 0)
    for i in range(start, start + n):
        a_registration(a_slot(the_activity(world), days=4 + i), world.volunteer)
        past = a_registration(
            a_slot(the_activity(world), days=-4 - i), world.volunteer, state=Registration.State.ATTENDED
        )
        HoursEntry.objects.create(city=world.city, registration=past, minutes=60, state=HoursEntry.State.APPROVED)
    world._mine_added = start + n


def add_hours(world, n, *, state="proposed"):
    """Employees' hours on past slots of activities of different needs and neighbourhoods."""
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.models import HoursEntry, Registration
    from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

    start = world.__dict__.setdefault("_hours_added", 0)
    for i in range(start, start + n):
        activity = an_activity(world, slug=f"passata-{i}", need=need(world), area=world.areas["35"])
        slot = a_slot(activity, days=-1)
        registration = a_registration(slot, UserFactory(), state=Registration.State.ATTENDED, company=world.company)
        HoursEntry.objects.create(city=world.city, registration=registration, minutes=60 + i, state=state)
    world._hours_added = start + n


# --- open data -----------------------------------------------------------------------------------


def add_opendata_grants(world, n):
    """Public companies, each giving money to a need of its own in NIL 35: one grant each."""
    from cities4csr.ledger.models import Source
    from cities4csr.ledger.services import Leg, group_post

    start = world.__dict__.setdefault("_grants_added", 0)
    for i in range(start, start + n):
        company = OrganisationFactory(city=world.city, name=f"Donatrice {i}")
        school = NeedFactory(city=world.city, owner=world.third_sector, area=world.areas["35"], published=True)
        group_post(
            actor=None,
            city=world.city,
            legs=[Leg("giver", company.pk, -10_000 - i, label=company.name), Leg("need", school.pk, 10_000 + i)],
            source=Source.PLEDGE,
            resource_kind=ResourceKind.MONEY,
            motivation="charitable_gift",
            valuation="face_value",
            effective_on=date(2026, 5, 1),
            area_code="35",
        )
    world._grants_added = start + n


def add_public_results(world, n):
    """Indicators of a need in NIL 35, each with an approved value."""
    from decimal import Decimal

    from cities4csr.impact.models import IndicatorUpdate, ResultIndicator

    school = world.__dict__.get("_results_need") or NeedFactory(
        city=world.city, owner=world.third_sector, area=world.areas["35"], published=True
    )
    world._results_need = school
    for _ in range(n):
        indicator = ResultIndicator.objects.create(
            city=world.city,
            need=school,
            name="Alunni",
            baseline=Decimal(0),
            baseline_on=date(2026, 1, 1),
            target=Decimal(10),
            target_on=date(2026, 12, 31),
        )
        IndicatorUpdate.objects.create(
            city=world.city,
            indicator=indicator,
            value=Decimal(5),
            measured_on=date(2026, 6, 1),
            state=IndicatorUpdate.State.APPROVED,
            author=world.representative,
        )


def some_open_data(world):
    the_fund_with_an_award(world)
    add_opendata_grants(world, 1)
    add_public_results(world, 1)


def add_equity_flows(world, n):
    """Residents per NIL (once), and ``n`` gifts posted on the ledger to needs in the city's NIL in
    turn: the equity page's figures and curve grow, its queries must not."""
    import datetime as dt

    from cities4csr.cities.services import indicator_import
    from cities4csr.ledger.models import Account, Motivation, Source, Valuation
    from cities4csr.ledger.resources import ResourceKind
    from cities4csr.ledger.services import Leg, group_post

    codes = sorted(world.areas)
    if "_equity_added" not in world.__dict__:
        indicator_import(
            actor=None,
            city=world.city,
            key="population",
            names={"en": "Residents"},
            area_kind="nil",
            date=dt.date(2024, 1, 1),
            values={code: 1_000 * (i + 1) for i, code in enumerate(codes)},
        )
        world._equity_added = 0
    target = the_need(world)
    start = world._equity_added
    for i in range(start, start + n):
        group_post(
            actor=None,
            city=world.city,
            legs=[
                Leg(Account.Kind.GIVER, world.company.pk, -(1_000 + i), label=world.company.name),
                Leg(Account.Kind.NEED, target.pk, 1_000 + i, label=target.title),
            ],
            source=Source.PLEDGE,
            resource_kind=ResourceKind.MONEY,
            motivation=Motivation.COMMUNITY_INVESTMENT,
            valuation=Valuation.FACE_VALUE,
            effective_on=dt.date(2026, 5, 4),
            area_code=codes[i % len(codes)],
        )
    world._equity_added = start + n


# --- results (impact) --------------------------------------------------------------------------


def the_result_action(world):
    from cities4csr.needs.tests.factories import ActionFactory

    if not hasattr(world, "_result_action"):
        world._result_action = ActionFactory(city=world.city)
    return world._result_action


def the_result_need(world):
    if not hasattr(world, "_result_need"):
        world._result_need = need(world, action=the_result_action(world))
    return world._result_need


def add_result_needs(world, n):
    """Needs of the action, each with an indicator and an approved value."""
    from cities4csr.impact.tests.factories import an_indicator, an_update

    for _ in range(n):
        indicator = an_indicator(city=world.city, need=need(world, action=the_result_action(world)))
        an_update(indicator, state="approved")


def add_result_updates(world, n, *, state="approved"):
    """Indicators of one need, each with a value reported by the third-sector body's representative."""
    from cities4csr.impact.tests.factories import an_indicator, an_update

    for i in range(n):
        indicator = an_indicator(city=world.city, need=the_result_need(world), name=f"Indicatore {i}")
        an_update(indicator, actor=world.officer, state=state)


def add_submitted_updates(world, n):
    add_result_updates(world, n, state="submitted")


@dataclass
class Case:
    path: str  # under the city, {pk} from ``pk``
    grow: object  # (world, n) -> None, adds n rows the response shows
    who: str = "anonymous"  # a World attribute, or anonymous
    pk: object = None  # (world) -> the id in the path
    api: bool = False
    prepare: object = None  # (world) -> None, before the first read
    cached: bool = False  # its answer is cached until its rows change: each read is measured uncached


LISTS = {
    # pages
    "network_home": Case("/en/", add_cities),
    "city_home": Case("/en/{city}/", add_areas),
    "area_detail": Case("/en/{city}/areas/nil/35/", add_indicators),
    "data_sources": Case("/en/{city}/data/", add_indicators),
    "opendata_index": Case("/en/{city}/open-data/", add_funds, prepare=some_open_data),
    "opendata_giving_json": Case("/en/{city}/open-data/360giving.json", add_opendata_grants, prepare=some_open_data),
    "opendata_giving_csv": Case("/en/{city}/open-data/360giving-csv.zip", add_opendata_grants, prepare=some_open_data),
    "opendata_giving_xlsx": Case("/en/{city}/open-data/360giving.xlsx", add_opendata_grants, prepare=some_open_data),
    "opendata_areas": Case("/en/{city}/open-data/areas.geojson", add_areas, prepare=some_open_data),
    "opendata_results": Case("/en/{city}/open-data/results.json", add_public_results, prepare=some_open_data),
    "opendata_catalogue": Case("/en/{city}/open-data/catalog.ttl", add_funds, prepare=some_open_data),
    "officer_activity": Case("/en/{city}/workspace/officer/activity/", add_activity, who="officer"),
    "audit_trail": Case("/en/{city}/audit/", add_activity, who="officer"),
    "inbox": Case("/en/{city}/inbox/", add_notifications, who="representative"),
    "api:notification-list": Case(
        "/api/v1/cities/{city}/notifications/", add_notifications, who="representative", api=True
    ),
    "organisation_list": Case("/en/{city}/organisations/", add_audit_events),
    "city_people": Case("/en/{city}/manage/people/", add_city_roles, who="admin"),
    "city_themes": Case("/en/{city}/manage/themes/", add_themes, who="admin"),
    "organisation_members": Case(
        "/en/{city}/organisations/{pk}/members/", add_members, who="officer", pk=lambda w: w.company.pk
    ),
    "organisation_detail": Case(
        "/en/{city}/organisations/{pk}/",
        lambda w, n: add_pledges(w, n, organisation=w.company),
        who="officer",
        pk=lambda w: w.company.pk,
    ),
    "need_catalogue": Case("/en/{city}/needs/", add_needs),
    "need_export_csv": Case("/en/{city}/needs/export.csv", add_needs),
    "need_export_xlsx": Case("/en/{city}/needs/export.xlsx", add_needs),
    "need_export_geojson": Case("/en/{city}/needs/export.geojson", add_needs),
    "need_detail": Case("/en/{city}/needs/{pk}/", add_pledges_to(the_need), who="officer", pk=lambda w: the_need(w).pk),
    "officer_workspace": Case("/en/{city}/workspace/officer/", add_needs_to_review, who="officer"),
    "officer_needs": Case("/en/{city}/workspace/officer/needs/", add_drafts, who="officer"),
    "officer_pledges": Case("/en/{city}/workspace/officer/pledges/", add_pledges, who="officer"),
    "officer_collective": Case("/en/{city}/workspace/officer/collective/", add_collective_actions, who="officer"),
    "officer_agreements": Case("/en/{city}/workspace/officer/agreements/", add_agreements, who="officer"),
    "officer_steps": Case("/en/{city}/workspace/officer/steps/", add_agreements, who="officer"),
    "company_workspace": Case(
        "/en/{city}/workspace/company/", add_company_activity, who="representative", prepare=prepare_company
    ),
    "api_keys": Case("/en/{city}/account/api-keys/", add_api_keys, who="officer"),
    "partner_home": Case("/en/{city}/workspace/partner/", add_partner_needs, who="third_sector_representative"),
    "volunteer_home": Case("/en/{city}/workspace/volunteer/", add_volunteer_needs, who="volunteer"),
    "manage_home": Case("/en/{city}/manage/", add_organisations, who="admin"),
    "my_homes": Case("/en/me/", add_officer_cities, who="officer"),
    # city funds: a fund's figures do not grow with its contributions
    "fund_list": Case("/en/{city}/funds/", add_funds),
    "fund_detail": Case("/en/{city}/funds/{pk}/", add_gifts, pk=lambda w: the_fund(w).slug),
    "fund_give": Case("/en/{city}/funds/{pk}/give/", add_earmarks, pk=lambda w: the_fund(w).slug),
    "officer_funds": Case("/en/{city}/workspace/officer/funds/", add_funds, who="officer"),
    "officer_fund_edit": Case(
        "/en/{city}/workspace/officer/funds/{pk}/", add_earmarks, who="officer", pk=lambda w: the_fund(w).pk
    ),
    "officer_fund_purposes": Case("/en/{city}/workspace/officer/funds/purposes/", add_purposes, who="officer"),
    "officer_contributions": Case(
        "/en/{city}/workspace/officer/funds/contributions/",
        lambda w, n: add_gifts(w, n, received=False),
        who="officer",
    ),
    "officer_awards": Case("/en/{city}/workspace/officer/funds/awards/", add_awards, who="officer"),
    "officer_award_create": Case("/en/{city}/workspace/officer/funds/awards/new/", add_purposes, who="officer"),
    "officer_award": Case(
        "/en/{city}/workspace/officer/funds/awards/{pk}/",
        add_disbursements,
        who="officer",
        pk=lambda w: the_award(w).pk,
    ),
    "api:fund-list": Case("/api/v1/cities/{city}/funds/", add_funds, api=True),
    "api:fund-detail": Case("/api/v1/cities/{city}/funds/{pk}/", add_gifts, pk=lambda w: the_fund(w).slug, api=True),
    "api:fund-contribution-list": Case(
        "/api/v1/cities/{city}/funds/contributions/", add_gifts, who="officer", api=True
    ),
    "api:fund-award-list": Case("/api/v1/cities/{city}/funds/awards/", add_awards, who="officer", api=True),
    # a fund's public ledger: the totals by source are cached until the fund moves (measured uncached)
    "fund_ledger": Case(fund_path("ledger/"), add_fund_movements, prepare=the_fund_with_an_award, cached=True),
    "fund_ledger_csv": Case(fund_path("ledger.csv"), add_fund_movements, prepare=the_fund_with_an_award),
    "fund_ledger_json": Case(fund_path("ledger.json"), add_fund_movements, prepare=the_fund_with_an_award),
    "api:fund-ledger": Case(
        "/api/v1/cities/{city}/funds/milano-aiuta/ledger/", add_fund_movements, prepare=the_fund_with_an_award, api=True
    ),
    "api:fund-ledger-totals": Case(
        "/api/v1/cities/{city}/funds/milano-aiuta/ledger/totals/",
        add_fund_movements,
        prepare=the_fund_with_an_award,
        api=True,
        cached=True,
    ),
    # the equity lens: sums per area in one read of the ledger, whatever the movements
    # (the sums per area are cached until the ledger moves: measured uncached)
    "equity": Case("/en/{city}/equity/", add_equity_flows, prepare=the_need, cached=True),
    "api:equity": Case("/api/v1/cities/{city}/equity/", add_equity_flows, api=True, prepare=the_need, cached=True),
    # results (impact): the tree, the map, a need's and an action's results and timeline, the queues
    "results": Case("/en/{city}/results/", add_result_needs),
    "results_points": Case("/en/{city}/results/map.geojson", add_result_needs),
    "results_action": Case(
        "/en/{city}/results/actions/{pk}/", add_result_needs, pk=lambda w: the_result_action(w).number
    ),
    "results_need": Case("/en/{city}/results/needs/{pk}/", add_result_updates, pk=lambda w: the_result_need(w).pk),
    "results_workspace": Case("/en/{city}/workspace/results/", add_result_updates, who="officer"),
    "results_review": Case("/en/{city}/workspace/results/review/", add_submitted_updates, who="admin"),
    "api:results-indicator-list": Case("/api/v1/cities/{city}/results/indicators/", add_result_needs, api=True),
    "api:results-update-list": Case("/api/v1/cities/{city}/results/updates/", add_result_needs, api=True),
    "api:results-tree": Case("/api/v1/cities/{city}/results/tree/", add_result_needs, api=True),
    "api:results-need-timeline": Case(
        "/api/v1/cities/{city}/results/needs/{pk}/timeline/",
        add_result_updates,
        pk=lambda w: the_result_need(w).pk,
        api=True,
    ),
    "api:results-action-timeline": Case(
        "/api/v1/cities/{city}/results/actions/{pk}/timeline/",
        add_result_needs,
        pk=lambda w: the_result_action(w).number,
        api=True,
    ),
    # volunteering: places from the slots' counters, names for the host, one page of activities
    "volunteering_list": Case("/en/{city}/volunteering/", add_activities),
    # the city's dashboard: cached until the ledger, a need or a pledge changes (measured uncached)
    "dashboard": Case("/en/{city}/dashboard/", add_dashboard_rows, cached=True),
    "dashboard_csv": Case("/en/{city}/dashboard/dashboard.csv", add_dashboard_rows, cached=True),
    "dashboard_xlsx": Case("/en/{city}/dashboard/dashboard.xlsx", add_dashboard_rows, cached=True),
    "api:dashboard": Case("/api/v1/cities/{city}/dashboard/", add_dashboard_rows, api=True, cached=True),
    "volunteering_points": Case("/en/{city}/volunteering/map.geojson", add_activities),
    "volunteering_activity": Case(
        "/en/{city}/volunteering/{pk}/", add_slots, who="third_sector_representative", pk=lambda w: the_activity(w).slug
    ),
    "volunteering_me": Case("/en/{city}/volunteering/me/", add_my_registrations, who="volunteer"),
    "volunteering_manage": Case("/en/{city}/workspace/volunteering/", add_activities, who="officer"),
    "volunteering_edit": Case(
        "/en/{city}/workspace/volunteering/{pk}/", add_slots, who="officer", pk=lambda w: the_activity(w).slug
    ),
    "volunteering_console": Case(
        "/en/{city}/workspace/volunteering/slots/{pk}/",
        add_slot_people,
        who="third_sector_representative",
        pk=lambda w: the_slot(w).pk,
    ),
    "volunteering_hours": Case("/en/{city}/workspace/volunteering/hours/", add_hours, who="representative"),
    "volunteering_company": Case(
        "/en/{city}/workspace/volunteering/company/",
        lambda w, n: add_hours(w, n, state="approved"),
        who="representative",
        prepare=prepare_company,
    ),
    "campaign_list": Case("/en/{city}/campaigns/", add_campaigns),
    "campaign_manage": Case("/en/{city}/workspace/officer/campaigns/", add_campaigns, who="officer"),
    "campaign_detail": Case("/en/{city}/campaigns/{pk}/", add_campaign_gifts, pk=lambda w: the_campaign(w).slug),
    "campaign_edit": Case(
        "/en/{city}/workspace/officer/campaigns/{pk}/",
        add_matchers,
        who="officer",
        pk=lambda w: the_draft_campaign(w).slug,
    ),
    # a company's sustainability statement (reporting, ADR 0036)
    **{
        name: Case(
            f"/en/{{city}}/workspace/company/statement/{path}?{STATEMENT_QUERY}",
            add_company_statement,
            who="representative",
            pk=lambda w: w.company.pk,
        )
        for name, path in (
            ("company_statement", ""),
            ("company_statement_pdf", "statement.pdf"),
            ("company_statement_xlsx", "statement.xlsx"),
            ("company_statement_json", "statement.json"),
        )
    },
    **{
        name: Case(
            f"/api/v1/cities/{{city}}/organisations/{{pk}}/{path}?{STATEMENT_API_QUERY}",
            add_company_statement,
            who="officer",
            pk=lambda w: w.company.pk,
            api=True,
        )
        for name, path in (
            ("api:organisation-statement", "statement/"),
            ("api:organisation-statement-pdf", "statement.pdf"),
            ("api:organisation-statement-xlsx", "statement.xlsx"),
            ("api:organisation-management-costs", "management-costs/"),
        )
    },
    "gift_statements": Case(
        "/en/{city}/funds/statements/?start=01/01/2026&end=31/12/2026&donor=org:{pk}",
        add_company_gifts,
        who="representative",
        pk=lambda w: w.company.pk,
    ),
    "gift_statement_pdf": Case(
        "/en/{city}/funds/statements/statement.pdf?start=01/01/2026&end=31/12/2026&donor=org:{pk}",
        add_company_gifts,
        who="representative",
        pk=lambda w: w.company.pk,
    ),
    "api:gift-statement": Case(
        "/api/v1/cities/{city}/funds/gift-statement/?start=2026-01-01&end=2026-12-31&organisation={pk}",
        add_company_gifts,
        who="representative",
        pk=lambda w: w.company.pk,
        api=True,
    ),
    "api:gift-statement-pdf": Case(
        "/api/v1/cities/{city}/funds/gift-statement.pdf?start=2026-01-01&end=2026-12-31&organisation={pk}",
        add_company_gifts,
        who="officer",
        pk=lambda w: w.company.pk,
        api=True,
    ),
    # API
    "api:campaign-list": Case("/api/v1/cities/{city}/campaigns/", add_campaigns, api=True),
    "api:volunteering-activity-list": Case(
        "/api/v1/cities/{city}/volunteering/activities/", add_volunteering_activities, api=True
    ),
    "api:volunteering-slot-sign-up": Case(
        "/api/v1/cities/{city}/volunteering/slots/{pk}/registrations/",
        add_volunteering_registrations,
        who="third_sector_representative",
        pk=lambda w: the_volunteering_slot(w).pk,
        api=True,
    ),
    "api:volunteering-activity-detail": Case(
        "/api/v1/cities/{city}/volunteering/activities/{pk}/",
        add_volunteering_slots,
        pk=lambda w: the_volunteering_activity(w).slug,
        api=True,
    ),
    # volunteering: attendance, hours and calendars
    "volunteering_person_feed": Case(
        "/en/{city}/volunteering/feeds/person/{pk}.ics", add_volunteering, pk=lambda w: feed_token(w)
    ),
    "volunteering_company_feed": Case(
        "/en/{city}/volunteering/feeds/company/{pk}.ics",
        lambda w, n: add_volunteering(w, n, company=True),
        pk=lambda w: feed_token(w, company=True),
    ),
    "volunteering_certificate": Case(
        "/en/{city}/volunteering/me/certificate.pdf",
        lambda w, n: add_volunteering(w, n, approve=True),
        who="resident",
    ),
    "api:volunteering-hours-list": Case(
        "/api/v1/cities/{city}/volunteering/hours/",
        lambda w, n: add_volunteering(w, n, company=True, approve=True),
        who="representative",
        api=True,
    ),
    "api:campaign-detail": Case(
        "/api/v1/cities/{city}/campaigns/{pk}/?amount_cents=5000",
        add_campaign_gifts,
        pk=lambda w: the_campaign(w).slug,
        api=True,
    ),
    "api:campaign-matchers": Case(
        "/api/v1/cities/{city}/campaigns/{pk}/matchers/",
        add_matchers,
        who="officer",
        pk=lambda w: the_draft_campaign(w).slug,
        api=True,
    ),
    "api:city-list": Case("/api/v1/cities/", add_cities, api=True),
    "api:api-key-list": Case("/api/v1/cities/{city}/api-keys/", add_api_keys, who="officer", api=True),
    "api:my-home": Case("/api/v1/cities/{city}/me/home/", add_needs_to_review, who="officer", api=True),
    "api:area-figures": Case("/api/v1/cities/{city}/areas/nil/35/", add_needs, api=True),
    "api:area-list": Case("/api/v1/cities/{city}/areas/?kind=nil", add_areas, api=True),
    "api:place-list": Case("/api/v1/cities/{city}/places/?q=scuola", add_places, api=True),
    "place_search": Case("/en/{city}/places/search/?q=scuola", add_places),
    "api:opendata-dataset-list": Case("/api/v1/cities/{city}/open-data/", add_funds, api=True),
    "api:opendata-360giving": Case(
        "/api/v1/cities/{city}/open-data/360giving/", add_opendata_grants, api=True, prepare=some_open_data
    ),
    "api:opendata-areas": Case(
        "/api/v1/cities/{city}/open-data/areas.geojson", add_areas, api=True, prepare=some_open_data
    ),
    "api:opendata-results": Case(
        "/api/v1/cities/{city}/open-data/results/", add_public_results, api=True, prepare=some_open_data
    ),
    "api:area-geojson": Case("/api/v1/cities/{city}/areas.geojson?kind=nil&zoom=11", add_areas, api=True, cached=True),
    "api:indicator-list": Case("/api/v1/cities/{city}/indicators/", add_indicators, api=True),
    "api:organisation-list": Case("/api/v1/cities/{city}/organisations/", add_audit_events, api=True),
    "api:organisation-members": Case(
        "/api/v1/cities/{city}/organisations/{pk}/members/",
        add_members,
        who="officer",
        api=True,
        pk=lambda w: w.company.pk,
    ),
    "api:role-list": Case("/api/v1/cities/{city}/roles/", add_city_roles, who="admin", api=True),
    "api:audit-list": Case("/api/v1/cities/{city}/audit/", add_audit_events, who="officer", api=True),
    "api:ledger-list": Case("/api/v1/cities/{city}/ledger/", add_ledger_movements, who="officer", api=True),
    # bank statements and reconciliation (funds.banking)
    "fund_statements": Case(
        "/en/{city}/workspace/officer/funds/{pk}/statements/",
        add_statements,
        who="officer",
        pk=lambda w: the_fund(w).pk,
    ),
    "statement_detail": Case(
        "/en/{city}/workspace/officer/funds/statements/{pk}/",
        add_bank_lines,
        who="officer",
        pk=lambda w: the_statement(w).pk,
    ),
    "bank_line_queue": Case(
        "/en/{city}/workspace/officer/funds/bank-lines/",
        lambda w, n: add_bank_lines(w, n, matched=False),
        who="officer",
    ),
    "api:fund-statement-list": Case(
        "/api/v1/cities/{city}/funds/{pk}/statements/",
        add_statements,
        who="officer",
        pk=lambda w: the_fund(w).pk,
        api=True,
    ),
    "api:bank-line-list": Case("/api/v1/cities/{city}/funds/bank-lines/", add_bank_lines, who="officer", api=True),
    "funds_pagopa_import": Case(
        "/en/{city}/workspace/officer/funds/pagopa/", add_pagopa_flows, who="officer", prepare=prepare_pagopa
    ),
    "api:funds-pagopa-flows": Case(
        "/api/v1/cities/{city}/funds/pagopa/flows/", add_pagopa_flows, who="officer", api=True, prepare=prepare_pagopa
    ),
    "api:need-list": Case("/api/v1/cities/{city}/needs/", add_needs, api=True),
    "api:need-geojson": Case("/api/v1/cities/{city}/needs.geojson", add_needs, api=True),
    "api:need-gap-by-area": Case("/api/v1/cities/{city}/needs/by-area/?kind=nil", add_needs, api=True),
    "api:need-export-csv": Case("/api/v1/cities/{city}/needs/export.csv", add_needs, api=True),
    "api:need-export-xlsx": Case("/api/v1/cities/{city}/needs/export.xlsx", add_needs, api=True),
    "api:need-export-geojson": Case("/api/v1/cities/{city}/needs/export.geojson", add_needs, api=True),
    "api:need-detail": Case(
        "/api/v1/cities/{city}/needs/{pk}/",
        lambda w, n: [ResourceLineFactory(need=the_need(w)) for _ in range(n)],
        pk=lambda w: the_need(w).pk,
        api=True,
    ),
    "api:offer-list": Case("/api/v1/cities/{city}/offers/", add_offers, who="officer", api=True),
    "api:pledge-list": Case("/api/v1/cities/{city}/pledges/", add_pledges, who="officer", api=True),
    "api:organisation-recommendations": Case(
        "/api/v1/cities/{city}/organisations/{pk}/recommendations/",
        recomputed(add_needs),
        who="representative",
        pk=lambda w: w.company.pk,
        api=True,
        prepare=prepare_company,
    ),
    "api:need-helpers": Case(
        "/api/v1/cities/{city}/needs/{pk}/helpers/",
        recomputed(add_companies),
        who="officer",
        pk=lambda w: the_need(w).pk,
        api=True,
        prepare=the_need,
    ),
    "api:need-pool": Case(
        "/api/v1/cities/{city}/needs/{pk}/pool/",
        recomputed(add_companies),
        who="officer",
        pk=lambda w: the_need(w).pk,
        api=True,
        prepare=the_need,
    ),
    "api:need-notify": Case(
        "/api/v1/cities/{city}/needs/{pk}/notify/",
        recomputed(add_companies),
        who="officer",
        pk=lambda w: the_need(w).pk,
        api=True,
        prepare=the_need,
    ),
    "api:city-allocation": Case(
        "/api/v1/cities/{city}/allocation/", recomputed(add_companies), who="officer", api=True, prepare=the_need
    ),
}

NOT_LISTS = {
    # results (impact)
    "results_evidence": "one update's evidence file",
    "results_indicator_create": "a form (its choices: the plan's actions and the needs, one query each)",
    "results_indicator_edit": "a form (one indicator)",
    "results_update_create": "a form (one indicator)",
    "results_update_edit": "a form (one update)",
    "results_update_transition": "a write (POST)",
    "api:results-indicator-detail": "one indicator",
    "api:results-update-detail": "one update",
    "api:results-update-transition": "a write (POST)",
    # a company's sustainability statement (reporting)
    "company_management_cost": "a write (POST)",
    "company_management_cost_cancel": "a write (POST)",
    "api:organisation-management-cost-cancel": "a write (POST)",
    # volunteering
    "volunteering_team": "one team's invitation page",
    "volunteering_map": "the map's page lists nothing: its dots are volunteering_points, measured above",
    "volunteering_create": "a form (the host's organisations and the city's themes: a handful)",
    "volunteering_sign_up": "a write (POST)",
    "volunteering_team_open": "a write (POST)",
    "volunteering_withdraw": "a write (POST)",
    "volunteering_slot_add": "a write (POST)",
    "volunteering_transition": "a write (POST)",
    "volunteering_console_check_in": "a write (POST)",
    # card payments (funds, ADR 0029)
    "contribution_pay_by_card": "a POST that sends the donor to the provider's checkout: one contribution",
    "api:payment-webhook": "a provider's notification about one contribution: lists nothing",
    # bank statements and reconciliation (funds.banking)
    "statement_progress": "one statement's progress bar",
    "api:statement-detail": "one statement",
    "bank_line_match": "a write (POST)",
    "bank_line_ignore": "a write (POST)",
    "api:bank-line-match": "a write (POST)",
    "api:bank-line-ignore": "a write (POST)",
    "notification_open": "one notification, marked read, then a redirect",
    "api:notification-read": "a write: marks notifications read, lists nothing",
    "email_preferences": "a form of the fixed kinds of notification",
    # one object (its page or record), whose query-count lists are the ones above
    "api:city-detail": "one city",
    "api:organisation-detail": "one organisation's record",
    "api:organisation-csr-profile": "one organisation's profile (and PATCH)",
    "api:pledge-detail": "one pledge's record",
    "api:pledge-agreement": "one agreement with its fixed checklist",
    "pledge_detail": "one pledge's page",
    "contribution_detail": "one contribution's page, for its donor",
    "officer_contribution": "one contribution's page, for an officer",
    "api:fund-contribution-by-token": "one contribution's record, for its donor",
    "officer_fund_create": "a form",
    "officer_contribution_record": "a form (the funds to choose from are a handful)",
    "officer_contribution_evidence": "the uploaded file itself",
    "officer_disbursement_receipt": "the uploaded file itself",
    "contribution_cancel": "a write (POST)",
    "officer_fund_transition": "a write (POST)",
    "officer_earmark_add": "a write (POST)",
    "officer_contribution_receive": "a write (POST)",
    "officer_contribution_cancel": "a write (POST)",
    "officer_contribution_refund": "a write (POST)",
    "officer_award_transition": "a write (POST)",
    "officer_disbursement_add": "a write (POST)",
    "api:fund-contribution-receive": "a write (POST)",
    "api:fund-contribution-cancel": "a write (POST)",
    "api:fund-contribution-refund": "a write (POST)",
    "api:fund-award-transition": "a write (POST)",
    "api:fund-award-disbursements": "a write (POST)",
    "pledge_advisor": "one agreement's page, with its fixed checklist",
    "instrument_detail": "one instrument of the rule pack (a file, no rows)",
    "instrument_list": "the rule pack's instruments (a file, no rows)",
    "agreement_draft_download": "one file",
    "contribution_receipt": "one contribution's receipt (a PDF)",
    "officer_contribution_receipt": "one contribution's receipt (a PDF)",
    "api:contribution-receipt": "one contribution's receipt (a PDF)",
    "evidence_file": "one file",
    "need_photo": "one file",
    "api:area-locate": "the areas containing one point",
    "place_geocode": "one address sent to the city's geocoder (off by default), for people logged in",
    "city_ping": "the reference page of the benchmarks, no rows",
    "api:advisor": "the advisor's answer to one questionnaire (POST)",
    "advisor": "the questionnaire",
    "advisor_result": "the advisor's answer to one questionnaire",
    # forms and writes
    "organisation_create": "a form",
    "organisation_edit": "a form",
    "organisation_import": "an upload form",
    "city_settings": "a form",
    "city_theme_create": "a form",
    "city_theme_edit": "a form (one theme)",
    "city_invitation_accept": "a form",
    "city_role_change": "a write (POST)",
    "city_role_deactivate": "a write (POST)",
    "city_role_reactivate": "a write (POST)",
    "need_create": "a form",
    "need_import": "an upload form",
    "need_line_add": "a write (POST)",
    "need_edit": "a form (one need)",
    "offer_edit": "a form (one offer)",
    "site_edit": "a form (one site)",
    "api:organisation-site-detail": "one site (PATCH, DELETE)",
    "need_delete": "a write (POST)",
    "need_line_edit": "a form (one line)",
    "need_line_delete": "a write (POST)",
    "api:need-line-detail": "one line (PATCH, DELETE)",
    "api:offer-detail": "one offer's record (and PATCH, DELETE)",
    "need_transition": "a write (POST)",
    "pledge_create": "a form",
    "pledge_transition": "a write (POST)",
    "partnership_transition": "a write (POST)",
    "evidence_add": "a write (POST)",
    "evidence_replace": "a write (POST)",
    "evidence_withdraw": "a write (POST)",
    "agreement_notice": "a write (POST)",
    "agreement_conclude": "a write (POST)",
    "agreement_step_done": "a write (POST)",
    "agreement_return_add": "a write (POST)",
    "agreement_terms": "a write (POST)",
    "agreement_drafts": "a write (POST)",
    "collective_action_launch": "a write (POST)",
    "invitation_transition": "a write (POST)",
    "api:organisation-sites": "a write (POST)",
    "api:role-detail": "a write (PATCH)",
    "api:role-invitation-create": "a write (POST)",
    "api:need-import": "a write (POST)",
    "api:need-lines": "a write (POST)",
    "api:need-transition": "a write (POST)",
    "api:invitation-transition": "a write (POST)",
    "api:pledge-transition": "a write (POST)",
    "api:pledge-partner-transition": "a write (POST)",
    "api:pledge-evidence": "a write (POST)",
    "api:pledge-evidence-replace": "a write (POST)",
    "api:pledge-evidence-withdraw": "a write (POST)",
    "api:pledge-agreement-notice": "a write (POST)",
    "api:pledge-agreement-conclude": "a write (POST)",
    "api:pledge-agreement-returns": "a write (POST)",
    "api_key_revoke": "a write (POST)",
    "api:api-key-revoke": "a write (POST)",
    "api:pledge-agreement-terms": "a write (PATCH)",
    "campaign_preview": "one amount's preview (the campaign's replay is counted on its page)",
    "campaign_gift": "one gift's page",
    "campaign_give": "a write (POST)",
    "campaign_create": "a form",
    "matcher_add": "a write (POST)",
    "matcher_edit": "a form (one matcher)",
    "campaign_transition": "a write (POST)",
    "api:campaign-transition": "a write (POST)",
    "api:volunteering-activity-transition": "a write (POST)",
    "api:volunteering-activity-slots": "a write (POST)",
    "api:volunteering-slot-cancel": "a write (POST)",
    "api:volunteering-slot-teams": "a write (POST)",
    "api:volunteering-team-join": "a write (POST)",
    "api:volunteering-registration-withdraw": "a write (POST)",
    "api:volunteering-registration-review": "a write (POST)",
    "volunteering_registration_ics": "one registration's calendar file",
    "volunteering_checkin": "one registration's check-in page",
    "api:volunteering-check-in": "a write (POST)",
    "api:volunteering-self-check-in": "a write (POST)",
    "api:volunteering-check-out": "a write (POST)",
    "api:volunteering-hours-approve": "a write (POST)",
    "api:volunteering-hours-declare": "a write (POST)",
    "api:volunteering-hours-decline": "a write (POST)",
    "api:volunteering-hours-correct": "a write (POST)",
    # the platform itself
    "path ''": "redirects to the visitor's language",
    "healthz": "the health check",
    "security_txt": "a text file of four lines, no query",
    "api:schema": "the OpenAPI document",
    "api:docs": "the API documentation page",
    "accessibility_statement": "the city's accessibility statement: text, no list",
    "privacy_notice": "the city's privacy notice: text, no list",
    "cookie_notice": "the cookies the site sets: from the settings, no query",
    "network_cookie_notice": "the cookies the site sets: from the settings, no query",
    # a person's own data: a fixed number of queries whatever its size (privacy/tests, test_export_query_count)
    "account_data": "one person's own page",
    "account_export": "one person's own data, counted in cities4csr/privacy/tests",
    "api:me-data": "one person's own data, counted in cities4csr/privacy/tests",
    "account_consent": "a write (POST)",
    "account_name": "a write (POST)",
    "account_erase": "a form and a write (POST)",
    "api:me-erase": "a write (POST)",
    "account_erased": "a text, no query",
}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            yield namespace, p


def project_url_names() -> set[str]:
    """Every named URL whose view is ours (Django's admin and allauth's are not)."""
    names = set()
    for namespace, pattern in _walk(get_resolver().url_patterns):
        callback = pattern.callback
        module = getattr(getattr(callback, "view_class", callback), "__module__", "")
        if module.startswith("cities4csr.") or namespace == "api:":
            names.add(namespace + (pattern.name or f"path '{pattern.pattern}'"))
    return names


def test_every_url_is_listed_or_said_why_not():
    names = project_url_names()
    assert len(names) > 60, names  # the walk really sees the site and the API
    assert not set(LISTS) & set(NOT_LISTS)
    assert sorted(names - set(LISTS) - set(NOT_LISTS)) == [], "give each new URL a query-count case (or a reason)"
    assert sorted((set(LISTS) | set(NOT_LISTS)) - names) == [], "a URL in the tables no longer exists"


def _read(client, url, api, cached=False):
    kwargs = {"HTTP_ACCEPT": "*/*"} if api else {}
    if cached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return queries, body


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LISTS))
def test_query_count_does_not_grow_with_rows(world, name):
    case = LISTS[name]
    client = Client()
    if case.who != "anonymous":
        client.force_login(getattr(world, case.who))
    with scope(city=world.city.pk):
        if case.prepare:
            case.prepare(world)
        case.grow(world, ROWS_BEFORE)
        url = case.path.format(city=world.city.slug, pk=case.pk(world) if case.pk else "")
    _read(client, url, case.api)  # warm what is cached per process (content types, choices)
    before, body_before = _read(client, url, case.api, case.cached)
    with scope(city=world.city.pk):
        case.grow(world, ROWS_AFTER - ROWS_BEFORE)
    after, body_after = _read(client, url, case.api, case.cached)
    assert body_after != body_before, "the rows added do not show: the case does not test its list"
    assert len(after) == len(before), "\n".join(q["sql"][:160] for q in after.captured_queries)
