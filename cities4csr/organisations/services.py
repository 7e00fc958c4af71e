"""Writes for organisations, their sites and people. Each permission-checked and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cities4csr.accounts.selectors import email_verified
from cities4csr.cities.selectors import areas_locate
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log

from .models import CityRole, Membership, Organisation, Site
from .rules import roles_forget

ORGANISATION_FIELDS = Organisation.EDITABLE_FIELDS


def organisation_create(*, actor, city, **fields) -> Organisation:
    require(actor, "organisations.add_organisation", city)
    organisation = Organisation(city=city, **{k: v for k, v in fields.items() if k in ORGANISATION_FIELDS})
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_log(
            actor=actor, city=city, verb="organisation.create", obj=organisation, payload={"kind": organisation.kind}
        )
    return organisation


def organisation_update(*, actor, organisation: Organisation, **changes) -> Organisation:
    require(actor, "organisations.change_organisation", organisation)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    before = {key: getattr(organisation, key) for key in changes}
    for key, value in changes.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    changed = {key: [before[key], value] for key, value in changes.items() if before[key] != value}
    with transaction.atomic():
        organisation.save()
        audit_log(
            actor=actor,
            city=organisation.city,
            verb="organisation.update",
            obj=organisation,
            payload={"changed": changed},
        )
    return organisation


def site_add(*, actor, organisation: Organisation, label: str, lat: float, lon: float, address: str = "") -> Site:
    """Add a site and resolve it to the city's areas (none when it lies outside the city)."""
    require(actor, "organisations.change_organisation", organisation)
    site = Site(city=organisation.city, organisation=organisation, label=label, address=address, lat=lat, lon=lon)
    site.full_clean()
    with transaction.atomic():
        site.save()
        areas = areas_locate(city=organisation.city, lon=lon, lat=lat)
        site.areas.set(areas)
        audit_log(
            actor=actor,
            city=organisation.city,
            verb="site.add",
            obj=site,
            payload={"lat": lat, "lon": lon, "areas": [a.code for a in areas]},
        )
    return site


def site_update(*, actor, site: Site, label=None, address=None, lat=None, lon=None) -> Site:
    """Correct a site's name, address or place; a new place is resolved to the city's areas again
    (matching reads it at its next recomputation)."""
    require(actor, "organisations.change_organisation", site.organisation)
    with transaction.atomic():
        locked = Site.objects.select_for_update(of=("self",)).get(pk=site.pk)
        before = {"label": locked.label, "address": locked.address, "lat": locked.lat, "lon": locked.lon}
        for name, value in (("label", label), ("address", address), ("lat", lat), ("lon", lon)):
            if value is not None:
                setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        payload = {"fields": sorted(k for k, v in before.items() if getattr(locked, k) != v)}
        if locked.lat != before["lat"] or locked.lon != before["lon"]:
            areas = areas_locate(city=locked.city, lon=locked.lon, lat=locked.lat)
            locked.areas.set(areas)
            payload["areas"] = [a.code for a in areas]
        audit_log(actor=actor, city=locked.city, verb="site.update", obj=locked, payload=payload)
    return locked


def site_delete(*, actor, site: Site) -> None:
    """Remove a site (moved away, typed twice). Pledges and agreements never name a site; stored
    recommendations that cite it lose that reason at the next recomputation."""
    require(actor, "organisations.change_organisation", site.organisation)
    with transaction.atomic():
        locked = Site.objects.select_for_update(of=("self",)).get(pk=site.pk)
        audit_log(
            actor=actor,
            city=locked.city,
            verb="site.delete",
            obj=locked,
            payload={"label": locked.label, "lat": locked.lat, "lon": locked.lon},
        )
        locked.delete()


def require_verified_email(user) -> None:
    """A role goes only to a confirmed address: otherwise anyone could register a future
    colleague's address and receive that colleague's role."""
    if not email_verified(user=user):
        raise ValidationError(
            {
                "email": ValidationError(
                    _(
                        "%(email)s has not confirmed this e-mail address yet: ask them to open the confirmation "
                        "link sent when they registered (or to request a new one from their account), then try again."
                    )
                    % {"email": user.email},
                    code="email_not_verified",
                )
            }
        )


def membership_add(*, actor, organisation: Organisation, user, role: str = Membership.Role.MEMBER) -> Membership:
    require(actor, "organisations.manage_members", organisation)
    require_verified_email(user)
    membership = Membership(city=organisation.city, organisation=organisation, user=user, role=role)
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        audit_log(
            actor=actor,
            city=organisation.city,
            verb="membership.add",
            obj=membership,
            payload={"user": user.email, "role": role},
        )
    roles_forget(user)
    return membership


def city_role_grant(*, actor, city, user, role: str) -> CityRole:
    require(actor, "organisations.grant_role", city)
    require_verified_email(user)
    city_role = CityRole(city=city, user=user, role=role)
    city_role.full_clean()
    with transaction.atomic():
        city_role.save()
        audit_log(actor=actor, city=city, verb="role.grant", obj=city_role, payload={"user": user.email, "role": role})
    roles_forget(user)
    return city_role


def city_role_revoke(*, actor, city_role: CityRole) -> None:
    require(actor, "organisations.grant_role", city_role.city)
    with transaction.atomic():
        audit_log(
            actor=actor,
            city=city_role.city,
            verb="role.revoke",
            obj=city_role,
            payload={"user": city_role.user.email, "role": city_role.role},
        )
        city_role.delete()
    roles_forget(city_role.user)
