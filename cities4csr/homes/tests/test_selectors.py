"""The homes' figures against a hand-built city: each figure counted by hand, and nothing of the
other city in them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cities4csr.cities.tests.factories import CORVETTO, DUOMO
from cities4csr.homes import selectors
from cities4csr.needs.models import Need, ResourceKind
from cities4csr.needs.services import need_transition
from cities4csr.needs.tests.factories import NeedFactory
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.tests.factories import OrganisationFactory
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import evidence_add, pledge_transition
from cities4csr.pledges.tests.factories import PledgeFactory
from cities4csr.pledges.tests.test_pledges import PNG

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


def deliver(world, pledge, *, verify=False):
    pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=None, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=None, pledge=pledge, to=Pledge.State.DELIVERED)
    if verify:
        pledge_transition(actor=world.officer, pledge=pledge, to=Pledge.State.VERIFIED)
    pledge.refresh_from_db()
    return pledge


@pytest.fixture
def city(two_cities):
    """Milan-like: in CORVETTO a €1,000 need (a company pledged and delivered €400, verified) and
    a need asking 10 volunteer hours owned by the third-sector body; in DUOMO a €500 need with a
    pledge of €300 proposed; a need under review; a draft. Nantes-like: one published need with a
    verified pledge, which no Milan figure may count."""
    world = two_cities.milan
    with scope(city=world.city.pk):
        lat, lon = CORVETTO
        corvetto = NeedFactory(city=world.city, owner=world.city_hall, lat=lat, lon=lon, published=True)
        given = PledgeFactory(need=corvetto, organisation=world.company, items=[(corvetto.lines.get(), 40_000)])
        deliver(world, given, verify=True)
        time = NeedFactory(
            city=world.city,
            owner=world.third_sector,
            lat=lat,
            lon=lon,
            lines=[dict(kind=ResourceKind.VOLUNTEER_TIME, label="Ore", quantity=10, value_cents=2_000)],
            published=True,
        )
        lat, lon = DUOMO
        duomo = NeedFactory(
            city=world.city,
            owner=world.city_hall,
            lat=lat,
            lon=lon,
            lines=[dict(kind=ResourceKind.MONEY, label="Fondi", quantity=50_000)],
            published=True,
        )
        proposed = PledgeFactory(need=duomo, organisation=world.other_company, items=[(duomo.lines.get(), 30_000)])
        review = NeedFactory(
            city=world.city, owner=world.city_hall, lines=[dict(kind="money", label="X", quantity=100)]
        )
        need_transition(actor=None, need=review, to=Need.State.UNDER_REVIEW)
        NeedFactory(city=world.city, owner=world.city_hall)  # a draft
    nantes = two_cities.nantes
    with scope(city=nantes.city.pk):
        other = NeedFactory(city=nantes.city, owner=nantes.city_hall, published=True)
        deliver(nantes, PledgeFactory(need=other, organisation=nantes.company), verify=True)
    with scope(city=world.city.pk):
        yield world, {"corvetto": corvetto, "time": time, "duomo": duomo, "given": given, "proposed": proposed}


def test_city_figures(city):
    world, _rows = city
    figures = selectors.city_figures(city=world.city)
    # open: corvetto (60,000 still missing), time (2,000), duomo; not the need under review nor the draft
    assert figures.open_needs == 3
    assert figures.value_verified_cents == 40_000
    assert figures.verified_contributions == 1
    # the accepted-and-later pledges' companies: world.company (verified); other_company only proposed
    assert figures.companies_engaged == 1


def test_missing_is_the_open_needs_gap(city):
    world, rows = city
    expected = sum(
        need.value_requested_cents - need.value_committed_cents
        for need in Need.objects.filter(pk__in=[rows["corvetto"].pk, rows["time"].pk, rows["duomo"].pk])
    )
    assert selectors.city_figures(city=world.city).missing_cents == expected
    assert expected == 60_000 + 2_000 + 50_000 - 30_000  # the proposed pledge holds its share already


def test_area_figures_count_only_the_area(city):
    world, rows = city
    corvetto, duomo = world.areas["35"], world.areas["1"]
    assert selectors.city_figures(city=world.city, area=corvetto).open_needs == 2
    assert selectors.city_figures(city=world.city, area=corvetto).value_verified_cents == 40_000
    assert selectors.city_figures(city=world.city, area=duomo).open_needs == 1
    assert selectors.city_figures(city=world.city, area=duomo).value_verified_cents == 0
    # the district (Municipio 4) holds CORVETTO's needs
    municipio = corvetto.parent
    assert selectors.city_figures(city=world.city, area=municipio).open_needs == 2
    assert [n.pk for n in selectors.area_needs(city=world.city, area=corvetto)] == [
        rows["corvetto"].pk,
        rows["time"].pk,
    ]
    assert [p.pk for p in selectors.latest_verified(actor=world.resident, city=world.city, area=corvetto)] == [
        rows["given"].pk
    ]
    assert selectors.latest_verified(actor=world.resident, city=world.city, area=duomo) == []


def test_officer_home(city):
    world, rows = city
    home = selectors.officer_home(city=world.city, on=TODAY)
    assert (home.to_review, home.to_accept, home.to_verify, home.overdue_steps) == (1, 1, 0, 0)
    stages = {stage.key: stage for stage in home.pipeline}
    published = 100_000 + 2_000 + 50_000
    assert (stages["published"].count, stages["published"].value_cents) == (3, published)
    assert (stages["pledged"].count, stages["pledged"].value_cents) == (1, 40_000)
    assert (stages["delivered"].count, stages["verified"].count) == (1, 1)
    assert stages["verified"].percent == round(100 * 40_000 / published)
    verbs = [event.verb for event in home.activity]
    assert verbs[0] == "pledge.propose" and "pledge.verify" in verbs and "need.publish" in verbs
    assert all(event.object_repr != "" for event in home.activity)


def test_officer_home_counts_overdue_steps(city):
    from cities4csr.instruments.models import ChecklistStep
    from cities4csr.instruments.tests.factories import AgreementFactory

    world, rows = city
    agreement = AgreementFactory(pledge=PledgeFactory(need=rows["duomo"], organisation=world.company, accepted=True))
    steps = ChecklistStep.objects.filter(agreement=agreement)
    if not steps.exists():
        pytest.skip("this agreement has no checklist step")
    step = steps.order_by("position").first()
    ChecklistStep.objects.filter(pk=step.pk).update(due_on=TODAY - datetime.timedelta(days=1), done_on=None)
    assert selectors.officer_home(city=world.city, on=TODAY).overdue_steps == 1
    assert selectors.officer_home(city=world.city, on=TODAY - datetime.timedelta(days=2)).overdue_steps == 0


def test_company_home(city):
    world, _rows = city
    on = timezone.localdate()
    home = selectors.company_home(city=world.city, organisation=world.company, on=on)
    assert (home.given.verified, home.given.value_cents, home.given.pledged) == (1, 40_000, 1)
    assert home.by_state == {"verified": 1}
    assert home.open_invitations == 0
    last_year = on.replace(year=on.year - 1)
    assert selectors.given_this_year(city=world.city, organisation=world.company, on=last_year).value_cents == 0


def test_company_hours_count_time_and_expertise(city):
    world, rows = city
    pledge = PledgeFactory(need=rows["time"], organisation=world.company, items=[(rows["time"].lines.get(), 6)])
    deliver(world, pledge, verify=True)
    given = selectors.given_this_year(city=world.city, organisation=world.company, on=timezone.localdate())
    assert (given.hours, given.verified, given.value_cents) == (6, 2, 40_000 + 1_200)


def test_partner_home(city):
    world, rows = city
    home = selectors.partner_home(city=world.city, organisation=world.third_sector)
    assert (home.needs, home.open_needs, home.requested_cents, home.received_cents) == (1, 1, 2_000, 0)
    assert [need.pk for need in home.proposals] == [rows["time"].pk]
    pledge = PledgeFactory(need=rows["time"], organisation=world.company, items=[(rows["time"].lines.get(), 10)])
    deliver(world, pledge)
    home = selectors.partner_home(city=world.city, organisation=world.third_sector)
    assert (home.received, home.received_cents, home.committed_cents) == (1, 2_000, 2_000)
    assert [p.pk for p in home.contributions] == [pledge.pk]


def test_admin_home(city):
    world, _rows = city
    home = selectors.admin_home(city=world.city, now=timezone.now())
    assert home.people == {"admin": 1, "officer": 1, "volunteer": 1}
    assert home.deactivated == 0 and home.invitations_open == 0
    assert set(home.weights) == {"theme", "resource", "proximity", "timing", "equity"}
    # the factories' organisations carry no identifier; the city hall is not checked
    unchecked = Organisation.objects.filter(city=world.city).exclude(kind=Organisation.Kind.PUBLIC_BODY).count()
    assert home.to_verify == unchecked > 0
    named = OrganisationFactory(city=world.city, name="Con partita IVA", vat_number="IT00743110157")
    home = selectors.admin_home(city=world.city, now=timezone.now())
    assert named.pk not in [o.pk for o in home.organisations_to_verify]
    assert home.to_verify == unchecked


def test_volunteer_needs(city):
    world, rows = city
    count, needs = selectors.volunteer_needs(city=world.city)
    assert (count, [n.pk for n in needs]) == (1, [rows["time"].pk])


def test_homes_of_and_landing(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    assert [(h.city, h.homes) for h in selectors.homes_of(user=milan.officer)] == [(milan.city, ["officer"])]
    assert selectors.homes_of(user=milan.admin)[0].homes == ["admin", "officer"]
    assert selectors.homes_of(user=milan.representative)[0].homes == ["company"]
    assert selectors.homes_of(user=milan.third_sector_representative)[0].homes == ["partner"]
    assert selectors.homes_of(user=milan.volunteer)[0].homes == ["volunteer"]
    assert selectors.homes_of(user=milan.resident) == []
    # a person with a part in both cities: the chooser
    from cities4csr.organisations.tests.factories import with_role

    with scopes_disabled():
        both = with_role(milan.city, "officer")
        from cities4csr.organisations.services import city_role_grant

        city_role_grant(actor=None, city=nantes.city, user=both, role="volunteer")
    assert {h.city.slug for h in selectors.homes_of(user=both)} == {milan.city.slug, nantes.city.slug}
    assert selectors.landing_url(user=both) == "/en/me/"
    assert selectors.landing_url(user=both, city_slug=nantes.city.slug, reading="fr").endswith(
        f"/{nantes.city.slug}/workspace/volunteer/"
    )
    assert selectors.landing_url(user=milan.resident) == "/en/"
    assert selectors.landing_url(user=milan.resident, city_slug=milan.city.slug) is None
