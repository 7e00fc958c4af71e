"""Writes: a person creates and revokes their own keys, audited in the key's city."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_api_key.crypto import KeyGenerator

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log

from .models import ApiKey

#: a key lives at most a year, 90 days unless its owner says otherwise
MAX_DAYS = 365
DEFAULT_DAYS = 90
#: keys in use (neither revoked nor expired) one person may hold in one city
MAX_ACTIVE = 10

key_generator = KeyGenerator(prefix_length=12, secret_key_length=40)


def api_key_create(*, actor, city, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiKey, str]:
    """A new key for ``actor`` in ``city``, valid ``days`` days. Returns the row and the key
    itself, which is not stored anywhere and cannot be shown again."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    require(actor, "accounts.add_apikey", city)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ValidationError(_("Give the key a name, e.g. the program that will use it."), code="required")
    elif len(name) > ApiKey._meta.get_field("name").max_length:
        errors["name"] = ValidationError(_("The name is too long: at most 80 characters."), code="too_long")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = ValidationError(
            _("A key is valid from 1 to %(max)s days.") % {"max": MAX_DAYS}, code="invalid_days"
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        active = (
            ApiKey.objects.with_scopes_disabled()
            .select_for_update()
            .filter(city=city, owner=actor, revoked_at__isnull=True, expires_at__gt=now)
            .count()
        )
        if active >= MAX_ACTIVE:
            raise ValidationError(
                _("You already have %(max)s keys in use here: revoke one first.") % {"max": MAX_ACTIVE},
                code="too_many_keys",
            )
        key, prefix, hashed_key = key_generator.generate()
        api_key = ApiKey.objects.with_scopes_disabled().create(
            city=city,
            owner=actor,
            name=name,
            prefix=prefix,
            hashed_key=hashed_key,
            expires_at=now + timedelta(days=days),
        )
        audit_log(
            actor=actor,
            city=city,
            verb="apikey.create",
            obj=api_key,
            payload={"prefix": prefix, "expires_at": api_key.expires_at.isoformat()},
        )
    return api_key, key


def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    """Revoke one of ``actor``'s keys: from now on it is refused (401)."""
    if actor is None or not actor.is_authenticated or api_key.owner_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        api_key = ApiKey.objects.with_scopes_disabled().select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is not None:
            raise ValidationError(_("This key is already revoked."), code="already")
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        audit_log(actor=actor, city=api_key.city, verb="apikey.revoke", obj=api_key, payload={"prefix": api_key.prefix})
    return api_key
