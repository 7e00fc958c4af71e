"""A person erases their account: no personal data of theirs is left anywhere in the database,
and every count and total of the city is what it was (issue 13, "Done when")."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_scopes import scopes_disabled

from cities4csr.accounts.models import Consent, User
from cities4csr.accounts.tests.factories import PASSWORD
from cities4csr.core.models import AuditEvent
from cities4csr.organisations.models import CityRole, Membership
from cities4csr.pledges.selectors import contributions_of_organisation
from cities4csr.privacy.models import Erasure
from cities4csr.privacy.services import (
    USER_RELATIONS,
    account_erase,
    account_erase_for_retention,
    user_relations,
)

from .conftest import COLLEAGUE_EMAIL, EMAIL, NAME, TAX_ID, ledger_snapshot, text_hits

ERASED_ROWS = {
    # what erasure deletes or ends, by design: her e-mail address, her membership
    "account.emailaddress:rows": -1,
    "organisations.membership:rows": -1,
}


def _figures_apart_from_erasure(before, after):
    diff = {}
    for key in sorted(set(before) | set(after)):
        if key in ("core.auditevent:rows", "privacy.erasure:rows"):
            continue
        delta = (after.get(key) or 0) - (before.get(key) or 0)
        if delta != ERASED_ROWS.get(key, 0):
            diff[key] = (before.get(key), after.get(key))
    return diff


@pytest.mark.django_db
def test_erasure_leaves_no_personal_data_and_the_figures_reconcile(world, person):
    assert text_hits(EMAIL, NAME)  # the search does find her before
    with scopes_disabled():
        before = ledger_snapshot()
        audit_ids = set(AuditEvent.objects.values_list("pk", flat=True))
        authored = set(AuditEvent.objects.filter(actor=person.user).values_list("pk", flat=True))
    contributions_before = [
        (p.pk, p.value_cents) for p in contributions_of_organisation(city=world.city, organisation=world.company)
    ]

    erasure = account_erase(actor=person.user, user=person.user, password=PASSWORD)

    # no e-mail address or name of hers in any column of any table
    assert text_hits(EMAIL, NAME, "Testaccio", TAX_ID) == []
    with scopes_disabled():
        after = ledger_snapshot()
        # every count and total is unchanged, apart from her e-mail address and her membership
        assert _figures_apart_from_erasure(before, after) == {}
        # the audit trail lost nothing: every row is still there, hers under the pseudonym
        assert audit_ids <= set(AuditEvent.objects.values_list("pk", flat=True))
        assert set(AuditEvent.objects.filter(actor=person.user).values_list("pk", flat=True)) >= authored
        labels = set(AuditEvent.objects.filter(pk__in=authored).values_list("actor_label", flat=True))
        assert labels == {f"{erasure.pseudonym}@erased.invalid"}
        # the pledge and its evidence are hers still, under the pseudonym
        person.pledge.refresh_from_db()
        assert person.pledge.created_by_id == person.user.pk
        assert person.pledge.evidence.get().uploaded_by_id == person.user.pk
        assert f"{erasure.pseudonym}@erased.invalid" in person.pledge.message
        person.declined.refresh_from_db()
        assert person.declined.reason == f"Sentito {erasure.pseudonym} al telefono"
        # the erasure itself is audited in her city, as are her membership's end and the consent's withdrawal
        verbs = list(
            AuditEvent.objects.exclude(pk__in=audit_ids).order_by("pk").values_list("verb", "city_id", "actor_id")
        )
        assert ("account.erase", world.city.pk, person.user.pk) in verbs
        assert ("membership.end", world.city.pk, person.user.pk) in verbs
        assert ("consent.withdraw", world.city.pk, person.user.pk) in verbs
        # the consent record stays, withdrawn
        assert Consent.objects.get(user=person.user).withdrawn_at is not None
        assert not Membership.objects.filter(user=person.user).exists()
        # her colleague is untouched
        assert Membership.objects.filter(user__email=COLLEAGUE_EMAIL).exists()
    assert [
        (p.pk, p.value_cents) for p in contributions_of_organisation(city=world.city, organisation=world.company)
    ] == contributions_before

    user = User.objects.get(pk=person.user.pk)
    assert (user.is_active, user.has_usable_password(), user.first_name, user.last_name) == (False, False, "", "")
    assert user.email == f"{erasure.pseudonym}@erased.invalid"
    assert erasure.reason == Erasure.Reason.REQUEST and erasure.cities == [world.city.slug]
    # she can no longer log in
    assert not Client().login(email=EMAIL, password=PASSWORD)


@pytest.mark.django_db
def test_a_wrong_password_erases_and_writes_nothing(world, person):
    with scopes_disabled():
        before = ledger_snapshot()
        audit = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        account_erase(actor=person.user, user=person.user, password="not-my-password")
    assert refused.value.error_dict["password"][0].code == "wrong_password"
    with scopes_disabled():
        assert ledger_snapshot() == before
        assert AuditEvent.objects.count() == audit
    assert User.objects.get(pk=person.user.pk).email == EMAIL


@pytest.mark.django_db
def test_nobody_erases_another_persons_account(world, person):
    """Not an officer, not the city's administrator, not a superuser: only the person."""
    superuser = User.objects.create_superuser("root@example.org", "root-password")
    for actor in (world.officer, world.admin, superuser, world.representative):
        with pytest.raises(PermissionDenied):
            account_erase(actor=actor, user=person.user, password=PASSWORD)
    assert User.objects.get(pk=person.user.pk).is_active


@pytest.mark.django_db
def test_the_last_representative_is_told_what_to_do_first(world):
    # the third-sector body has one representative only
    with pytest.raises(ValidationError) as refused:
        account_erase(
            actor=world.third_sector_representative, user=world.third_sector_representative, password=PASSWORD
        )
    assert [e.code for e in refused.value.error_list] == ["last_representative"]
    assert "Members page" in refused.value.error_list[0].message
    assert world.third_sector.name in refused.value.error_list[0].message
    assert User.objects.get(pk=world.third_sector_representative.pk).is_active
    # the system's retention purge keeps the account too
    assert account_erase_for_retention(user=world.third_sector_representative, reason="inactive") is None


@pytest.mark.django_db
def test_the_last_city_administrator_is_told_what_to_do_first(world):
    with pytest.raises(ValidationError) as refused:
        account_erase(actor=world.admin, user=world.admin, password=PASSWORD)
    assert [e.code for e in refused.value.error_list] == ["last_city_admin"]
    # a second administrator whose role is deactivated is no administrator: still refused
    from cities4csr.organisations.tests.factories import with_role

    second = with_role(world.city, "admin")
    with scopes_disabled():
        CityRole.objects.filter(user=second, city=world.city).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        account_erase(actor=world.admin, user=world.admin, password=PASSWORD)
    assert [e.code for e in refused.value.error_list] == ["last_city_admin"]
    # with a second active administrator, the first may go; their role ends, audited
    with scopes_disabled():
        CityRole.objects.filter(user=second, city=world.city).update(is_active=True)
    account_erase(actor=world.admin, user=world.admin, password=PASSWORD)
    with scopes_disabled():
        assert not CityRole.objects.filter(user=world.admin).exists()
        assert AuditEvent.objects.filter(verb="role.revoke", actor=world.admin).exists()


@pytest.mark.django_db
def test_every_relation_to_a_person_is_classified():
    """A new model pointing at the user fails here until erasure says what becomes of it."""
    assert sorted(label for label, _model, _field in user_relations() if label not in USER_RELATIONS) == []


@pytest.mark.django_db
def test_erasure_deletes_the_accounts_credentials(world, person):
    from cities4csr.accounts.apikeys.models import ApiKey
    from cities4csr.accounts.apikeys.services import api_key_create

    api_key_create(actor=person.user, city=world.city, name="Gestionale")
    account_erase(actor=person.user, user=person.user, password=PASSWORD)
    assert not ApiKey.objects.with_scopes_disabled().filter(owner=person.user).exists()
    assert not EmailAddress.objects.filter(user=person.user).exists()
