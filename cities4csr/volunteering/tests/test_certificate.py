"""The certificate of a person's approved hours: a PDF in their language, with the hours."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cities4csr.volunteering import services
from cities4csr.volunteering.models import HoursEntry
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 15, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def approved(world):
    """4 h 30 approved for the resident, and 2 h 30 still awaiting approval."""
    activity = an_activity(world, preparation_minutes=30)
    host = world.third_sector_representative
    entries = []
    for days, stay in ((0, 4), (7, 2)):
        start = START + datetime.timedelta(days=days)
        slot = a_slot(activity, starts_at=start, ends_at=start + datetime.timedelta(hours=stay))
        registration = a_registration(slot, world.resident)
        with time_machine.travel(start, tick=False):
            services.registration_check_in(actor=host, registration=registration)
        with time_machine.travel(start + datetime.timedelta(hours=stay), tick=False):
            services.registration_check_out(actor=host, registration=registration)
        entries.append(HoursEntry.objects.get(registration=registration))
    services.hours_approve(actor=host, entries=entries[:1])
    return entries


@pytest.mark.parametrize(
    "language, words",
    [
        ("it", "Certificato delle ore di volontariato"),
        ("en", "Certificate of volunteering hours"),
        ("fr", "Attestation"),
    ],
)
def test_the_certificate_shows_the_approved_hours_in_the_persons_language(world, approved, language, words):
    world.resident.first_name, world.resident.last_name = "Sara", "Bianchi"
    world.resident.save()
    client = Client()
    client.force_login(world.resident)
    with translation.override(language):
        response = client.get(reverse("volunteering_certificate", kwargs={"city_slug": world.city.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert words in text
    assert "Sara Bianchi" in text and "Ridipingiamo la scuola" in text
    assert "4:30" in text  # the approved entry: 4 h with half an hour of preparation
    assert "2:30" not in text  # the other awaits approval


def test_the_certificate_needs_a_login(world):
    response = Client().get(reverse("volunteering_certificate", kwargs={"city_slug": world.city.slug}))
    assert response.status_code == 403
