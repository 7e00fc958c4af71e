"""Consent gates the public display of a person's name; the privacy and cookie notices."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from cities4csr.accounts.models import Consent
from cities4csr.accounts.services import consent_give, consent_withdraw
from cities4csr.accounts.tests.factories import PASSWORD
from cities4csr.core.models import AuditEvent
from cities4csr.privacy.cookies import site_cookies


def _organisation_page(world):
    return (
        Client()
        .get(reverse("organisation_detail", kwargs={"city_slug": world.city.slug, "pk": world.company.pk}))
        .content.decode()
    )


@pytest.mark.django_db
def test_a_representatives_name_is_public_only_with_their_consent(world):
    rep = world.representative
    rep.first_name, rep.last_name = "Lucia", "Pubblica"
    rep.save()
    assert "Lucia Pubblica" not in _organisation_page(world)  # no consent: no name
    client = Client()
    client.force_login(rep)
    client.post(reverse("account_consent"), {"city": world.city.slug, "purpose": "public_name", "give": "1"})
    page = _organisation_page(world)
    assert "Lucia Pubblica" in page and rep.email not in page  # a name, never the e-mail address
    with scopes_disabled():
        consent = Consent.objects.get(user=rep)
        assert "Lucia Pubblica" not in consent.wording and world.city.name in consent.wording
        assert AuditEvent.objects.filter(verb="consent.give", actor=rep, city=world.city).count() == 1
    client.post(reverse("account_consent"), {"city": world.city.slug, "purpose": "public_name", "give": "0"})
    assert "Lucia Pubblica" not in _organisation_page(world)
    with scopes_disabled():
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None  # the record stays, withdrawn
        assert AuditEvent.objects.filter(verb="consent.withdraw", actor=rep).count() == 1


@pytest.mark.django_db
def test_consent_is_given_to_one_city_and_by_the_person_only(two_cities):
    milan, nantes = two_cities.milan, two_cities.nantes
    with pytest.raises(PermissionDenied):
        consent_give(actor=milan.officer, user=milan.representative, city=milan.city, purpose="public_name")
    consent_give(actor=nantes.representative, user=nantes.representative, city=nantes.city, purpose="public_name")
    # twice is once
    consent_give(actor=nantes.representative, user=nantes.representative, city=nantes.city, purpose="public_name")
    with scopes_disabled():
        assert Consent.objects.filter(user=nantes.representative).count() == 1
    nantes.representative.first_name = "Jeanne"
    nantes.representative.save()
    # consent in Nantes shows nothing in Milan
    assert "Jeanne" not in _organisation_page(milan)
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=None, user=nantes.representative, city=nantes.city, purpose="public_name")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "dpo"),
    [
        ("it", "Informativa", "Responsabile"),
        ("en", "Privacy notice", "Data protection officer"),
        ("fr", "Politique", "Délégué"),
    ],
)
def test_the_privacy_notice_names_the_controller_and_its_officer(world, language, heading, dpo):
    city = world.city
    city.privacy_controller = "Comune di Prova"
    city.dpo_name, city.dpo_email = "Ufficio RPD", "rpd@comune.prova.example"
    city.retention_inactive_account_days = 540
    city.save()
    page = Client().get(f"/{language}/{city.slug}/privacy/").content.decode()
    assert heading in page and dpo in page
    assert "Comune di Prova" in page and "mailto:rpd@comune.prova.example" in page
    assert "540" in page and "https://www.garanteprivacy.it/" in page
    # linked from every page of the city, beside the accessibility statement
    home = Client().get(f"/{language}/{city.slug}/").content.decode()
    assert f'href="/{language}/{city.slug}/privacy/"' in home and f'href="/{language}/{city.slug}/cookies/"' in home


@pytest.mark.django_db
def test_a_french_city_points_to_the_cnil(two_cities):
    page = Client().get(f"/fr/{two_cities.nantes.city.slug}/privacy/").content.decode()
    assert "https://www.cnil.fr/" in page


@pytest.mark.django_db
def test_the_cookie_notice_lists_every_cookie_the_site_sets_and_only_those(world, settings):
    """A walk through the site as a visitor and as a person who logs in, sends forms and gets a
    message: every cookie set on the way is in the notice, and every cookie listed is set."""
    listed = {c.name for c in site_cookies()}
    seen = set()
    client = Client(enforce_csrf_checks=False)

    def visit(response):
        seen.update(response.cookies.keys())
        return response

    for path in ("/it/", f"/it/{world.city.slug}/", f"/it/{world.city.slug}/needs/", "/it/accounts/login/"):
        visit(client.get(path))
    visit(client.post("/it/accounts/login/", {"login": world.representative.email, "password": PASSWORD}))
    visit(client.get("/it/accounts/data/"))
    visit(client.post(reverse("account_consent"), {"city": world.city.slug, "purpose": "public_name", "give": "1"}))
    visit(client.get("/it/accounts/data/"))
    visit(client.post("/it/accounts/logout/"))
    assert seen == listed
    page = Client().get(f"/en/{world.city.slug}/cookies/").content.decode()
    for name in listed:
        assert f"<code>{name}</code></h3>" in page
    assert "8 hours at most; it ends after 30 minutes without activity" in page
    assert Client().get("/fr/cookies/").status_code == 200


@pytest.mark.django_db
def test_a_person_corrects_their_name_and_only_their_own(world):
    rep = world.representative
    client = Client()
    client.force_login(rep)
    client.post(reverse("account_name"), {"first_name": " Lucia ", "last_name": "Corretta"})
    rep.refresh_from_db()
    assert (rep.first_name, rep.last_name) == ("Lucia", "Corretta")
    with scopes_disabled():
        assert AuditEvent.objects.filter(verb="account.name_update", actor=rep, city=world.city).count() == 1
    from cities4csr.privacy.services import account_name_update

    with pytest.raises(PermissionDenied):
        account_name_update(actor=world.officer, user=rep, first_name="X", last_name="Y")
    client.post(reverse("account_name"), {"first_name": "x" * 151, "last_name": ""})
    rep.refresh_from_db()
    assert rep.first_name == "Lucia"  # refused, nothing written


@pytest.mark.django_db
def test_the_citys_privacy_settings_are_edited_in_the_admin_and_audited(world):
    from cities4csr.accounts.models import User

    root = User.objects.create_superuser("root@example.org", "root-password")
    client = Client()
    client.force_login(root)
    url = f"/admin/privacy/cityprivacy/{world.city.pk}/change/"
    assert "dpo_email" in client.get(url).content.decode()
    data = {
        "privacy_controller": "Comune di Prova",
        "privacy_controller_address": "",
        "privacy_controller_email": "",
        "dpo_name": "",
        "dpo_email": "rpd@prova.example",
        "dpo_phone": "",
        "privacy_notice_date": "",
        "retention_audit_personal_days": "180",
        "retention_inactive_account_days": "730",
        "retention_unverified_signup_days": "30",
    }
    assert client.post(url, {**data, "retention_audit_personal_days": "1"}).status_code == 200  # below the minimum
    world.city.refresh_from_db()
    assert world.city.retention_audit_personal_days == 365
    assert client.post(url, data).status_code == 302
    world.city.refresh_from_db()
    assert (world.city.dpo_email, world.city.retention_audit_personal_days) == ("rpd@prova.example", 180)
    with scopes_disabled():
        event = AuditEvent.objects.get(verb="city.privacy_update", city=world.city)
    assert event.actor == root and "retention_audit_personal_days" in event.payload
