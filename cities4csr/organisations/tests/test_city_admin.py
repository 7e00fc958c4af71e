"""The city's administration: e-mailed invitations, roles changed and deactivated, and the
commands that onboard a new city."""

import datetime as dt
import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.cities.models import City
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import CityInvitation, CityRole
from cities4csr.organisations.rules import city_roles
from cities4csr.organisations.services import (
    city_invitation_accept,
    city_invitation_create,
    city_role_change,
    city_role_set_active,
)

PASSWORD = "Corvetto-2026-cortile"


def _link(message) -> str:
    return re.search(r"https?://\S+/invitations/(\S+)/", message.body).group(0)


def _token(message) -> str:
    return re.search(r"/invitations/(\S+)/", message.body).group(1)


def _roles(user, city):
    """The roles as a new request would read them (a user instance caches its roles)."""
    return city_roles(User.objects.get(pk=user.pk), city)


def _written():
    with scopes_disabled():
        return (
            CityRole.objects.count(),
            CityInvitation.objects.count(),
            AuditEvent.objects.count(),
            User.objects.count(),
        )


@pytest.mark.django_db
def test_an_invitation_is_emailed_with_an_absolute_link_in_the_chosen_language(
    world, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://csr.comune.example"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = city_invitation_create(
            actor=world.admin, city=world.city, email=" Nuova.Collega@Comune.example ", role="officer", language="it"
        )
    assert invitation.email == "nuova.collega@comune.example"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nuova.collega@comune.example"]
    assert "Funzionario" in message.subject or "funzionario" in message.subject.lower()
    assert _link(message).startswith(f"https://csr.comune.example/it/{world.city.slug}/invitations/")
    token = _token(message)
    assert token not in invitation.token_hash  # only the hash is stored
    event = AuditEvent.objects.filter(city=world.city, verb="invitation.create").get()
    assert event.actor == world.admin


@pytest.mark.django_db
def test_a_new_person_accepts_once_gets_the_role_and_a_confirmed_address(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city_invitation_create(actor=world.admin, city=world.city, email="nuovo@comune.example", role="officer")
    token = _token(mail.outbox[0])
    person = city_invitation_accept(
        city=world.city, token=token, password=PASSWORD, first_name="Anna", last_name="Verdi"
    )
    assert person.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=person).verified
    assert city_roles(person, world.city) == {"officer"}
    assert person.has_perm("needs.review_need", world.city)
    with pytest.raises(ValidationError) as refused:
        city_invitation_accept(city=world.city, token=token, password=PASSWORD, first_name="X", last_name="Y")
    assert refused.value.code == "accepted"


@pytest.mark.django_db
def test_an_expired_or_replaced_invitation_is_refused_and_writes_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = city_invitation_create(actor=world.admin, city=world.city, email="tardi@comune.example", role="officer")
        city_invitation_create(actor=world.admin, city=world.city, email="tardi@comune.example", role="volunteer")
    old_token, new_token = _token(mail.outbox[0]), _token(mail.outbox[1])
    before = _written()
    with pytest.raises(ValidationError) as refused:
        city_invitation_accept(city=world.city, token=old_token, password=PASSWORD)
    assert refused.value.code == "withdrawn"
    first.refresh_from_db()
    assert first.revoked_at is not None
    CityInvitation.objects.filter(email="tardi@comune.example", revoked_at=None).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError) as refused:
        city_invitation_accept(city=world.city, token=new_token, password=PASSWORD)
    assert refused.value.code == "expired"
    with pytest.raises(ValidationError) as refused:
        city_invitation_accept(city=world.city, token="made-up", password=PASSWORD)
    assert refused.value.code == "unknown"
    assert _written() == before


@pytest.mark.django_db
def test_a_token_of_one_city_does_not_open_another(two_cities, django_capture_on_commit_callbacks):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk), django_capture_on_commit_callbacks(execute=True):
        city_invitation_create(actor=milan.admin, city=milan.city, email="x@comune.example", role="admin")
    with scope(city=nantes.city.pk), pytest.raises(ValidationError) as refused:
        city_invitation_accept(city=nantes.city, token=_token(mail.outbox[0]), password=PASSWORD)
    assert refused.value.code == "unknown"


@pytest.mark.django_db
def test_someone_with_an_account_must_be_logged_in_as_that_address(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city_invitation_create(actor=world.admin, city=world.city, email=world.resident.email, role="volunteer")
    token = _token(mail.outbox[0])
    with pytest.raises(ValidationError) as refused:  # the link alone does not reset a password
        city_invitation_accept(city=world.city, token=token, password=PASSWORD)
    assert refused.value.code == "log_in"
    with pytest.raises(ValidationError):
        city_invitation_accept(city=world.city, token=token, user=world.officer)
    assert city_invitation_accept(city=world.city, token=token, user=world.resident) == world.resident
    assert "volunteer" in city_roles(world.resident, world.city)


@pytest.mark.django_db
def test_only_the_city_admin_invites_and_bad_input_is_refused(world, two_cities):
    before = _written()
    for actor in (world.officer, world.representative, two_cities.nantes.admin):
        with pytest.raises(PermissionDenied):
            city_invitation_create(actor=actor, city=world.city, email="x@comune.example", role="officer")
    with pytest.raises(ValidationError) as refused:
        city_invitation_create(actor=world.admin, city=world.city, email="not an address", role="officer")
    assert refused.value.error_dict["email"][0].code == "invalid_email"
    with pytest.raises(ValidationError) as refused:
        city_invitation_create(actor=world.admin, city=world.city, email="x@comune.example", role="mayor")
    assert refused.value.error_dict["role"][0].code == "invalid_role"
    with pytest.raises(ValidationError) as refused:
        city_invitation_create(actor=world.admin, city=world.city, email=world.officer.email, role="officer")
    assert refused.value.error_dict["email"][0].code == "role_held"
    assert _written() == before


@pytest.mark.django_db
def test_roles_change_and_deactivate_but_the_city_keeps_an_admin(world):
    officer_role = CityRole.objects.get(user=world.officer)
    admin_role = CityRole.objects.get(user=world.admin)
    with pytest.raises(PermissionDenied):
        city_role_change(actor=world.officer, city_role=officer_role, role="admin")
    city_role_change(actor=world.admin, city_role=officer_role, role="volunteer")
    assert _roles(world.officer, world.city) == {"volunteer"}
    city_role_set_active(actor=world.admin, city_role=officer_role, active=False)
    assert _roles(world.officer, world.city) == set()
    assert not User.objects.get(pk=world.officer.pk).has_perm("needs.review_need", world.city)
    city_role_set_active(actor=world.admin, city_role=officer_role, active=True)
    assert _roles(world.officer, world.city) == {"volunteer"}
    verbs = list(AuditEvent.objects.filter(city=world.city, verb__startswith="role.").values_list("verb", flat=True))
    assert {"role.change", "role.deactivate", "role.reactivate"} <= set(verbs)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        city_role_set_active(actor=world.admin, city_role=admin_role, active=False)
    assert refused.value.error_dict["role"][0].code == "last_admin"
    with pytest.raises(ValidationError) as refused:
        city_role_change(actor=world.admin, city_role=admin_role, role="officer")
    assert refused.value.error_dict["role"][0].code == "last_admin"
    assert _written() == before


@pytest.mark.django_db
def test_an_admin_role_opens_the_django_admin_and_losing_it_closes_it(world):
    world.officer.refresh_from_db()
    assert not world.officer.is_staff
    role = CityRole.objects.get(user=world.officer)
    city_role_change(actor=world.admin, city_role=role, role="admin")
    world.officer.refresh_from_db()
    assert world.officer.is_staff
    city_role_set_active(actor=world.admin, city_role=role, active=False)
    world.officer.refresh_from_db()
    assert not world.officer.is_staff


# --- the commands --------------------------------------------------------------------------


@pytest.mark.django_db
def test_city_create_then_invite_onboard_a_city(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://csr.example.org"
    out = StringIO()
    call_command(
        "city_create",
        "--slug=torino",
        "--name=Torino",
        "--country=IT",
        "--languages=it,en",
        "--currency=EUR",
        "--timezone=Europe/Rome",
        stdout=out,
    )
    city = City.objects.get(slug="torino")
    assert (city.default_language, city.languages, city.theme) == ("it", ["it", "en"], "bootstrap-italia")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite", "--city=torino", "--email=sindaco@torino.example", "--role=admin", stdout=out)
    assert mail.outbox[0].to == ["sindaco@torino.example"]
    assert "https://csr.example.org/it/torino/invitations/" in mail.outbox[0].body
    with scope(city=city.pk):
        person = city_invitation_accept(city=city, token=_token(mail.outbox[0]), password=PASSWORD)
    assert city_roles(person, city) == {"admin"}
    assert person.is_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--slug=admin", "--name=X", "--country=IT", "--languages=it"], "slug"),
        (["--slug=Bad Slug", "--name=X", "--country=IT", "--languages=it"], "slug"),
        (["--slug=x", "--name=X", "--country=Italy", "--languages=it"], "country"),
        (["--slug=x", "--name=X", "--country=IT", "--languages=it,de"], "languages"),
        (["--slug=x", "--name=X", "--country=IT", "--languages=it", "--currency=LIRA"], "currency"),
        (["--slug=x", "--name=X", "--country=IT", "--languages=it", "--timezone=Mars/Olympus"], "timezone"),
        (["--slug=x", "--name=X", "--country=IT", "--languages=,"], "languages"),
    ],
)
def test_city_create_refuses_bad_input_and_writes_nothing(arguments, says):
    with scopes_disabled():
        before = (City.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command("city_create", *arguments)
    assert says in str(refused.value)
    with scopes_disabled():
        assert (City.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_invite_refuses_an_unknown_city_or_a_bad_address(world):
    before = _written()
    with pytest.raises(CommandError, match="no city"):
        call_command("invite", "--city=atlantis", "--email=a@b.example", "--role=admin")
    with pytest.raises(CommandError, match="email"):
        call_command("invite", f"--city={world.city.slug}", "--email=nope", "--role=admin")
    assert _written() == before
