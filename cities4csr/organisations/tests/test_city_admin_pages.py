"""The city administration's pages: only the city's admins, every write through a service,
errors beside the fields, in it, en and fr."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import CityRole

TITLES = {"it": "Persone e ruoli", "en": "People and roles", "fr": "Personnes et rôles"}
SETTINGS = {"it": "Impostazioni della città", "en": "City settings", "fr": "Paramètres de la ville"}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_admin_pages_in_three_languages(two_cities, lang):
    milan = two_cities.milan
    client = client_of(milan.admin)
    body = client.get(f"/{lang}/{milan.city.slug}/manage/people/").content.decode()
    assert TITLES[lang] in body and milan.officer.email in body
    body = client.get(f"/{lang}/{milan.city.slug}/manage/settings/").content.decode()
    assert SETTINGS[lang] in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "representative", "resident"])
def test_only_the_city_admin_opens_them(two_cities, who):
    milan, nantes = two_cities.milan, two_cities.nantes
    for url in (f"/en/{milan.city.slug}/manage/people/", f"/en/{milan.city.slug}/manage/settings/"):
        assert client_of(getattr(milan, who)).get(url).status_code == 403
        assert client_of(nantes.admin).get(url).status_code == 403
        assert Client().get(url).status_code == 403


@pytest.mark.django_db
def test_inviting_from_the_page_sends_the_email_and_errors_stay_beside_the_field(
    two_cities, django_capture_on_commit_callbacks
):
    milan = two_cities.milan
    client = client_of(milan.admin)
    url = f"/it/{milan.city.slug}/manage/people/"
    response = client.post(url, {"email": milan.officer.email, "role": "officer", "language": "it"})
    assert response.status_code == 200
    assert "ha già questo ruolo nella città" in response.content.decode()
    assert response.context["form"].errors["email"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nuova@comune.example", "role": "volunteer", "language": "fr"})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["nuova@comune.example"]
    assert "vous invite" in mail.outbox[0].body  # in the language chosen for the invitation


@pytest.mark.django_db
def test_changing_and_deactivating_roles_from_the_page(two_cities):
    milan = two_cities.milan
    client = client_of(milan.admin)
    with scopes_disabled():
        officer_role = CityRole.objects.get(user=milan.officer)
        admin_role = CityRole.objects.get(user=milan.admin)
    base = f"/en/{milan.city.slug}/manage/people/roles"
    client.post(f"{base}/{officer_role.pk}/", {f"role{officer_role.pk}-role": "volunteer"})
    client.post(f"{base}/{officer_role.pk}/deactivate/")
    officer_role.refresh_from_db()
    assert (officer_role.role, officer_role.is_active) == ("volunteer", False)
    response = client.post(f"{base}/{admin_role.pk}/deactivate/", follow=True)
    assert "the city&#x27;s only administrator" in response.content.decode()
    admin_role.refresh_from_db()
    assert admin_role.is_active
    # a role of another city is not found from this one
    with scopes_disabled():
        nantes_role = CityRole.objects.get(user=two_cities.nantes.officer)
    assert client.post(f"{base}/{nantes_role.pk}/deactivate/").status_code == 404


@pytest.mark.django_db
def test_the_invitation_link_makes_an_account_and_logs_in(two_cities, django_capture_on_commit_callbacks):
    milan = two_cities.milan
    with django_capture_on_commit_callbacks(execute=True):
        client_of(milan.admin).post(
            f"/en/{milan.city.slug}/manage/people/", {"email": "capo@comune.example", "role": "admin", "language": "en"}
        )
    path = re.search(r"https?://[^/\s]+(/\S+/invitations/\S+/)", mail.outbox[0].body).group(1)
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "capo@comune.example" in page.content.decode()
    fields = {"first_name": "Capo", "last_name": "Nuovo", "password1": "Sicura-2026!", "password2": "Sicura-2026!"}
    response = visitor.post(path, {**fields, "password1": "123"})
    assert response.status_code == 200 and response.context["form"].errors  # beside the fields, nothing written
    assert not User.objects.filter(email="capo@comune.example").exists()
    response = visitor.post(path, fields)
    assert response.status_code == 302 and response["Location"].endswith("/manage/people/")
    assert visitor.get(response["Location"]).status_code == 200  # logged in, as the city's admin
    assert visitor.get(path).status_code == 410  # accepted once


@pytest.mark.django_db
def test_the_settings_page_saves_through_the_service_and_refuses_bad_values(two_cities):
    milan = two_cities.milan
    client = client_of(milan.admin)
    url = f"/fr/{milan.city.slug}/manage/settings/"
    weights = {"weight_theme": "0.2", "weight_resource": "0.2", "weight_proximity": "0.2", "weight_timing": "0"}
    response = client.post(
        url,
        {"languages": ["it", "en"], "default_language": "fr", "theme": "bootstrap", **weights, "weight_equity": "2"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"default_language", "weight_equity"}
    assert "une des langues de la ville" in errors["default_language"][0]
    response = client.post(
        url,
        {"languages": ["it", "en"], "default_language": "it", "theme": "bootstrap", **weights, "weight_equity": "0.4"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        city = City.objects.get(pk=milan.city.pk)
        assert city.languages == ["it", "en"] and city.settings.matching["equity"] == 0.4
        assert AuditEvent.objects.filter(city=city, verb="city.settings", actor=milan.admin).exists()


@pytest.mark.django_db
def test_someone_with_an_account_logs_in_then_accepts(two_cities, django_capture_on_commit_callbacks):
    milan = two_cities.milan
    resident = milan.resident
    with django_capture_on_commit_callbacks(execute=True):
        client_of(milan.admin).post(
            f"/en/{milan.city.slug}/manage/people/", {"email": resident.email, "role": "volunteer", "language": "en"}
        )
    path = re.search(r"https?://[^/\s]+(/\S+/invitations/\S+/)", mail.outbox[0].body).group(1)
    anonymous = Client()
    page = anonymous.get(path).content.decode()
    assert "already exists: log in with it" in page and "/accounts/login/?next=" in page
    anonymous.post(path)  # no password form for an existing account: nothing happens
    with scopes_disabled():
        assert not CityRole.objects.filter(user=resident, role="volunteer").exists()
    other = client_of(milan.officer)
    other.post(path)  # logged in as someone else: refused
    with scopes_disabled():
        assert not CityRole.objects.filter(user=resident, role="volunteer").exists()
    owner = client_of(resident)
    assert "Accept the invitation" in owner.get(path).content.decode()
    assert owner.post(path).status_code == 302
    with scopes_disabled():
        assert CityRole.objects.filter(user=resident, role="volunteer", is_active=True).exists()
