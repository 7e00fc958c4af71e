"""Every permission, for every role, in Milan: who may and who may not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope

from cities4csr.organisations.models import Organisation
from cities4csr.organisations.services import membership_add, organisation_create

ROLES = ["admin", "officer", "representative", "member", "volunteer", "public", "anonymous", "nantes_admin"]

# perm -> (object, the roles that may)
MATRIX = {
    "cities.change_city": ("city", {"admin"}),
    "cities.load_areas": ("city", {"admin"}),
    "organisations.grant_role": ("city", {"admin"}),
    "core.view_auditevent": ("city", {"admin", "officer"}),
    "needs.change_action": ("city", {"admin", "officer"}),
    "organisations.add_organisation": ("city", {"admin", "officer"}),
    "organisations.change_organisation": ("company", {"admin", "officer", "representative"}),
    "organisations.manage_members": ("company", {"admin", "officer", "representative"}),
    "organisations.view_members": ("company", {"admin", "officer", "representative", "member"}),
    "organisations.view_organisation": ("private", {"admin", "officer", "representative", "member"}),
}


@pytest.fixture
def actors(milano, users):
    from cities4csr.accounts.models import User

    with scope(city=milano.pk):
        company = organisation_create(actor=None, city=milano, name="Rules Test S.r.l.", kind="company")
        private = organisation_create(
            actor=None, city=milano, name="Private Test S.r.l.", kind="company", is_public=False
        )
        rep = User.objects.create_user("rep@test.example")
        member = User.objects.create_user("member@test.example")
        for person in (rep, member):  # roles need a confirmed address
            person.emailaddress_set.create(email=person.email, verified=True, primary=True)
        for organisation in (company, private):
            membership_add(actor=None, organisation=organisation, user=rep, role="representative")
            membership_add(actor=None, organisation=organisation, user=member, role="member")
    people = {
        "admin": users["milano", "admin"],
        "officer": users["milano", "officer"],
        "representative": rep,
        "member": member,
        "volunteer": users["milano", "volunteer"],
        "public": users["milano", "public"],
        "anonymous": AnonymousUser(),
        "nantes_admin": users["nantes", "admin"],
    }
    return people, {"city": milano, "company": company, "private": private}


@pytest.mark.django_db
@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_permission_per_role(perm, actors):
    people, objects = actors
    target, allowed = MATRIX[perm]
    granted = {role for role in ROLES if people[role].has_perm(perm, objects[target])}
    assert granted == allowed


@pytest.mark.django_db
def test_public_organisations_are_visible_to_everyone(actors):
    people, objects = actors
    assert all(people[role].has_perm("organisations.view_organisation", objects["company"]) for role in ROLES)


@pytest.mark.django_db
def test_a_representative_elsewhere_is_not_one_here(actors, milano):
    people, objects = actors
    with scope(city=milano.pk):
        other = organisation_create(actor=None, city=milano, name="Other S.r.l.", kind=Organisation.Kind.COMPANY)
    assert not people["representative"].has_perm("organisations.change_organisation", other)
