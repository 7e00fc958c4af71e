"""Pledge input is checked once, in the service; a named partner joins only by accepting; a form
posted twice makes one pledge; a repeated transition changes nothing; no transition takes an
instrument."""

import pytest
from django.test import Client

from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import ResourceKind
from cities4csr.organisations.models import Membership, Organisation
from cities4csr.pledges.models import Pledge, PledgePartner
from cities4csr.pledges.services import pledge_propose, pledge_transition
from conftest import demo_user


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def money_line(need):
    return need.lines.get(kind=ResourceKind.MONEY)


@pytest.fixture
def partner_rep(in_milano):
    """Fondazione Cariplo's representative, with a verified address."""
    from allauth.account.models import EmailAddress

    from cities4csr.accounts.models import User

    partner = Organisation.objects.get(name="Fondazione Cariplo")
    user = User.objects.create_user(email="csr@cariplo.example", password="x")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(city=partner.city, organisation=partner, user=user, role=Membership.Role.REPRESENTATIVE)
    return user, partner


@pytest.mark.django_db
def test_the_api_refuses_a_lead_as_its_own_partner_with_the_forms_message_and_a_code(corvetto_need, company_rep):
    rep, company = company_rep
    line = money_line(corvetto_need)
    before = Pledge.objects.count()
    api = client_for(rep).post(
        "/api/v1/cities/milano/pledges/",
        {
            "need": corvetto_need.pk,
            "organisation": company.pk,
            "partners": [company.pk],
            "items": [{"line": line.pk, "quantity": 1000}],
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["codes"] == {"partners": ["lead_is_partner"]}
    message = api.json()["partners"][0]
    page = client_for(rep).post(
        f"/en/milano/needs/{corvetto_need.pk}/pledge/",
        {"organisation": company.pk, "partners": [company.pk], f"line_{line.pk}": "10"},
    )
    assert page.status_code == 400 and message in page.content.decode()
    assert Pledge.objects.count() == before


@pytest.mark.django_db
def test_api_errors_carry_stable_codes_for_lines(corvetto_need, company_rep, users):
    rep, company = company_rep
    other_line = (
        corvetto_need.__class__.objects.exclude(pk=corvetto_need.pk).filter(lines__isnull=False).first().lines.first()
    )
    line = money_line(corvetto_need)
    post = lambda items: client_for(rep).post(  # noqa: E731
        "/api/v1/cities/milano/pledges/",
        {"need": corvetto_need.pk, "organisation": company.pk, "items": items},
        content_type="application/json",
    )
    assert post([{"line": other_line.pk, "quantity": 1}]).json()["codes"] == {"items": ["unknown_line"]}
    twice = post([{"line": line.pk, "quantity": 1}, {"line": line.pk, "quantity": 2}])
    assert twice.json()["codes"] == {"items": ["duplicate_line"]}
    too_much = post([{"line": line.pk, "quantity": line.quantity + 1}])
    assert too_much.status_code == 400 and too_much.json()["codes"] == {"non_field_errors": ["over_commit"]}


@pytest.mark.django_db
def test_a_partner_named_without_consent_appears_nowhere_until_it_accepts(corvetto_need, company_rep, partner_rep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.pledges.services import evidence_add
    from cities4csr.pledges.tests.test_pledges import PNG

    rep, company = company_rep
    partner_user, partner = partner_rep
    officer = demo_user("milano", "officer")
    pledge = pledge_propose(
        actor=rep,
        need=corvetto_need,
        organisation=company,
        items=[(money_line(corvetto_need), 100_000)],
        partners=[partner],
    )
    pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    evidence_add(actor=rep, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    pledge_transition(actor=rep, pledge=pledge, to=Pledge.State.DELIVERED)
    pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.VERIFIED)

    def shown():
        anonymous = client_for()
        partner_page = anonymous.get(f"/en/milano/organisations/{partner.pk}/").content.decode()
        need_page = anonymous.get(f"/en/milano/needs/{corvetto_need.pk}/").content.decode()
        return corvetto_need.title in partner_page, partner.name in need_page

    assert shown() == (False, False)
    # the partner sees the invitation in its workspace, and only it
    workspace = client_for(partner_user).get(f"/en/milano/workspace/company/?organisation={partner.pk}")
    assert "Invitations to pledge together" in workspace.content.decode()
    other = client_for(users_rep := rep).post(
        f"/api/v1/cities/milano/pledges/{pledge.pk}/partners/{partner.pk}/transition/",
        {"to": "accepted"},
        content_type="application/json",
    )
    assert other.status_code == 403 and users_rep  # the lead cannot accept for its partner
    answer = client_for(partner_user).post(
        f"/en/milano/pledges/{pledge.pk}/partners/{partner.pk}/transition/", {"to": "accepted"}
    )
    assert answer.status_code == 302
    assert PledgePartner.objects.get(pledge=pledge).state == PledgePartner.State.ACCEPTED
    assert shown()[0] is True


@pytest.mark.django_db
def test_a_partner_declines_through_the_api_and_a_repeat_is_a_conflict(corvetto_need, company_rep, partner_rep):
    rep, company = company_rep
    partner_user, partner = partner_rep
    pledge = pledge_propose(
        actor=rep,
        need=corvetto_need,
        organisation=company,
        items=[(money_line(corvetto_need), 100_000)],
        partners=[partner],
    )
    url = f"/api/v1/cities/milano/pledges/{pledge.pk}/partners/{partner.pk}/transition/"
    client = client_for(partner_user)
    first = client.post(url, {"to": "declined"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["partners"] == [{"organisation": partner.pk, "state": "declined"}]
    again = client.post(url, {"to": "declined"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["codes"] == {"non_field_errors": ["already"]}


@pytest.mark.django_db
def test_a_form_posted_twice_makes_one_pledge(corvetto_need, company_rep):
    rep, company = company_rep
    line = money_line(corvetto_need)
    client = client_for(rep)
    page = client.get(f"/en/milano/needs/{corvetto_need.pk}/").content.decode()
    key = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    assert len(key) == 32
    form = {"organisation": company.pk, "is_public": "on", f"line_{line.pk}": "1000", "idempotency_key": key}
    first = client.post(f"/en/milano/needs/{corvetto_need.pk}/pledge/", form)
    second = client.post(f"/en/milano/needs/{corvetto_need.pk}/pledge/", form)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Pledge.objects.filter(need=corvetto_need).count() == 1
    line.refresh_from_db()
    assert line.committed == 100_000
    # through the API, the Idempotency-Key header
    body = {"need": corvetto_need.pk, "organisation": company.pk, "items": [{"line": line.pk, "quantity": 500}]}
    api = [
        client.post("/api/v1/cities/milano/pledges/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
        for _ in range(2)
    ]
    assert api[0].json()["id"] == api[1].json()["id"]
    assert Pledge.objects.filter(need=corvetto_need).count() == 2


@pytest.mark.django_db
def test_a_repeated_transition_says_so_and_changes_nothing(corvetto_need, company_rep, users):
    rep, company = company_rep
    officer = users["milano", "officer"]
    pledge = pledge_propose(actor=rep, need=corvetto_need, organisation=company, items=[(money_line(corvetto_need), 1)])
    client = client_for(officer)
    url = f"/en/milano/pledges/{pledge.pk}/transition/"
    client.post(url, {"to": "accepted"})
    events = AuditEvent.objects.filter(object_type="pledges.pledge", object_id=str(pledge.pk)).count()
    again = client.post(url, {"to": "accepted"}, follow=True)
    assert "already “Accepted”: nothing was changed" in again.content.decode()
    italian = client.post(f"/it/milano/pledges/{pledge.pk}/transition/", {"to": "accepted"}, follow=True)
    assert "nothing was changed" not in italian.content.decode()
    api = client.post(
        f"/api/v1/cities/milano/pledges/{pledge.pk}/transition/", {"to": "accepted"}, content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["codes"] == {"non_field_errors": ["already"]}
    assert AuditEvent.objects.filter(object_type="pledges.pledge", object_id=str(pledge.pk)).count() == events


@pytest.mark.django_db
def test_no_transition_changes_the_instrument_through_page_or_api(corvetto_need, company_rep, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cities4csr.instruments.adapters import answers_from_pledge
    from cities4csr.instruments.services import agreement_confirm
    from cities4csr.instruments.tests.conftest import SPONSORSHIP
    from cities4csr.pledges.services import evidence_add
    from cities4csr.pledges.tests.test_pledges import PNG

    rep, company = company_rep
    officer = users["milano", "officer"]
    pledge = pledge_propose(
        actor=rep, need=corvetto_need, organisation=company, items=[(money_line(corvetto_need), 500_000)]
    )
    pledge_transition(actor=officer, pledge=pledge, to=Pledge.State.ACCEPTED)
    agreement_confirm(
        actor=officer, pledge=pledge, answers={**answers_from_pledge(pledge), **SPONSORSHIP}, instrument="sponsorship"
    )
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.AGREED
    client_for(rep).post(f"/en/milano/pledges/{pledge.pk}/transition/", {"to": "in_delivery", "instrument": "donation"})
    evidence_add(actor=rep, pledge=pledge, kind="photo", file=SimpleUploadedFile("p.png", PNG))
    api = client_for(rep).post(
        f"/api/v1/cities/milano/pledges/{pledge.pk}/transition/",
        {"to": "delivered", "instrument": "donation"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["instrument"] == "sponsorship"
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.DELIVERED
    assert pledge.agreement.instrument == "sponsorship"
    shown = client_for(rep).get(f"/api/v1/cities/milano/pledges/{pledge.pk}/").json()
    assert shown["instrument"] == "sponsorship"
