"""Only a confirmed e-mail address receives a role (a city role or an organisation membership):
otherwise anyone could register a future colleague's address and receive their role."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django_scopes import scope, scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.core.models import AuditEvent
from cities4csr.demo.seed import ROLES, demo_email
from cities4csr.organisations.models import CityRole, Membership
from cities4csr.organisations.services import city_role_grant, membership_add

NOT_CONFIRMED = "has not confirmed this e-mail address yet"


@pytest.fixture
def newcomers(db):
    """An account never confirmed, one confirmed, and one that confirmed only another address."""
    unverified = User.objects.create_user("nuovo@collega.example")
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    verified = User.objects.create_user("confermato@collega.example")
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    other = User.objects.create_user("altro@collega.example")
    EmailAddress.objects.create(user=other, email="vecchio@collega.example", verified=True)
    return {"unverified": unverified, "verified": verified, "other address": other}


def _written():
    with scopes_disabled():
        return Membership.objects.count(), CityRole.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unverified", "other address"])
def test_the_services_refuse_an_unconfirmed_address(newcomers, company_rep, users, milano, who):
    rep, company = company_rep
    person = newcomers[who]
    before = _written()
    with pytest.raises(ValidationError) as error:
        membership_add(actor=rep, organisation=company, user=person, role=Membership.Role.REPRESENTATIVE)
    assert error.value.error_dict["email"][0].code == "email_not_verified"
    assert NOT_CONFIRMED in error.value.message_dict["email"][0]
    for role in CityRole.Role.values:
        with pytest.raises(ValidationError, match=NOT_CONFIRMED):
            city_role_grant(actor=users["milano", "admin"], city=milano, user=person, role=role)
    with pytest.raises(ValidationError, match=NOT_CONFIRMED):  # the system (seed, commands) too
        membership_add(actor=None, organisation=company, user=person)
    assert _written() == before


@pytest.mark.django_db
def test_the_services_give_a_role_to_a_confirmed_address(newcomers, company_rep, users, milano):
    rep, company = company_rep
    person = newcomers["verified"]
    membership_add(actor=rep, organisation=company, user=person)
    city_role_grant(actor=users["milano", "admin"], city=milano, user=person, role=CityRole.Role.OFFICER)
    with scope(city=milano.pk):
        assert Membership.objects.filter(user=person, organisation=company).exists()
        assert CityRole.objects.filter(user=person, role=CityRole.Role.OFFICER).exists()


@pytest.mark.django_db
def test_the_members_page_refuses_an_unconfirmed_address(newcomers, company_rep):
    rep, company = company_rep
    client = Client()
    client.force_login(rep)
    url = f"/en/milano/organisations/{company.pk}/members/"
    before = _written()
    response = client.post(url, {"email": "nuovo@collega.example", "role": "representative"})
    assert NOT_CONFIRMED in response.content.decode()
    assert _written() == before
    response = client.post(url, {"email": "confermato@collega.example", "role": "member"})
    assert response.status_code == 302
    with scope(city=company.city_id):
        assert Membership.objects.filter(user=newcomers["verified"], organisation=company).exists()


@pytest.mark.django_db
def test_the_api_refuses_an_unconfirmed_address_with_a_code(newcomers, company_rep):
    rep, company = company_rep
    client = Client()
    client.force_login(rep)
    url = f"/api/v1/cities/milano/organisations/{company.pk}/members/"
    before = _written()
    response = client.post(url, {"email": "nuovo@collega.example", "role": "representative"}, "application/json")
    assert response.status_code == 400
    assert response.json()["codes"] == {"email": ["email_not_verified"]}
    assert NOT_CONFIRMED in response.json()["email"][0]
    response = client.post(url, {"email": "nessuno@collega.example"}, "application/json")
    assert response.status_code == 400 and response.json()["codes"] == {"email": ["unknown_email"]}
    assert _written() == before
    response = client.post(url, {"email": "confermato@collega.example", "role": "member"}, "application/json")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "confermato@collega.example"
    assert "confermato@collega.example" in {m["email"] for m in client.get(url).json()}


@pytest.mark.django_db
def test_only_its_people_and_officers_see_or_add_members_through_the_api(newcomers, company_rep, users):
    _rep, company = company_rep
    url = f"/api/v1/cities/milano/organisations/{company.pk}/members/"
    assert Client().get(url).status_code == 401  # not signed in
    outsider = Client()
    outsider.force_login(users["milano", "volunteer"])
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, {"email": "confermato@collega.example"}, "application/json").status_code == 403
    officer = Client()
    officer.force_login(users["milano", "officer"])
    assert officer.get(url).status_code == 200


@pytest.mark.django_db
def test_the_demo_logins_have_confirmed_addresses(users):
    for slug in ("milano", "nantes"):
        for role in ROLES:
            assert EmailAddress.objects.filter(email=demo_email(slug, role), verified=True).exists(), (slug, role)
