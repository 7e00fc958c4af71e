import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.core.services import audit_log
from cities4csr.organisations.tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_audit_events_are_append_only(world):
    OrganisationFactory(city=world.city)
    event = AuditEvent.objects.filter(city=world.city).first()
    event.verb = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.django_db
def test_system_actions_are_labelled_system(world):
    with transaction.atomic():
        assert audit_log(actor=None, city=world.city, verb="x", obj=world.city).actor_label == "system"
        assert audit_log(actor=world.officer, city=world.city, verb="x", obj=world.city).actor == world.officer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer", 200),
        ("admin", 200),
        ("representative", 403),
        ("volunteer", 403),
        ("resident", 403),
        ("nantes_officer", 403),
    ],
)
def test_officers_read_the_audit_trail(two_cities, role, status):
    milan = two_cities.milan
    person = two_cities.nantes.officer if role == "nantes_officer" else getattr(milan, role)
    with scopes_disabled():
        OrganisationFactory(city=milan.city, name="Impresa appena registrata")
        latest = AuditEvent.objects.filter(city=milan.city).latest("created_at", "id")
    client = Client()
    client.force_login(person)
    response = client.get(f"/en/{milan.city.slug}/audit/")  # the former address of the activity page
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "registered the organisation “<a href=" in page and "Impresa appena registrata</a>”" in page
    api = client.get(f"/api/v1/cities/{milan.city.slug}/audit/")
    assert api.status_code == status
    if status == 200:
        assert api.json()["results"][0]["verb"] == latest.verb
