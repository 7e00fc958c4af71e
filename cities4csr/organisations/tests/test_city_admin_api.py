"""The city administration's API: roles listed and changed, invitations sent, admins only."""

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.organisations.models import CityInvitation, CityRole


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_roles_are_listed_for_the_city_admin_only(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    url = f"/api/v1/cities/{milan.city.slug}/roles/"
    rows = client_of(milan.admin).get(url).json()
    emails = {row["email"] for row in rows["results"]} if isinstance(rows, dict) else {row["email"] for row in rows}
    assert {milan.admin.email, milan.officer.email, milan.volunteer.email} <= emails
    assert nantes.officer.email not in emails
    for who in (milan.officer, nantes.admin):
        assert client_of(who).get(url).status_code == 403
    assert Client().get(url).status_code in (401, 403)


@pytest.mark.django_db
def test_an_invitation_through_the_api(two_cities, django_capture_on_commit_callbacks):
    milan = two_cities.milan
    url = f"/api/v1/cities/{milan.city.slug}/role-invitations/"
    client = client_of(milan.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "api@comune.example", "role": "officer"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "email", "role", "language", "expires_at"}  # never the link
    assert mail.outbox[0].to == ["api@comune.example"]
    refused = client.post(url, {"email": milan.officer.email, "role": "officer"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["codes"] == {"email": ["role_held"]}
    denied = client_of(milan.officer).post(
        url, {"email": "x@y.example", "role": "admin"}, content_type="application/json"
    )
    assert denied.status_code == 403
    with scopes_disabled():
        assert CityInvitation.objects.count() == 1


@pytest.mark.django_db
def test_a_role_is_changed_and_deactivated_but_the_last_admin_kept(two_cities):
    milan = two_cities.milan
    client = client_of(milan.admin)
    with scopes_disabled():
        officer_role = CityRole.objects.get(user=milan.officer)
        admin_role = CityRole.objects.get(user=milan.admin)
    base = f"/api/v1/cities/{milan.city.slug}/roles"
    response = client.patch(
        f"{base}/{officer_role.pk}/", {"role": "volunteer", "is_active": False}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["role"] == "volunteer"
    assert response.json()["is_active"] is False
    refused = client.patch(f"{base}/{admin_role.pk}/", {"is_active": False}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["codes"] == {"role": ["last_admin"]}
    with scopes_disabled():
        nantes_role = CityRole.objects.get(user=two_cities.nantes.officer)
    assert (
        client.patch(f"{base}/{nantes_role.pk}/", {"role": "admin"}, content_type="application/json").status_code == 404
    )
