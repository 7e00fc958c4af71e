"""Attendance: the host checks people in from their QR code, a participant checks in with the
slot's code on the day, check-out proposes the hours, and no-shows are marked once a slot is over."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cities4csr.volunteering import services
from cities4csr.volunteering.models import HoursEntry, Registration, Slot
from cities4csr.volunteering.tests.factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def at(hour, minute=0, day=15):
    """A time on a March day of 2027, in the city's zone (the slot is on the 15th, 9:00-13:00)."""
    return datetime.datetime(2027, 3, day, hour, minute, tzinfo=ROME)


@pytest.fixture
def slot(world):
    activity = an_activity(world, preparation_minutes=30)
    return a_slot(activity, starts_at=at(9), ends_at=at(13))


def codes(error: ValidationError) -> set[str]:
    return (
        {e.code for e in error.error_list}
        if hasattr(error, "error_list")
        else {e.code for errors in error.error_dict.values() for e in errors}
    )


def test_the_host_checks_a_participant_in(world, slot):
    registration = a_registration(slot, world.member, company=world.company)
    with time_machine.travel(at(9, 5), tick=False):
        services.registration_check_in(actor=world.third_sector_representative, registration=registration)
    registration.refresh_from_db()
    assert registration.state == Registration.State.ATTENDED
    assert registration.checked_in_at == at(9, 5)


@pytest.mark.parametrize("who", ["member", "representative", "resident", "officer"])
def test_only_the_host_checks_people_in(world, slot, who):
    registration = a_registration(slot, world.member, company=world.company)
    with pytest.raises(PermissionDenied):
        services.registration_check_in(actor=getattr(world, who), registration=registration)
    registration.refresh_from_db()
    assert registration.state == Registration.State.REGISTERED and registration.checked_in_at is None


def test_nobody_checks_in_to_a_cancelled_slot(world, slot):
    registration = a_registration(slot, world.member)
    Slot.objects.filter(pk=slot.pk).update(state=Slot.State.CANCELLED)
    registration.slot.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.registration_check_in(actor=world.third_sector_representative, registration=registration)
    assert codes(refused.value) == {"slot_cancelled"}


def test_self_check_in_with_the_slots_code_on_the_day(world, slot):
    registration = a_registration(slot, world.resident)
    with time_machine.travel(at(8, 30), tick=False):
        services.registration_self_check_in(actor=world.resident, slot=slot, code=slot.checkin_code.lower())
    registration.refresh_from_db()
    assert registration.state == Registration.State.ATTENDED and registration.checked_in_at == at(8, 30)


@pytest.mark.parametrize(
    "when, code, expected, words",
    [
        (at(9, 30), "WRONG123", "wrong_code", "not the code of this slot"),
        (at(9, 30, day=14), None, "not_today", "only on the day"),
        (at(7, 0), None, "too_early", "an hour before"),
        (at(13, 30), None, "over", "over"),
    ],
)
def test_self_check_in_refused_with_a_clear_message(world, slot, when, code, expected, words):
    registration = a_registration(slot, world.resident)
    with time_machine.travel(when, tick=False), pytest.raises(ValidationError) as refused:
        services.registration_self_check_in(actor=world.resident, slot=slot, code=code or slot.checkin_code)
    assert codes(refused.value) == {expected}
    assert words in " ".join(refused.value.messages)
    registration.refresh_from_db()
    assert registration.state == Registration.State.REGISTERED


def test_self_check_in_needs_a_place_on_the_slot(world, slot):
    a_registration(slot, world.member, state=Registration.State.WAITLISTED)
    with time_machine.travel(at(9), tick=False), pytest.raises(ValidationError) as refused:
        services.registration_self_check_in(actor=world.member, slot=slot, code=slot.checkin_code)
    assert codes(refused.value) == {"not_registered"}


def test_check_out_proposes_the_time_there_plus_preparation(world, slot):
    registration = a_registration(slot, world.member, company=world.company)
    with time_machine.travel(at(9, 10), tick=False):
        services.registration_check_in(actor=world.third_sector_representative, registration=registration)
    with time_machine.travel(at(12, 40), tick=False):
        services.registration_check_out(actor=world.member, registration=registration)
    (entry,) = HoursEntry.objects.filter(registration=registration)
    assert entry.minutes == 3 * 60 + 30 + 30  # 9:10 to 12:40, and half an hour of preparation
    assert entry.state == HoursEntry.State.PROPOSED  # the city approves by hand by default
    registration.refresh_from_db()
    assert registration.checked_out_at == at(12, 40)


def test_the_host_may_say_when_someone_left_but_the_participant_may_not(world, slot):
    registration = a_registration(slot, world.member)
    with time_machine.travel(at(9), tick=False):
        services.registration_check_in(actor=world.third_sector_representative, registration=registration)
    with time_machine.travel(at(15), tick=False):
        with pytest.raises(PermissionDenied):
            services.registration_check_out(actor=world.member, registration=registration, at=at(17))
        with pytest.raises(ValidationError) as refused:
            services.registration_check_out(
                actor=world.third_sector_representative, registration=registration, at=at(8)
            )
        assert codes(refused.value) == {"before_check_in"}
        with pytest.raises(ValidationError) as refused:
            services.registration_check_out(
                actor=world.third_sector_representative, registration=registration, at=at(17)
            )
        assert codes(refused.value) == {"in_future"}
        services.registration_check_out(actor=world.third_sector_representative, registration=registration, at=at(12))
    assert HoursEntry.objects.get(registration=registration).minutes == 3 * 60 + 30


def test_no_shows_are_marked_once_the_slot_is_over(world, slot):
    came = a_registration(slot, world.member)
    stayed_away = a_registration(slot, world.resident)
    with time_machine.travel(at(9), tick=False):
        services.registration_check_in(actor=world.third_sector_representative, registration=came)
        with pytest.raises(ValidationError) as refused:
            services.slot_no_shows_mark(actor=world.third_sector_representative, slot=slot)
        assert codes(refused.value) == {"not_over"}
    with time_machine.travel(at(18), tick=False):
        assert services.slot_no_shows_mark(actor=None, slot=slot) == 1
    stayed_away.refresh_from_db()
    assert stayed_away.state == Registration.State.NO_SHOW
    slot.refresh_from_db()
    assert slot.taken == 1
    # who checked in but never out gets the slot's length and the preparation
    assert HoursEntry.objects.get(registration=came).minutes == 4 * 60 + 30
    with pytest.raises(PermissionDenied):
        services.slot_no_shows_mark(actor=world.member, slot=slot)


# --- the host's check-in page and the QR code --------------------------------------------------


def checkin_url(world, registration):
    from django.urls import reverse

    return reverse("volunteering_checkin", kwargs={"city_slug": world.city.slug, "token": registration.token})


def test_the_qr_code_holds_the_check_in_address(world, slot, rf):
    from cities4csr.volunteering.qr import registration_checkin_url, registration_qr_data_uri

    registration = a_registration(slot, world.member)
    request = rf.get("/")
    assert registration_checkin_url(request, registration) == "http://testserver" + checkin_url(world, registration)
    assert registration_qr_data_uri(request, registration).startswith("data:image/svg+xml")


def test_the_host_checks_in_on_the_phone_page(world, slot):
    from django.test import Client

    world.member.first_name = "Giulia"
    world.member.save()
    registration = a_registration(slot, world.member, company=world.company)
    host = Client()
    host.force_login(world.third_sector_representative)
    page = host.get(checkin_url(world, registration))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Giulia" in html and 'data-testid="check-in"' in html and "Ridipingiamo la scuola" in html
    assert world.member.last_name not in html  # the first name only
    response = host.post(checkin_url(world, registration), {"action": "check_in"}, follow=True)
    assert response.status_code == 200 and 'data-testid="check-out"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.state == Registration.State.ATTENDED


@pytest.mark.parametrize("who", ["member", "representative", "officer"])
def test_the_check_in_page_is_the_hosts_only(world, slot, who):
    from django.test import Client

    registration = a_registration(slot, world.member)
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get(checkin_url(world, registration)).status_code == 403
    assert client.post(checkin_url(world, registration)).status_code == 403
    assert Client().get(checkin_url(world, registration)).status_code == 403  # signed out
    registration.refresh_from_db()
    assert registration.state == Registration.State.REGISTERED


def test_the_api_checks_in_by_token_and_refuses_a_wrong_code(world, slot):
    from django.test import Client

    registration = a_registration(slot, world.member)
    base = f"/api/v1/cities/{world.city.slug}/volunteering/"
    member = Client()
    member.force_login(world.member)
    refused = member.post(f"{base}checkin/{registration.token}/")
    assert refused.status_code == 403
    wrong = member.post(f"{base}slots/{slot.pk}/self-check-in/", {"code": "ZZZZ9999"}, content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["codes"] == {"code": ["wrong_code"]}
    host = Client()
    host.force_login(world.third_sector_representative)
    answer = host.post(f"{base}checkin/{registration.token}/")
    assert answer.status_code == 200 and answer.json()["state"] == "attended"
    again = host.post(f"{base}checkin/{registration.token}/")
    assert again.status_code == 409
    out = host.post(f"{base}registrations/{registration.pk}/check-out/", {}, content_type="application/json")
    assert out.status_code == 200 and out.json()["checked_out_at"]


@pytest.mark.parametrize("language, words", [("it", "Registra l"), ("fr", "Pointer l")])
def test_the_check_in_page_in_the_hosts_language(world, slot, language, words):
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    registration = a_registration(slot, world.member)
    host = Client()
    host.force_login(world.third_sector_representative)
    with translation.override(language):
        url = reverse("volunteering_checkin", kwargs={"city_slug": world.city.slug, "token": registration.token})
    html = host.get(url).content.decode()
    assert words in html and "Check in" not in html and "State:" not in html


def test_the_qr_tag_draws_an_image_with_alt_text(world, slot, rf):
    from django.template import Context, Template

    registration = a_registration(slot, world.member)
    html = Template("{% load volunteering_qr %}{% registration_qr registration %}").render(
        Context({"request": rf.get("/"), "registration": registration})
    )
    assert '<img src="data:image/svg+xml' in html and 'alt="QR code of your registration' in html


def test_the_phone_page_names_a_participant_without_a_first_name_as_the_console_does(world, slot):
    from django.test import Client

    world.member.first_name = world.member.last_name = ""
    world.member.save()
    registration = a_registration(slot, world.member)
    host = Client()
    host.force_login(world.third_sector_representative)
    html = host.get(checkin_url(world, registration)).content.decode()
    assert world.member.email in html  # the host can tell who is in front of them
