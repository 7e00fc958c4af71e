"""API keys: hashed, named, expiring, revocable; a key acts as its owner, in its city only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from cities4csr.accounts.apikeys.models import ApiKey
from cities4csr.accounts.apikeys.services import api_key_create, api_key_revoke
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def key_for(user, city, **kwargs):
    with scopes_disabled():
        return api_key_create(actor=user, city=city, name=kwargs.pop("name", "reporting script"), **kwargs)


def api(key):
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


def test_only_a_hash_is_stored_and_the_key_is_shown_once(two_cities):
    milan = two_cities.milan
    api_key, key = key_for(milan.officer, milan.city)
    stored = ApiKey.objects.with_scopes_disabled().values().get(pk=api_key.pk)
    assert key not in str(stored)
    assert key.split(".", 1)[1] not in str(stored)
    assert stored["hashed_key"].startswith("sha512$$")
    assert stored["prefix"] == key.split(".", 1)[0]
    listed = Client()
    listed.force_login(milan.officer)
    body = listed.get(f"/api/v1/cities/{milan.city.slug}/api-keys/").json()
    assert [k["prefix"] for k in body["results"]] == [api_key.prefix]
    assert "key" not in body["results"][0] and key not in str(body)


def test_a_key_acts_with_its_owners_roles(two_cities):
    milan = two_cities.milan
    _, officer_key = key_for(milan.officer, milan.city)
    _, volunteer_key = key_for(milan.volunteer, milan.city)
    audit = f"/api/v1/cities/{milan.city.slug}/audit/"
    assert api(officer_key).get(audit).status_code == 200
    assert api(volunteer_key).get(audit).status_code == 403
    new = {"name": "Impresa creata via chiave", "kind": "company"}
    url = f"/api/v1/cities/{milan.city.slug}/organisations/"
    assert api(volunteer_key).post(url, new, content_type="application/json").status_code == 403
    response = api(officer_key).post(url, new, content_type="application/json")
    assert response.status_code == 201, response.json()
    with scopes_disabled():
        event = AuditEvent.objects.get(verb="organisation.create", object_id=str(response.json()["id"]))
        assert event.actor == milan.officer
        assert Organisation.objects.get(pk=response.json()["id"]).city == milan.city


def test_a_key_works_in_its_own_city_only(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    _, key = key_for(milan.officer, milan.city)
    response = api(key).get(f"/api/v1/cities/{nantes.city.slug}/needs/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    response = api(key).post(
        f"/api/v1/cities/{nantes.city.slug}/organisations/",
        {"name": "X", "kind": "company"},
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.parametrize("how", ["revoked", "expired", "wrong secret", "unknown prefix", "no dot"])
def test_a_revoked_expired_or_wrong_key_gets_401(two_cities, how):
    milan = two_cities.milan
    api_key, key = key_for(milan.officer, milan.city)
    url = f"/api/v1/cities/{milan.city.slug}/audit/"
    assert api(key).get(url).status_code == 200
    if how == "revoked":
        with scopes_disabled():
            api_key_revoke(actor=milan.officer, api_key=api_key)
    elif how == "expired":
        ApiKey.objects.with_scopes_disabled().filter(pk=api_key.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "wrong secret":
        key = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    elif how == "unknown prefix":
        key = "zzzzzzzzzzzz." + key.split(".", 1)[1]
    else:
        key = key.replace(".", "")
    response = api(key).get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert set(response.json()) == {"detail", "code"}


def test_create_and_revoke_are_audited_and_bounded(two_cities):
    milan = two_cities.milan
    api_key, _ = key_for(milan.officer, milan.city, days=30)
    assert timedelta(days=29) < api_key.expires_at - timezone.now() <= timedelta(days=30)
    with scopes_disabled():
        api_key_revoke(actor=milan.officer, api_key=api_key)
        verbs = list(
            AuditEvent.objects.filter(object_type="accounts.apikey", object_id=str(api_key.pk)).values_list(
                "verb", "actor"
            )
        )
    assert sorted(verbs) == [("apikey.create", milan.officer.pk), ("apikey.revoke", milan.officer.pk)]
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as error:
        key_for(milan.officer, milan.city, days=366)
    assert error.value.error_dict["days"][0].code == "invalid_days"
    with pytest.raises(ValidationError):
        key_for(milan.officer, milan.city, name="  ")
    with pytest.raises(PermissionDenied):
        key_for(milan.resident, milan.city)  # no part in the city: no key
    with pytest.raises(PermissionDenied):
        key_for(two_cities.nantes.officer, milan.city)
    other, _ = key_for(milan.admin, milan.city)
    with pytest.raises(PermissionDenied), scopes_disabled():
        api_key_revoke(actor=milan.officer, api_key=other)


def test_api_manages_keys_with_a_session_never_with_a_key(two_cities):
    milan = two_cities.milan
    url = f"/api/v1/cities/{milan.city.slug}/api-keys/"
    assert Client().get(url).status_code == 401
    session = Client()
    session.force_login(milan.officer)
    response = session.post(url, {"name": "nightly export", "days": 7}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert api(created["key"]).get(f"/api/v1/cities/{milan.city.slug}/audit/").status_code == 200
    # a key can neither mint another nor list them
    assert api(created["key"]).post(url, {"name": "more"}, content_type="application/json").status_code == 403
    assert api(created["key"]).get(url).status_code == 403
    assert session.post(url, {"name": "", "days": 0}, content_type="application/json").status_code == 400
    revoke = f"{url}{created['id']}/revoke/"
    assert Client().post(revoke).status_code == 401
    other = Client()
    other.force_login(milan.admin)
    assert other.post(revoke).status_code == 404  # someone else's key
    assert session.post(revoke).status_code == 200
    assert session.post(revoke).json()["codes"] == {"non_field_errors": ["already"]}
    assert api(created["key"]).get(f"/api/v1/cities/{milan.city.slug}/audit/").status_code == 401


@pytest.mark.parametrize("lang", ["it", "en", "fr"])
def test_the_page_shows_a_new_key_once_and_revokes_it(two_cities, lang):
    milan = two_cities.milan
    page = f"/{lang}/{milan.city.slug}/account/api-keys/"
    assert Client().get(page).status_code == 403  # not signed in
    client = Client()
    client.force_login(milan.volunteer)
    response = client.post(page, {"name": "calendario", "days": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    again = client.get(page).content.decode()
    assert key not in again and "calendario" in again
    heading = {"it": "Chiavi API", "en": "API keys", "fr": "Clés d’API"}[lang]
    assert heading in again
    help_text = {"it": "Da 1 a 365 giorni", "en": "From 1 to 365 days", "fr": "De 1 à 365 jours"}[lang]
    assert help_text in again
    assert client.post(page, {"name": "", "days": "400"}).status_code == 400
    with scopes_disabled():
        api_key = ApiKey.objects.get(owner=milan.volunteer)
    client.post(f"/{lang}/{milan.city.slug}/account/api-keys/{api_key.pk}/revoke/")
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api(key).get(f"/api/v1/cities/{milan.city.slug}/needs/").status_code == 401
