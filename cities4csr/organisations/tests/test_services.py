"""Organisation services: validation, permission, audit, area resolution."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.organisations import identifiers
from cities4csr.organisations.models import Organisation
from cities4csr.organisations.services import organisation_create, organisation_update, site_add


def audit_count(**filters):
    with scopes_disabled():
        return AuditEvent.objects.filter(**filters).count()


@pytest.mark.django_db
def test_officer_creates_an_organisation_and_it_is_audited(in_milano, users):
    officer = users["milano", "officer"]
    organisation = organisation_create(
        actor=officer,
        city=in_milano,
        name="Acme Italia S.r.l.",
        kind="company",
        vat_number="IT12345670157",
        nace_section="J",
        size_band="small",
    )
    with scopes_disabled():
        event = AuditEvent.objects.get(verb="organisation.create", object_id=str(organisation.pk))
    assert (event.actor, event.city) == (officer, in_milano)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"vat_number": "IT12345670158"}, "vat_number"),
        ({"tax_code": "RSSMRA85T10A562A"}, "tax_code"),
        ({"siren": "123456789"}, "siren"),
        ({"kind": "pirate"}, "kind"),
        ({"name": ""}, "name"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(in_milano, users, fields, field):
    before = (Organisation.objects.count(), audit_count())
    with pytest.raises(ValidationError) as info:
        organisation_create(
            actor=users["milano", "officer"], city=in_milano, **{"name": "Bad S.r.l.", "kind": "company", **fields}
        )
    assert field in info.value.message_dict
    assert (Organisation.objects.count(), audit_count()) == before


@pytest.mark.django_db
def test_duplicate_name_in_the_same_city_is_refused(in_milano, users):
    with pytest.raises(ValidationError):
        organisation_create(actor=users["milano", "officer"], city=in_milano, name="Assolombarda", kind="association")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "volunteer", "representative"])
def test_who_may_not_create_is_refused(in_milano, users, role):
    with pytest.raises(PermissionDenied):
        organisation_create(actor=users["milano", role], city=in_milano, name="Nope S.r.l.", kind="company")


@pytest.mark.django_db
def test_representative_updates_own_organisation_with_a_diff_in_the_audit(in_milano, users):
    rep = users["milano", "representative"]
    company = rep.memberships.get().organisation
    new_size = "micro" if company.size_band != "micro" else "large"
    organisation_update(actor=rep, organisation=company, size_band=new_size)
    with scopes_disabled():
        event = AuditEvent.objects.filter(verb="organisation.update").latest("id")
    assert event.payload["changed"]["size_band"][1] == new_size


@pytest.mark.django_db
def test_site_is_resolved_to_nil_and_municipio(in_milano, users):
    company = Organisation.objects.get(name="Assolombarda")
    site = site_add(actor=users["milano", "officer"], organisation=company, label="Corvetto", lat=45.4403, lon=9.2235)
    assert sorted((a.kind, a.code) for a in site.areas.all()) == [("municipio", "4"), ("nil", "35")]


@pytest.mark.django_db
def test_site_with_impossible_coordinates_is_refused(in_milano, users):
    company = Organisation.objects.get(name="Assolombarda")
    with pytest.raises(ValidationError):
        site_add(actor=users["milano", "officer"], organisation=company, label="X", lat=123, lon=9.2)


@pytest.mark.django_db
def test_audit_rolls_back_with_the_change(in_milano, users):
    before = (Organisation.objects.count(), audit_count())
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation_create(actor=users["milano", "officer"], city=in_milano, name="Rolled S.r.l.", kind="company")
        raise RuntimeError("boom")
    assert (Organisation.objects.count(), audit_count()) == before


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (identifiers.italian_vat_ok, ["IT00743110157", "00743110157"], ["IT00743110158", "1234", "00000000000"]),
        (identifiers.italian_tax_code_ok, ["RSSMRA85T10A562S", "00743110157"], ["RSSMRA85T10A562A", "ABC"]),
        (identifiers.siren_ok, ["732829320", "552 100 554"], ["732829321", "12345678"]),
        (
            identifiers.vat_ok,
            # the network's countries too: each by its own rules, no longer only by their format
            ["FR44732829320", "DE123456788", "BG175074752", "HR33392005961", "ESB58378431", "PT501964843"],
            ["FR00732829320", "DE123456789", "PT501964844", "X"],
        ),
    ],
)
def test_identifier_check_digits(check, good, bad):
    assert all(check(v) for v in good)
    assert not any(check(v) for v in bad)
