"""A private organisation (``is_public=False``) and its offers reach only the city's officers
and its own members: walking every page and API route of the city as an anonymous visitor,
as another city's officer and as another company's representative, no private row appears in
any list, detail, map, export or choice; the pledge form and the API refuse it as a partner.
"""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django_scopes import scope

from cities4csr.accounts.models import User
from cities4csr.needs.models import Need
from cities4csr.offers.services import offer_create
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.organisations.selectors import organisation_get, organisations_visible, partners_choosable
from cities4csr.organisations.services import membership_add, organisation_create, site_add
from cities4csr.pledges.models import Pledge
from cities4csr.pledges.services import pledge_propose

from .test_tenancy import city_urls, fill

NAME = "Riservata Offerte S.r.l."
SECRETS = [NAME, "Offerta riservata ai soci", "Stabilimento riservato", "socio@riservata.example"]


@pytest.fixture
def private(milano, users):
    """A private Milan company with a member, a site, an offer and a named, accepted pledge
    on a published need. Returns (organisation, its member, the need)."""
    with scope(city=milano.pk):
        member = User.objects.create(email="socio@riservata.example")
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        secret = organisation_create(
            actor=None, city=milano, name=NAME, kind=Organisation.Kind.COMPANY, is_public=False
        )
        membership_add(actor=None, organisation=secret, user=member, role=Membership.Role.REPRESENTATIVE)
        site_add(actor=None, organisation=secret, label="Stabilimento riservato", lat=45.4403, lon=9.2235)
        offer_create(
            actor=None, organisation=secret, kind="money", label="Offerta riservata ai soci", quantity=5_000_00
        )
        need = Need.objects.filter(state=Need.State.PUBLISHED).order_by("pk").first()
        pledge = pledge_propose(
            actor=None, need=need, organisation=secret, is_public=True, items=[(need.lines.first(), 1)]
        )
        Pledge.objects.filter(pk=pledge.pk).update(state=Pledge.State.ACCEPTED)
        _a_volunteering_day(milano, secret, member)
    return secret, member, need


def _a_volunteering_day(city, company, member):
    """An open activity that is the private company's volunteering day, its member signed up."""
    from types import SimpleNamespace

    from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

    host = (
        Organisation.objects.filter(city=city)
        .exclude(kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION])
        .order_by("pk")
        .first()
    )
    activity = an_activity(SimpleNamespace(city=city, third_sector=host), slug="giornata-riservata", company=company)
    a_registration(a_slot(activity), member, company=company)


def _outsiders(users):
    """Who must see nothing of it: nobody, another city's officer, another Milan company's representative."""
    nantes, rep = Client(), Client()
    nantes.force_login(users["nantes", "officer"])
    rep.force_login(users["milano", "representative"])  # of another (public) company
    return {"anonymous": Client(), "nantes officer": nantes, "other company's representative": rep}


@pytest.mark.django_db
def test_no_private_organisation_or_offer_reaches_outsiders_on_any_route(private, users):
    secret, _member, need = private
    params = {
        "pk": {"organisations": secret.pk, "needs": need.pk},
        "organisation_pk": secret.pk,
        "line_pk": 0,
        "site_pk": 0,
        "evidence_pk": 0,
        "group_pk": 0,
        "fund_pk": 0,
        "kind": "nil",
        "code": "35",
        "number": 1,
        "update_pk": 0,
        "token": "not-a-token",
        "access_token": "not-a-token",
        "slug": {"funds": "milano-aiuta", "campaigns": "milano-aiuta", "volunteering": "giornata-riservata"},
    }
    routes = city_urls()
    assert any("offers" in r for r in routes) and any("organisations" in r for r in routes)
    leaks, seen = [], 0
    for who, client in _outsiders(users).items():
        for route in routes:
            url = fill(route, "milano", params)
            # the defaults, every row at once (nothing hidden on a later page), and a search for it
            for query in ("", "?limit=100000", f"?q={NAME[:9]}&kind=company"):
                response = client.get(url + query)
                seen += response.status_code == 200
                body = _text(response)
                found = [s for s in SECRETS if s in body]
                if found:
                    leaks.append(f"{who} GET {url}{query}: {found}")
                if response.status_code >= 500:
                    leaks.append(f"{who} GET {url}{query}: {response.status_code}")
    assert seen > 40  # the walk really read pages and lists
    assert leaks == [], "\n".join(leaks)


@pytest.mark.django_db
def test_officers_and_members_do_see_it(private, users):
    secret, member, need = private
    for user in (users["milano", "officer"], users["milano", "admin"], member):
        client = Client()
        client.force_login(user)
        offers = client.get("/api/v1/cities/milano/offers/?limit=100000").json()
        offers = offers.get("results", offers)
        assert secret.pk in {o["organisation"] for o in offers}, user
        assert NAME in client.get("/api/v1/cities/milano/organisations/?q=Riservata").content.decode(), user
        assert client.get(f"/api/v1/cities/milano/organisations/{secret.pk}/").status_code == 200, user
        assert NAME in client.get(f"/it/milano/organisations/{secret.pk}/").content.decode(), user
        assert NAME in client.get(f"/it/milano/needs/{need.pk}/").content.decode(), user  # who is helping


@pytest.mark.django_db
def test_the_selectors_apply_one_rule(private, users):
    secret, member, _need = private
    with scope(city=secret.city_id):
        for user, sees in [
            (users["milano", "representative"], False),
            (users["milano", "volunteer"], False),
            (users["nantes", "admin"], False),
            (users["milano", "officer"], True),
            (member, True),
        ]:
            assert (secret in organisations_visible(actor=user, city=secret.city)) is sees, user
            assert (secret in partners_choosable(actor=user, city=secret.city)) is sees, user
            assert user.has_perm("organisations.view_organisation", secret) is sees, user
            if not sees:
                with pytest.raises(Exception, match="No such organisation"):
                    organisation_get(actor=user, city=secret.city, pk=secret.pk)


@pytest.mark.django_db
def test_a_private_organisation_cannot_be_named_partner_by_an_outsider(private, users):
    secret, _member, need = private
    rep = users["milano", "representative"]
    client = Client()
    client.force_login(rep)
    page = client.get(f"/it/milano/needs/{need.pk}/").content.decode()
    assert 'name="partners"' in page  # the form is there, with its partner choices
    assert f'value="{secret.pk}"' not in page and NAME not in page
    with scope(city=need.city_id):
        lead = rep.memberships.get().organisation
        line = need.lines.first()
        before = Pledge.objects.count()
    response = client.post(
        "/api/v1/cities/milano/pledges/",
        {
            "need": need.pk,
            "organisation": lead.pk,
            "partners": [secret.pk],
            "items": [{"line": line.pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "partners" in response.json()
    response = client.post(
        f"/it/milano/needs/{need.pk}/pledge/",
        {"organisation": lead.pk, "partners": [secret.pk], f"line_{line.pk}": 1, "is_public": "on"},
    )
    assert response.status_code == 400
    with scope(city=need.city_id):
        assert Pledge.objects.count() == before


def _text(response) -> str:
    """The whole body, streamed (a fund's ledger as CSV or JSON) or not."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")
