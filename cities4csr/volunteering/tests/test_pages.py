"""The volunteering pages as a visitor, a volunteer, a company's representative, a host and an
officer use them: each renders for its readers in the three languages and refuses the others;
names stay with the host and the participant's own company; hostile titles stay text; the
write views go through the services and show their refusals beside the form."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.offers.tests.factories import CsrProfileFactory
from cities4csr.volunteering.models import Activity, HoursEntry, Registration, Slot, Team

from .factories import a_registration, a_slot, an_activity

pytestmark = pytest.mark.django_db

LANGS = ("it", "en", "fr")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def url(world, lang, rest=""):
    return f"/{lang}/{world.city.slug}/volunteering/{rest}"


def workspace(world, lang, rest=""):
    return f"/{lang}/{world.city.slug}/workspace/volunteering/{rest}"


@pytest.fixture
def school(world):
    """An open activity with a slot in a week (10 places), one employee of the company signed up."""
    activity = an_activity(world, area=world.areas["35"], minimum_age=16, family_friendly=True, skills="Pittura")
    slot = a_slot(activity)
    employee = UserFactory(first_name="Giulia", last_name="Rossi")
    a_registration(slot, employee, company=world.company)
    return activity


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_map_and_activity_page_for_everyone(world, school, lang):
    anonymous = client_for()
    page = anonymous.get(url(world, lang))
    assert page.status_code == 200
    assert "Ridipingiamo la scuola" in text(page)
    assert {"it": "9 posti liberi", "en": "9 places left", "fr": "9 places libres"}[lang] in text(page)
    assert anonymous.get(url(world, lang, "map/")).status_code == 200
    detail = anonymous.get(url(world, lang, f"{school.slug}/"))
    assert detail.status_code == 200
    assert "Giulia" not in text(detail)  # names are not public
    points = anonymous.get(url(world, lang, "map.geojson")).json()
    assert [f["properties"]["title"] for f in points["features"]] == ["Ridipingiamo la scuola"]


def test_the_filters_narrow_the_list(world, school):
    other = an_activity(world, slug="orti", title="Gli orti del quartiere")
    a_slot(other, days=20)
    body = text(client_for().get(url(world, "it", "?family=true")))
    assert "Ridipingiamo" in body and "Gli orti" not in body
    body = text(client_for().get(url(world, "it", "?start=not-a-date")))
    assert "Alcuni filtri non sono stati capiti" in body or "alert-warning" in body


def test_names_for_the_host_and_the_own_company_only(world, school):
    for user in (world.third_sector_representative, world.representative):
        assert "Giulia Rossi" in text(client_for(user).get(url(world, "it", f"{school.slug}/"))), user
    for user in (world.officer, world.other_representative, world.resident, world.member):
        assert "Giulia Rossi" not in text(client_for(user).get(url(world, "it", f"{school.slug}/"))), user


def test_a_draft_is_hidden_from_the_public(world):
    an_activity(world, slug="bozza", state=Activity.State.DRAFT)
    assert client_for().get(url(world, "it", "bozza/")).status_code == 404
    assert client_for(world.representative).get(url(world, "it", "bozza/")).status_code == 404
    assert client_for(world.third_sector_representative).get(url(world, "it", "bozza/")).status_code == 200
    assert client_for(world.officer).get(url(world, "it", "bozza/")).status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_my_volunteering(world, school, lang):
    slot = a_slot(school, days=-3)
    past = a_registration(slot, world.volunteer, state=Registration.State.ATTENDED)
    HoursEntry.objects.create(city=world.city, registration=past, minutes=90, state=HoursEntry.State.APPROVED)
    a_registration(Slot.objects.filter(activity=school).order_by("-starts_at").first(), world.volunteer)
    page = client_for(world.volunteer).get(url(world, lang, "me/"))
    assert page.status_code == 200
    assert {"it": "1,5 ore", "en": "1.5 hours", "fr": "1,5 heures"}[lang] in text(page)
    assert client_for().get(url(world, lang, "me/")).status_code == 403


def test_my_volunteering_shows_the_qr_code_of_a_place_and_no_withdrawal_once_checked_in(world, school):
    now = timezone.now()
    running = a_slot(school, starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=3))
    here = a_registration(running, world.volunteer, state=Registration.State.ATTENDED, checked_in_at=now)
    coming = a_registration(Slot.objects.filter(activity=school).order_by("-starts_at").first(), world.volunteer)
    html = client_for(world.volunteer).get(url(world, "it", "me/")).content.decode()
    # the place to come: its QR code for the host, and a way out
    assert html.count('data-testid="registration-qr"') == 1
    assert f"registrations/{coming.pk}/withdraw/" in html
    # the slot under way where the person is checked in: neither (the lifecycle refuses a withdrawal)
    assert f"registrations/{here.pk}/withdraw/" not in html


def test_the_workspace_for_hosts_and_officers(world, school):
    draft = an_activity(world, slug="altra-bozza", state=Activity.State.DRAFT, host=world.city_hall)
    host_page = text(client_for(world.third_sector_representative).get(workspace(world, "it")))
    assert "Ridipingiamo" in host_page and "altra-bozza" not in host_page
    officer_page = text(client_for(world.officer).get(workspace(world, "it")))
    assert "Ridipingiamo" in officer_page and draft.slug in officer_page
    for user in (None, world.resident, world.representative, world.member):
        assert client_for(user).get(workspace(world, "it")).status_code == 403, user
        assert client_for(user).get(workspace(world, "it", "new/")).status_code == 403, user
        assert client_for(user).get(workspace(world, "it", f"{school.slug}/")).status_code in (403, 404), user
    for user in (world.third_sector_representative, world.officer):
        assert client_for(user).get(workspace(world, "it", "new/")).status_code == 200
        assert client_for(user).get(workspace(world, "it", f"{school.slug}/")).status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_the_console_is_the_hosts_only(world, school, lang):
    slot = school.slots.get()
    page = client_for(world.third_sector_representative).get(workspace(world, lang, f"slots/{slot.pk}/"))
    assert page.status_code == 200
    assert "Giulia Rossi" in text(page)
    assert slot.checkin_code in text(page)
    for user in (None, world.officer, world.representative, world.resident):
        assert client_for(user).get(workspace(world, lang, f"slots/{slot.pk}/")).status_code == 404, user


def _hours_entry(world, school, user, minutes=240):
    slot = a_slot(school, days=-2)
    registration = a_registration(slot, user, state=Registration.State.ATTENDED, company=world.company)
    return HoursEntry.objects.create(city=world.city, registration=registration, minutes=minutes)


def test_hours_to_approve_for_the_host_and_the_company(world, school):
    _hours_entry(world, school, world.member)
    for user in (world.third_sector_representative, world.representative):
        page = client_for(user).get(workspace(world, "it", "hours/"))
        assert page.status_code == 200
        assert "4 ore" in text(page), user
    assert "4 ore" not in text(client_for(world.other_representative).get(workspace(world, "it", "hours/")))
    for user in (None, world.resident, world.member):
        assert client_for(user).get(workspace(world, "it", "hours/")).status_code == 403, user


@pytest.mark.parametrize("lang", LANGS)
def test_the_company_dashboard(world, school, lang):
    CsrProfileFactory(organisation=world.company, headcount=10, volunteering_days_per_year=2)
    page = client_for(world.representative).get(workspace(world, lang, "company/"))
    assert page.status_code == 200
    assert {"it": "160 ore", "en": "160 hours", "fr": "160 heures"}[lang] in text(page)  # 2 days × 10 × 8 h
    assert (
        client_for(world.officer).get(workspace(world, lang, f"company/?organisation={world.company.pk}")).status_code
        == 200
    )
    for user in (None, world.member, world.resident, world.third_sector_representative):
        assert client_for(user).get(workspace(world, lang, "company/")).status_code == 403, user
    # another company's dashboard: not by changing the address
    other = client_for(world.other_representative).get(
        workspace(world, lang, f"company/?organisation={world.company.pk}")
    )
    assert world.company.name not in text(other)


def test_the_nav_the_homes_and_the_need_link_here(world, school):
    from cities4csr.needs.tests.factories import NeedFactory

    assert f"/it/{world.city.slug}/volunteering/" in text(client_for().get(f"/it/{world.city.slug}/"))
    need = NeedFactory(city=world.city, owner=world.third_sector, published=True)
    school.need = need
    school.save()
    page = text(client_for().get(f"/it/{world.city.slug}/needs/{need.pk}/"))
    assert f"/volunteering/{school.slug}/" in page
    home = text(client_for(world.representative).get(f"/it/{world.city.slug}/workspace/company/"))
    assert "workspace/volunteering/company/" in home
    partner = text(client_for(world.third_sector_representative).get(f"/it/{world.city.slug}/workspace/partner/"))
    assert "workspace/volunteering/" in partner
    volunteer = text(client_for(world.volunteer).get(f"/it/{world.city.slug}/workspace/volunteer/"))
    assert f"/it/{world.city.slug}/volunteering/me/" in volunteer
    officer = text(client_for(world.officer).get(f"/it/{world.city.slug}/workspace/officer/"))
    assert f"/it/{world.city.slug}/workspace/volunteering/" in officer


def test_hostile_content_stays_text(world):
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    activity = an_activity(world, slug="ostile", title=title, place="<b>via</b>", skills="<i>x</i>")
    a_slot(activity)
    for path in ("", "ostile/"):
        body = client_for(world.third_sector_representative).get(url(world, "it", path)).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>via</b>" not in body
    points = client_for().get(url(world, "it", "map.geojson")).json()
    assert points["features"][0]["properties"]["title"] == title  # JSON: the map sets it as text


def test_the_list_and_a_phone(world, school):
    """The console's buttons are big enough for a thumb (WCAG 2.5.5 target size, site.css)."""
    slot = school.slots.get()
    body = client_for(world.third_sector_representative).get(workspace(world, "it", f"slots/{slot.pk}/")).content
    assert b"console-button" in body
    assert b'name="viewport"' in body


# -- the writes (services of vsign and vtime) -----------------------------------------------------


def test_sign_up_and_a_clear_refusal(world, school):
    slot = school.slots.get()
    client = client_for(world.volunteer)
    response = client.post(url(world, "it", f"{school.slug}/sign-up/"), {"slot": slot.pk, "birth_date": "01/01/1990"})
    assert response.status_code == 302
    assert Registration.objects.filter(slot=slot, user=world.volunteer).exists()
    young = client_for(world.resident).post(
        url(world, "it", f"{school.slug}/sign-up/"),
        {
            "slot": slot.pk,
            "birth_date": (timezone.localdate() - datetime.timedelta(days=365 * 10)).strftime("%d/%m/%Y"),
        },
    )
    assert young.status_code == 400
    assert not Registration.objects.filter(slot=slot, user=world.resident).exists()


def test_a_team_opened_and_joined(world, school):
    slot = school.slots.get()
    response = client_for(world.representative).post(
        url(world, "it", f"{school.slug}/teams/"), {"slot": slot.pk, "company": world.company.pk, "name": "Squadra blu"}
    )
    assert response.status_code == 302
    team = Team.objects.get(slot=slot)
    page = client_for(world.member).get(url(world, "it", f"teams/{team.invite_code}/"))
    assert page.status_code == 200 and "Squadra blu" in text(page)
    joined = client_for(world.member).post(url(world, "it", f"teams/{team.invite_code}/"), {"birth_date": "01/01/1990"})
    assert joined.status_code == 302
    assert Registration.objects.get(slot=slot, user=world.member).company == world.company


def test_a_host_creates_an_activity_and_its_slots(world):
    client = client_for(world.third_sector_representative)
    response = client.post(
        workspace(world, "it", "new/"),
        {
            "title": "Pulizia del parco",
            "slug": "pulizia-parco",
            "description": "Raccogliamo i rifiuti del parco.",
            "kind": "slots",
            "host": world.third_sector.pk,
            "preparation_minutes": "0",
            "waitlist": "on",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    activity = Activity.objects.get(slug="pulizia-parco")
    day = (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    response = client.post(
        workspace(world, "it", "pulizia-parco/slots/"),
        {"day": day, "starts": "09:00", "ends": "12:00", "capacity": "8", "frequency": "weekly", "count": "3"},
    )
    assert response.status_code == 302
    assert activity.slots.count() == 3


def test_the_host_checks_someone_in(world, school):
    slot = school.slots.get()
    registration = slot.registrations.get()
    response = client_for(world.third_sector_representative).post(
        workspace(world, "it", f"slots/{slot.pk}/check-in/"), {"registration": registration.pk}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == Registration.State.ATTENDED


def test_bulk_approval(world, school):
    entry = _hours_entry(world, school, world.member)
    for user in (world.third_sector_representative, world.representative):
        assert client_for(user).post(workspace(world, "it", "hours/"), {"entries": [entry.pk]}).status_code == 302
    entry.refresh_from_db()
    assert entry.state == HoursEntry.State.APPROVED


def test_the_activity_form_keeps_its_short_name_when_editing(world, school):
    from cities4csr.volunteering.forms import ActivityForm

    data = {
        "title": "Nuovo titolo",
        "slug": "cambiato",
        "description": "D",
        "kind": "slots",
        "host": world.third_sector.pk,
        "preparation_minutes": "15",
        "deadline": "31/12/2026",
    }
    form = ActivityForm(data, city=world.city, hosts=[world.third_sector], activity=school)
    assert form.is_valid(), form.errors
    fields = form.service_fields()
    assert "slug" not in fields  # an address once given does not change
    assert fields["title"] == "Nuovo titolo" and fields["themes"] == []
    assert fields["deadline"].day == 31 and fields["deadline"].tzinfo is not None


def test_the_team_form_offers_only_companies_the_reader_represents(world, school):
    """The host's own people see no team form (a host is not a company); a company's
    representative sees their company; on another company's day, nobody else's."""
    host_page = text(client_for(world.third_sector_representative).get(url(world, "it", f"{school.slug}/")))
    assert "Apri una squadra" not in host_page
    assert "Apri una squadra" in text(client_for(world.representative).get(url(world, "it", f"{school.slug}/")))
    day = an_activity(world, slug="giornata-altrui", company=world.other_company)
    a_slot(day)
    assert "Apri una squadra" not in text(client_for(world.representative).get(url(world, "it", f"{day.slug}/")))
