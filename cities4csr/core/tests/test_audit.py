import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.core.services import audit_log


@pytest.mark.django_db
def test_audit_events_are_append_only():
    with scopes_disabled():
        event = AuditEvent.objects.first()
    event.verb = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.django_db
def test_system_actions_are_labelled_system(milano):
    with transaction.atomic():
        assert audit_log(actor=None, city=milano, verb="x", obj=milano).actor_label == "system"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("officer", 200), ("admin", 200), ("representative", 403), ("volunteer", 403), ("public", 403)]
)
def test_officers_read_the_audit_trail(users, role, status):
    client = Client()
    client.force_login(users["milano", role])
    response = client.get("/en/milano/audit/")
    assert response.status_code == status
    if status == 200:
        with scopes_disabled():
            latest = AuditEvent.objects.filter(city__slug="milano").latest("created_at", "id")
        assert latest.verb.encode() in response.content
    api = client.get("/api/v1/cities/milano/audit/")
    assert api.status_code == status
