"""Writes for organisations, their sites and people. Each permission-checked and audited."""

import datetime as dt
import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities4csr.accounts.models import User
from cities4csr.accounts.selectors import email_verified, user_by_email
from cities4csr.cities.selectors import areas_locate
from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log, person

from .models import CityInvitation, CityRole, Membership, Organisation, Site
from .rules import city_roles, roles_forget

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
        staff_sync(user)
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
        staff_sync(city_role.user)
    roles_forget(city_role.user)


# --- City roles managed by the city's admins, and e-mailed invitations -----------------------

#: how long an invitation's link works
INVITATION_VALID_FOR = dt.timedelta(days=7)


def _refuse(field: str | None, message: str, code: str):
    error = ValidationError(message, code=code)
    raise ValidationError({field: error}) if field else error


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_sync(user) -> None:
    """The Django admin is open to superusers and to people holding an active admin role in a
    city (cities4csr.core.admin shows them their cities' rows only): ``is_staff`` follows."""
    is_staff = user.is_superuser or (
        CityRole.objects.with_scopes_disabled().filter(user=user, role=CityRole.Role.ADMIN, is_active=True).exists()
    )
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def _active_admins(city) -> int:
    return CityRole.objects.with_scope(city=city.pk).filter(role=CityRole.Role.ADMIN, is_active=True).count()


def _keep_an_admin(city_role: CityRole) -> None:
    if city_role.role == CityRole.Role.ADMIN and city_role.is_active and _active_admins(city_role.city) <= 1:
        _refuse(
            "role",
            _("%(email)s is the city's only administrator: invite or name another one first.")
            % {"email": city_role.user.email},
            "last_admin",
        )


def city_invitation_create(*, actor, city, email: str, role: str, language: str = "") -> CityInvitation:
    """Invite ``email`` to take ``role`` in ``city``: the e-mail (in ``language``, else the city's)
    carries a link under SITE_URL that works once, for INVITATION_VALID_FOR."""
    require(actor, "organisations.grant_role", city)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        _refuse("email", _("Enter a valid e-mail address."), "invalid_email")
    if role not in CityRole.Role.values:
        _refuse("role", _("Choose one of the city's roles."), "invalid_role")
    language = language if language in city.languages else city.default_language
    existing = user_by_email(email=email)
    if existing is not None and role in city_roles(existing, city):
        _refuse("email", _("%(email)s already holds this role in the city.") % {"email": email}, "role_held")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        CityInvitation.objects.with_scope(city=city.pk).filter(email=email, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        invitation = CityInvitation.objects.with_scope(city=city.pk).create(
            city=city,
            email=email,
            role=role,
            language=language,
            token_hash=_token_hash(token),
            invited_by=person(actor),
            expires_at=now + INVITATION_VALID_FOR,
        )
        audit_log(actor=actor, city=city, verb="invitation.create", obj=invitation, payload={"role": role})
        transaction.on_commit(lambda: _invitation_send(invitation, token))
    return invitation


def invitation_url(*, invitation: CityInvitation, token: str) -> str:
    with translation.override(invitation.language or invitation.city.default_language):
        path = reverse("city_invitation_accept", kwargs={"city_slug": invitation.city.slug, "token": token})
    return settings.SITE_URL + path


def _invitation_send(invitation: CityInvitation, token: str) -> None:
    city = invitation.city
    with translation.override(invitation.language or city.default_language), timezone.override(city.timezone):
        context = {
            "city": city,
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation=invitation, token=token),
            "expires_at": invitation.expires_at,
            "inviter": invitation.invited_by,
        }
        subject = render_to_string("notifications/city_invitation_subject.txt", context)
        body = render_to_string("notifications/city_invitation.txt", context)
    send_mail(" ".join(subject.split()), body.strip(), settings.DEFAULT_FROM_EMAIL, [invitation.email])


def city_invitation_find(*, city, token: str) -> CityInvitation:
    """The invitation behind a link, or a refusal saying why it no longer works."""
    invitation = CityInvitation.objects.with_scope(city=city.pk).filter(token_hash=_token_hash(token)).first()
    if invitation is None:
        _refuse(None, _("This invitation link is not valid. Ask the city's administrator for a new one."), "unknown")
    if invitation.accepted_at is not None:
        _refuse(None, _("This invitation has already been accepted: log in with its address."), "accepted")
    if invitation.revoked_at is not None:
        _refuse(None, _("This invitation was replaced or withdrawn. Use the latest one you received."), "withdrawn")
    if invitation.expires_at <= timezone.now():
        _refuse(None, _("This invitation has expired. Ask the city's administrator for a new one."), "expired")
    return invitation


def city_invitation_accept(
    *, city, token: str, user=None, password: str = "", first_name: str = "", last_name: str = ""
):
    """Accept an invitation: the link proves the address, so it is confirmed; the person gets the
    role. Someone who already has an account must be logged in as that address (``user``);
    someone new chooses a password here. Returns the person."""
    with transaction.atomic():
        invitation = city_invitation_find(city=city, token=token)
        invitation = CityInvitation.objects.with_scope(city=city.pk).select_for_update().get(pk=invitation.pk)
        city_invitation_find(city=city, token=token)  # again, under the lock: accepted once
        existing = user_by_email(email=invitation.email)
        if existing is not None:
            if user is None or user.pk != existing.pk:
                _refuse(
                    None,
                    _("An account with %(email)s exists: log in with it, then open the link again.")
                    % {"email": invitation.email},
                    "log_in",
                )
            person_ = existing
        else:
            if not password:
                _refuse("password1", _("Choose a password."), "password_required")
            candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.error_list}) from None
            person_ = User.objects.create_user(
                invitation.email,
                password,
                first_name=first_name,
                last_name=last_name,
                preferred_language=invitation.language,
            )
        EmailAddress.objects.filter(user=person_, email__iexact=invitation.email).delete()
        EmailAddress.objects.create(
            user=person_,
            email=invitation.email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=person_, primary=True).exists(),
        )
        city_role = CityRole.objects.with_scope(city=city.pk).filter(user=person_, role=invitation.role).first()
        if city_role is None:
            city_role = CityRole.objects.with_scope(city=city.pk).create(city=city, user=person_, role=invitation.role)
        elif not city_role.is_active:
            city_role.is_active = True
            city_role.save(update_fields=["is_active", "updated_at"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = person_
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_log(actor=person_, city=city, verb="invitation.accept", obj=invitation, payload={"role": invitation.role})
        staff_sync(person_)
    roles_forget(person_)
    return person_


def city_role_change(*, actor, city_role: CityRole, role: str) -> CityRole:
    """Give the person another role in the city instead of this one."""
    require(actor, "organisations.grant_role", city_role.city)
    if role not in CityRole.Role.values:
        _refuse("role", _("Choose one of the city's roles."), "invalid_role")
    if role == city_role.role:
        return city_role
    with transaction.atomic():
        city_role = CityRole.objects.with_scope(city=city_role.city_id).select_for_update().get(pk=city_role.pk)
        _keep_an_admin(city_role)
        if CityRole.objects.with_scope(city=city_role.city_id).filter(user=city_role.user, role=role).exists():
            _refuse(
                "role",
                _("%(email)s already holds this role in the city.") % {"email": city_role.user.email},
                "role_held",
            )
        before = city_role.role
        city_role.role = role
        city_role.save(update_fields=["role", "updated_at"])
        audit_log(
            actor=actor, city=city_role.city, verb="role.change", obj=city_role, payload={"from": before, "to": role}
        )
        staff_sync(city_role.user)
    roles_forget(city_role.user)
    return city_role


def city_role_set_active(*, actor, city_role: CityRole, active: bool) -> CityRole:
    """Deactivate a role (it grants nothing, the person and their history stay) or reactivate it."""
    require(actor, "organisations.grant_role", city_role.city)
    with transaction.atomic():
        city_role = CityRole.objects.with_scope(city=city_role.city_id).select_for_update().get(pk=city_role.pk)
        if city_role.is_active == active:
            return city_role
        if not active:
            _keep_an_admin(city_role)
        city_role.is_active = active
        city_role.save(update_fields=["is_active", "updated_at"])
        audit_log(
            actor=actor,
            city=city_role.city,
            verb="role.reactivate" if active else "role.deactivate",
            obj=city_role,
            payload={"role": city_role.role},
        )
        staff_sync(city_role.user)
    roles_forget(city_role.user)
    return city_role
