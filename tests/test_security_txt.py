"""/.well-known/security.txt says whom to tell (RFC 9116), and the health check tells the public
nothing of what failed."""

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client


def test_security_txt_has_a_contact_and_an_expiry_within_a_year(settings):
    settings.SECURITY_CONTACT = "mailto:sicurezza@comune.example"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:sicurezza@comune.example"
    assert fields["Expires"].endswith("Z") and fields["Preferred-Languages"] == "it, en, fr"
    assert fields["Canonical"].endswith("/.well-known/security.txt")


@pytest.mark.django_db
def test_the_health_check_shows_no_internals():
    secret = "password authentication failed for user cities4csr on db.internal:5432"
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError(secret)):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "db.internal" not in response.content.decode()
