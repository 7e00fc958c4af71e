"""The sign-up API: the same rules, refusals and permissions as the services, errors in the
reader's language with stable codes, and no participant's name anywhere."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.organisations.tests.factories import member_of
from cities4csr.volunteering.models import Activity, Registration, Slot

pytestmark = pytest.mark.django_db
R = Registration.State


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def base(world):
    return f"/api/v1/cities/{world.city.slug}/volunteering/"


def soon(days=7, hour=9):
    start = (timezone.now() + datetime.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start.isoformat(), (start + datetime.timedelta(hours=3)).isoformat()


def an_open_activity(world, capacity=2, **fields):
    host = api(world.third_sector_representative)
    made = host.post(
        base(world) + "activities/",
        {
            "title": "Ridipingiamo la scuola",
            "description": "Aule da ridipingere.",
            "host": world.third_sector.pk,
            "lat": 45.4403,
            "lon": 9.2235,
            "themes": ["education"],
            **fields,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    slug = made.json()["slug"]
    starts_at, ends_at = soon()
    added = host.post(
        base(world) + f"activities/{slug}/slots/",
        {"starts_at": starts_at, "ends_at": ends_at, "capacity": capacity},
        format="json",
    )
    assert added.status_code == 201, added.json()
    opened = host.post(base(world) + f"activities/{slug}/transition/", {"to": "open"}, format="json")
    assert opened.status_code == 200, opened.json()
    return slug, added.json()[0]["id"]


def test_host_creates_opens_and_everyone_sees_places_left(world):
    draft = api(world.third_sector_representative).post(
        base(world) + "activities/",
        {"title": "Orti", "description": "Orti.", "host": world.third_sector.pk},
        format="json",
    )
    assert draft.status_code == 201 and draft.json()["state"] == "draft"
    assert api().get(base(world) + f"activities/{draft.json()['slug']}/").status_code == 404  # a draft is the host's
    slug, slot = an_open_activity(world)
    api(UserFactory()).post(base(world) + f"slots/{slot}/registrations/", {}, format="json")
    listed = api().get(base(world) + "activities/").json()
    assert [a["slug"] for a in listed["results"]] == [slug]
    (shown,) = listed["results"][0]["slots"]
    assert (shown["capacity"], shown["places_left"], shown["waiting"]) == (2, 1, 0)
    assert listed["results"][0]["area"] == "35" and listed["results"][0]["themes"] == ["education"]
    assert "user" not in str(listed)


@pytest.mark.parametrize("who", ["representative", "resident", "member"])
def test_only_hosts_and_officers_create_or_change_activities(world, who):
    user = getattr(world, who)
    made = api(user).post(
        base(world) + "activities/", {"title": "X", "description": "Y", "host": world.third_sector.pk}, format="json"
    )
    assert made.status_code == 403
    slug, _slot = an_open_activity(world)
    assert api(user).patch(base(world) + f"activities/{slug}/", {"title": "Z"}, format="json").status_code == 403
    assert api().post(base(world) + f"activities/{slug}/transition/", {"to": "closed"}).status_code in (401, 403)
    officer = api(world.officer).patch(base(world) + f"activities/{slug}/", {"title": "Nuovo titolo"}, format="json")
    assert officer.status_code == 200 and officer.json()["title"] == "Nuovo titolo"


def test_sign_up_waitlist_withdraw_and_promotion(world):
    slug, slot = an_open_activity(world, capacity=1)
    a, b = UserFactory(), UserFactory()
    first = api(a).post(base(world) + f"slots/{slot}/registrations/", {}, format="json")
    second = api(b).post(base(world) + f"slots/{slot}/registrations/", {"note": "Porto i pennelli"}, format="json")
    assert (first.status_code, first.json()["state"]) == (201, "registered")
    assert (second.status_code, second.json()["state"]) == (201, "waitlisted")
    # someone else cannot withdraw a's registration; a can
    refused = api(b).post(base(world) + f"registrations/{first.json()['id']}/withdraw/")
    assert refused.status_code == 404
    withdrawn = api(a).post(base(world) + f"registrations/{first.json()['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert Registration.objects.get(pk=second.json()["id"]).state == R.REGISTERED
    again = api(a).post(base(world) + f"registrations/{first.json()['id']}/withdraw/")
    assert again.status_code == 409 and again.json()["codes"]["non_field_errors"] == ["already"]


def test_a_bad_sign_up_answers_in_the_readers_language_with_a_code(world):
    _slug, slot = an_open_activity(world, capacity=1, waitlist=False, minimum_age=18)
    person = UserFactory()
    young = api(person).post(
        base(world) + f"slots/{slot}/registrations/",
        {"birth_date": str(timezone.localdate() - datetime.timedelta(days=365 * 12))},
        format="json",
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert young.status_code == 400
    assert young.json()["codes"] == {"birth_date": ["too_young"]}
    assert "18 anni" in young.json()["birth_date"][0]
    adult = {"birth_date": "1990-05-01"}
    assert (
        api(UserFactory()).post(base(world) + f"slots/{slot}/registrations/", adult, format="json").status_code == 201
    )
    full = api(person).post(
        base(world) + f"slots/{slot}/registrations/", adult, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert full.status_code == 400 and full.json()["codes"] == {"non_field_errors": ["full"]}
    assert "complet" in full.json()["non_field_errors"][0]
    assert Registration.objects.filter(user=person).count() == 0
    assert api().post(base(world) + f"slots/{slot}/registrations/", adult, format="json").status_code in (401, 403)


def test_teams_by_the_api(world):
    _slug, slot = an_open_activity(world, capacity=5)
    url = base(world) + f"slots/{slot}/teams/"
    body = {"company": world.company.pk, "name": "Squadra blu", "captain": world.member.pk}
    assert api(world.member).post(url, body, format="json").status_code == 403
    assert api(world.other_representative).post(url, body, format="json").status_code == 403
    opened = api(world.representative).post(url, body, format="json")
    assert opened.status_code == 201
    code = opened.json()["invite_code"]
    for person in (world.member, member_of(world.company)):
        joined = api(person).post(base(world) + "teams/join/", {"code": code}, format="json")
        assert joined.status_code == 201 and joined.json()["company"] == world.company.pk
    outsider = api(world.resident).post(base(world) + "teams/join/", {"code": code}, format="json")
    assert outsider.status_code == 400 and outsider.json()["codes"] == {"code": ["not_member"]}
    assert Slot.objects.get(pk=slot).taken == 2


def test_reviewed_registrations_by_the_api(world):
    _slug, slot = an_open_activity(world, capacity=1, reviewed=True)
    asked = api(UserFactory()).post(base(world) + f"slots/{slot}/registrations/", {}, format="json").json()
    assert asked["state"] == "requested"
    url = base(world) + f"registrations/{asked['id']}/review/"
    assert api(world.representative).post(url, {"accept": True}, format="json").status_code == 404
    declined = api(world.third_sector_representative).post(url, {"accept": False}, format="json")
    assert declined.status_code == 400 and declined.json()["codes"] == {"reason": ["reason_required"]}
    accepted = api(world.third_sector_representative).post(url, {"accept": True}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "registered"


def test_cancelling_a_slot_and_the_activity(world):
    slug, slot = an_open_activity(world, capacity=1)
    api(UserFactory()).post(base(world) + f"slots/{slot}/registrations/", {}, format="json")
    host = api(world.third_sector_representative)
    assert host.post(base(world) + f"slots/{slot}/cancel/", {}, format="json").status_code == 400
    cancelled = host.post(base(world) + f"slots/{slot}/cancel/", {"reason": "Pioggia"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert set(Registration.objects.values_list("state", flat=True)) == {R.CANCELLED}
    over = host.post(base(world) + f"activities/{slug}/transition/", {"to": "cancelled", "reason": "Lavori"})
    assert over.status_code == 200 and Activity.objects.get(slug=slug).state == "cancelled"


def test_another_citys_rows_are_not_found(two_cities):
    from django_scopes import scope

    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk):
        _slug, slot = an_open_activity(milan)
    with scope(city=nantes.city.pk):
        answer = api(UserFactory()).post(base(nantes) + f"slots/{slot}/registrations/", {}, format="json")
    assert answer.status_code == 404


def test_participants_names_only_for_the_host_their_company_and_themselves(world):
    _slug, slot = an_open_activity(world, capacity=5)
    team = api(world.representative).post(
        base(world) + f"slots/{slot}/teams/", {"company": world.company.pk, "name": "Blu"}, format="json"
    )
    api(world.member).post(base(world) + "teams/join/", {"code": team.json()["invite_code"]}, format="json")
    stranger = UserFactory(first_name="Carla", last_name="Bianchi")
    api(stranger).post(base(world) + f"slots/{slot}/registrations/", {}, format="json")
    url = base(world) + f"slots/{slot}/registrations/"

    def names(user):
        answer = api(user).get(url)
        assert answer.status_code == 200
        return sorted(row["name"] for row in answer.json())

    member_name = world.member.get_full_name() or world.member.email
    assert names(world.third_sector_representative) == sorted([member_name, "Carla Bianchi"])
    assert names(world.representative) == [member_name]  # their company's people only
    assert names(world.other_representative) == []
    assert names(stranger) == ["Carla Bianchi"]
    assert names(world.officer) == []  # the city sees counts, not names
    assert api().get(url).status_code in (401, 403)
