"""The Django admin, scoped per city: a Milan admin sees and changes Milan's rows only, through
the lists, the change pages and the related-field lookups and autocomplete; a superuser sees all."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_scopes import scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.core.models import AuditEvent
from cities4csr.needs.models import Theme
from cities4csr.organisations.models import CityRole, Organisation


@pytest.fixture
def admins(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    client = Client()
    client.force_login(User.objects.get(pk=milan.admin.pk))
    return client, milan, nantes


@pytest.mark.django_db
def test_a_city_admin_is_staff_and_an_officer_is_not(two_cities):
    assert User.objects.get(pk=two_cities.milan.admin.pk).is_staff
    officer = Client()
    officer.force_login(two_cities.milan.officer)
    assert officer.get("/admin/organisations/organisation/").status_code == 302  # to the admin's login


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "milan_row", "nantes_row"),
    [
        ("organisations/organisation", lambda w: w.company.name, lambda w: w.company.name),
        ("cities/city", lambda w: w.city.name, lambda w: w.city.name),
        ("cities/area", lambda w: next(iter(w.areas.values())).name, None),
        ("organisations/cityrole", lambda w: w.officer.email, lambda w: w.officer.email),
        ("needs/theme", None, None),
        ("core/auditevent", lambda w: w.company.name, lambda w: w.company.name),
    ],
)
def test_lists_show_only_the_admins_city(admins, url, milan_row, nantes_row):
    client, milan, nantes = admins
    response = client.get(f"/admin/{url}/")
    assert response.status_code == 200
    body = response.content.decode()
    if milan_row:
        assert escape(milan_row(milan)) in body
    if nantes_row:
        assert escape(nantes_row(nantes)) not in body
    assert escape(nantes.city.name) not in body  # not even in the list filters
    assert "Nantes" not in body


@pytest.mark.django_db
def test_another_citys_row_cannot_be_opened_or_changed(admins):
    client, milan, nantes = admins
    url = reverse("admin:organisations_organisation_change", args=[nantes.company.pk])
    assert client.get(url).status_code == 302  # Django's admin: "does not exist", back to the index
    response = client.post(url, {"name": "Presa", "kind": "company", "city": nantes.city.pk})
    assert response.status_code in (302, 403)
    with scopes_disabled():
        assert Organisation.objects.get(pk=nantes.company.pk).name == nantes.company.name
    theme = Theme.objects.with_scopes_disabled().filter(city=nantes.city).first()
    assert client.get(reverse("admin:needs_theme_change", args=[theme.pk])).status_code == 302


@pytest.mark.django_db
def test_a_city_admin_changes_their_citys_row_and_it_is_audited(admins):
    client, milan, nantes = admins
    url = reverse("admin:organisations_organisation_change", args=[milan.company.pk])
    page = client.get(url)
    assert page.status_code == 200
    choices = page.context["adminform"].form.fields["city"].queryset
    assert list(choices) == [milan.city]  # the city field offers the admin's city only
    response = client.post(
        url, {"name": "Impresa rinominata", "kind": "company", "city": milan.city.pk, "description": "x"}
    )
    assert response.status_code == 302, response.content[:2000]
    with scopes_disabled():
        assert Organisation.objects.get(pk=milan.company.pk).name == "Impresa rinominata"
        assert AuditEvent.objects.filter(city=milan.city, verb="admin.change", actor=milan.admin).exists()
    # moving the row to Nantes is refused by the form
    response = client.post(url, {"name": "Fuga", "kind": "company", "city": nantes.city.pk, "description": "x"})
    assert response.status_code == 200 and response.context["adminform"].form.errors["city"]


@pytest.mark.django_db
def test_autocomplete_and_lookups_offer_only_the_admins_city(admins):
    client, milan, nantes = admins
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "organisations", "model_name": "site", "field_name": "organisation", "term": ""},
    )
    assert response.status_code == 200
    names = {row["text"] for row in json.loads(response.content)["results"]}
    assert milan.company.name in names and nantes.company.name not in names and names
    response = client.get(
        "/admin/autocomplete/", {"app_label": "cities", "model_name": "area", "field_name": "parent", "term": ""}
    )
    texts = {row["text"] for row in json.loads(response.content)["results"]}
    assert texts and all(str(a) in texts for a in milan.areas.values())
    assert not any(str(a) in texts for a in nantes.areas.values())
    # the raw-id lookup popup is the related changelist: scoped as well
    body = client.get("/admin/organisations/organisation/?_to_field=id&_popup=1").content.decode()
    assert escape(milan.company.name) in body and "Nantes" not in body
    # people: the user choices of a membership are the city's people, not every account
    page = client.get(reverse("admin:cities_indicator_changelist"))
    assert page.status_code == 200


@pytest.mark.django_db
def test_roles_and_people_are_read_only_for_city_admins_and_users_hidden(admins):
    client, milan, nantes = admins
    role = CityRole.objects.with_scopes_disabled().get(user=milan.officer)
    url = reverse("admin:organisations_cityrole_change", args=[role.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"user": milan.officer.pk, "role": "admin", "city": milan.city.pk, "is_active": "on"})
    role.refresh_from_db()
    assert role.role == "officer"
    assert client.get("/admin/accounts/user/").status_code == 403


@pytest.mark.django_db
def test_a_superuser_sees_every_city(two_cities):
    root = User.objects.create_superuser("root@example.org", "x")
    client = Client()
    client.force_login(root)
    body = client.get("/admin/organisations/organisation/").content.decode()
    assert escape(two_cities.milan.company.name) in body and escape(two_cities.nantes.company.name) in body
