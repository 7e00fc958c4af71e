"""Every city's data stays in its city.

1. Every model is city-scoped or on an explicit allowlist of global models.
2. A scoped manager refuses to run outside a city scope.
3. Walking every URL of the site and the API: a Nantes user and an anonymous visitor get
   403 or 404, or a public page that shows none of Milan's private data, never more.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_scopes import ScopeError, scope, scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Need, Theme
from cities4csr.needs.services import line_add, need_create
from cities4csr.organisations.models import CityRole, Organisation
from cities4csr.organisations.services import membership_add, organisation_create, site_add
from cities4csr.pledges.services import pledge_propose

GLOBAL_MODELS = {
    # Django and third-party infrastructure
    "admin.logentry",
    "auth.permission",
    "auth.group",
    "contenttypes.contenttype",
    "sessions.session",
    "account.emailaddress",
    "account.emailconfirmation",
    "mfa.authenticator",  # a person's second factor, as global as the person
    "django_tasks_database.dbtaskresult",
    # Ours: a person has one account across cities; the city is the tenant itself.
    "accounts.user",
    "cities.city",
    "core.emailoptout",  # which e-mails a person wants: one choice for every city
    # the City again, as the admin's privacy settings page shows it (a proxy)
    "privacy.cityprivacy",
    # the record of erased accounts: global, as the accounts are (an account tied to no city is
    # erased too); each city the account was tied to also has its own audit event
    "privacy.erasure",
}


def test_every_model_is_city_scoped_or_allowlisted():
    unscoped = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in GLOBAL_MODELS:
            continue
        has_city = any(
            f.name == "city" and f.related_model and f.related_model._meta.label_lower == "cities.city"
            for f in model._meta.fields
        )
        manager_scoped = hasattr(model._default_manager, "with_scopes_disabled")
        if not (has_city and manager_scoped):
            unscoped.append(label)
    assert unscoped == []


@pytest.mark.django_db
def test_scoped_manager_refuses_unscoped_queries(milano, nantes):
    with pytest.raises(ScopeError):
        list(Organisation.objects.all())
    with scope(city=nantes.pk):
        assert not Organisation.objects.filter(city=milano).exists()
        assert all(o.city_id == nantes.pk for o in Organisation.objects.all())


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def city_urls():
    """Every route with a city in it, with its other parameters filled in from the fixture."""
    resolver = get_resolver()
    routes = []
    for route, _pattern in _walk(resolver.url_patterns):
        route = route.replace("^", "").replace("$", "")
        if "<slug:city_slug>" not in route:
            continue
        routes.append(route)
    return sorted(set(routes))


def fill(route, city, params):
    route = re.sub(r"\(\?P<language_override>[^)]*\)/?", "", route)
    url = "/" + route.replace("<slug:city_slug>", city)
    for key, value in params.items():
        if isinstance(value, dict):  # the id depends on the resource named before it
            value = next((v for noun, v in value.items() if f"/{noun}/<" in url), 0)
        url = re.sub(rf"<(\w+:)?{key}>", str(value), url)
    assert "<" not in url, url
    if not url.startswith(("/api/", "/admin/")):
        url = "/it" + url if not re.match(r"^/(it|en|fr)/", url) else url
    return url


@pytest.fixture
def milan_secrets(milano, users):
    """A private Milan organisation with a member and a site: nothing of it may leak."""
    with scope(city=milano.pk):
        secret = organisation_create(
            actor=None, city=milano, name="Segreta Holding S.p.A.", kind=Organisation.Kind.COMPANY, is_public=False
        )
        membership_add(actor=None, organisation=secret, user=users["milano", "representative"])
        site = site_add(actor=None, organisation=secret, label="Sede riservata", lat=45.4403, lon=9.2235)
        draft = need_create(actor=None, city=milano, owner=secret, title="Bisogno riservato", description="…")
        line = line_add(actor=None, need=draft, kind="money", label="Riga riservata", quantity=100)
        public_need = Need.objects.filter(state=Need.State.PUBLISHED).first()
        pledge = pledge_propose(
            actor=None,
            need=public_need,
            organisation=secret,
            is_public=False,
            message="Messaggio riservato",
            items=[(public_need.lines.first(), 1)],
        )
        from cities4csr.campaigns.services import campaign_create, matcher_save

        secret_campaign = campaign_create(
            actor=None,
            city=milano,
            slug="campagna-riservata",
            title="Campagna riservata",
            description="…",
            project="Progetto riservato",
            target_cents=100_000,
            deadline=timezone.now() + datetime.timedelta(days=10),
        )
        secret_matcher = matcher_save(actor=None, campaign=secret_campaign, organisation=secret, pool_cents=1_000)
        admin_role = CityRole.objects.filter(role=CityRole.Role.ADMIN).first()
        theme = Theme.objects.order_by("pk").first()
        fund = _a_fund_with_a_private_donor(milano, users["milano", "officer"])
        draft_activity, slot, registration = _volunteering_secrets(milano, secret)
        indicator, update = _result_secrets(milano, draft)
    ids = {
        "indicators": indicator.pk,
        "updates": update.pk,
        "slots": slot.pk,
        "registrations": registration.pk,
        "organisations": secret.pk,
        "needs": draft.pk,
        "pledges": pledge.pk,
        "roles": admin_role.pk,
        "themes": theme.pk,
        "matchers": secret_matcher.pk,
    }
    return {
        "pk": ids,
        "organisation_pk": secret.pk,
        "line_pk": line.pk,
        "site_pk": site.pk,
        "evidence_pk": 1,
        "group_pk": 1,
        "kind": "nil",
        "fund_pk": 1,
        "code": "35",
        "number": 1,
        "update_pk": update.pk,
        "token": "not-a-token",
        "access_token": "not-a-token",
        "slug": {
            "funds": fund.slug,
            "campaigns": secret_campaign.slug,
            "activities": draft_activity.slug,
            "volunteering": draft_activity.slug,
        },
    }, [
        "Attività riservata",
        "Nota riservata",
        "Volontaria Riservata",
        "Campagna riservata",
        "Segreta Holding",
        "Sede riservata",
        "Bisogno riservato",
        "Messaggio riservato",
        "Riga riservata",
        "Donatrice Riservata",
        "donatrice@riservata.example",
        "Indicatore riservato",
        "Valore riservato",
    ]


def _result_secrets(city, draft_need):
    """An indicator of the private company's draft need, with a value waiting for review."""
    import datetime

    from cities4csr.impact.services import update_create
    from cities4csr.impact.tests.factories import an_indicator

    indicator = an_indicator(city=city, need=draft_need, name="Indicatore riservato")
    update = update_create(
        actor=None,
        indicator=indicator,
        value=3,
        measured_on=datetime.date(2026, 1, 2),
        note="Valore riservato",
        submit=True,
    )
    return indicator, update


def _volunteering_secrets(city, company):
    """A draft activity (its title is the host's until it opens) and its slot; on an open one, an
    employee of the private ``company`` signed up with a note to the host: her name is for the
    host and her company only, the note for the host only."""
    from cities4csr.accounts.tests.factories import UserFactory
    from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

    host = (
        Organisation.objects.filter(city=city)
        .exclude(kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FOUNDATION])
        .order_by("pk")
        .first()
    )
    place = SimpleNamespace(city=city, third_sector=host)
    draft = an_activity(place, slug="attivita-riservata", title="Attività riservata", state="draft")
    draft_slot = a_slot(draft)
    open_slot = a_slot(an_activity(place, slug="attivita-aperta", title="Attività aperta"))
    volunteer = UserFactory(first_name="Volontaria", last_name="Riservata")
    registration = a_registration(open_slot, volunteer, company=company, note="Nota riservata")
    # the walk signs up on the draft's slot: refused. (A person of another city may sign up on an
    # open one: accounts are the network's, and volunteering is open to any registered person.)
    return draft, draft_slot, registration


def _a_fund_with_a_private_donor(city, officer):
    """A Milan fund with a citizen's gift received, her name not public (the public ledger says
    "a citizen"): her name and e-mail must reach no one."""
    import datetime

    from cities4csr.funds.models import Contribution
    from cities4csr.funds.services import contribution_create, contribution_receive, fund_create

    fund = fund_create(
        actor=officer,
        city=city,
        slug="fondo-riservato",
        title="Fondo di prova",
        purpose="Prova",
        opens_on=datetime.date(2026, 3, 1),
        iban="IT60X0542811101000000123456",
        beneficiary="Comune di Milano",
    )
    gift = contribution_create(
        actor=None,
        target=fund,
        amount_cents=2_000,
        donor_kind=Contribution.DonorKind.CITIZEN,
        donor_name="Donatrice Riservata",
        donor_email="donatrice@riservata.example",
    )
    contribution_receive(actor=None, contribution=gift)
    return fund


def clients(users):
    nantes_officer = Client()
    nantes_officer.force_login(users["nantes", "officer"])
    nantes_admin = Client()
    nantes_admin.force_login(users["nantes", "admin"])
    return {"nantes officer": nantes_officer, "nantes admin": nantes_admin, "anonymous": Client()}


@pytest.mark.django_db
def test_no_milan_private_data_reaches_nantes_users_or_anonymous(milan_secrets, users):
    params, secrets = milan_secrets
    routes = city_urls()
    assert len(routes) >= 15, routes  # the walk must really cover the site and the API
    with scopes_disabled():
        audit_before = AuditEvent.objects.count()
    leaks = []
    for who, client in clients(users).items():
        for route in routes:
            for city in ("milano", "nantes"):  # Milan's ids under Nantes' URL too
                url = fill(route, city, params)
                response = client.get(url)
                body = _text(response)
                if any(secret in body for secret in secrets):
                    leaks.append(f"{who} GET {url}: shows private data")
                # 400: a public endpoint refusing missing parameters (e.g. locate without lat/lon);
                # 405: a write-only endpoint
                if response.status_code not in (200, 400, 401, 403, 404, 405):
                    leaks.append(f"{who} GET {url}: {response.status_code}")
                if city != "milano":
                    continue  # Nantes users may of course write in Nantes
                for method in ("post", "patch", "put"):
                    response = getattr(client, method)(url, data={"name": "x"}, content_type="application/json")
                    # 400 is input refused before anything is looked up; the audit count below
                    # proves nothing was written either way
                    if response.status_code not in (400, 401, 403, 404, 405):
                        leaks.append(f"{who} {method.upper()} {url}: {response.status_code}")
    assert leaks == [], "\n".join(leaks)
    with scopes_disabled():
        assert AuditEvent.objects.count() == audit_before  # nothing was written


@pytest.mark.django_db
def test_unknown_city_is_404_everywhere(users):
    client = Client()
    for route in city_urls():
        assert client.get(
            fill(
                route,
                "atlantis",
                {
                    "pk": 1,
                    "organisation_pk": 1,
                    "line_pk": 1,
                    "site_pk": 1,
                    "evidence_pk": 1,
                    "group_pk": 1,
                    "kind": "nil",
                    "code": "1",
                    "fund_pk": 1,
                    "token": "x",
                    "access_token": "x",
                    "slug": "milano-aiuta",
                    "number": 1,
                    "update_pk": 1,
                },
            )
        ).status_code in (404, 405)


def _text(response) -> str:
    """The whole body, streamed (a fund's ledger as CSV or JSON) or not."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")
