"""``Authorization: Api-Key <prefix>.<secret>``: the request acts as the key's owner, in the key's
city only. A key that is unknown, wrong, revoked, expired or used under another city's URL is a
401; ``request.auth`` is the ApiKey, so that a view can tell a key from a session."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiKey
from .services import key_generator

KEYWORD = "Api-Key"
#: last_used_at is written at most once per this many seconds per key
_TOUCH_EVERY = 300


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key after 'Api-Key ', with no space in it."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        prefix, dot, _secret = key.partition(".")
        api_key = None
        if dot and 0 < len(prefix) <= 16:
            api_key = (
                ApiKey.objects.with_scopes_disabled().select_related("owner", "city").filter(prefix=prefix).first()
            )
        if api_key is None or not key_generator.verify(key, api_key.hashed_key):
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if api_key.is_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        city = getattr(request._request, "city", None)
        if city is not None and city.pk != api_key.city_id:
            raise exceptions.AuthenticationFailed(_("This API key is for another city."))
        if not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed(_("This API key's owner can no longer log in."))
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > _TOUCH_EVERY:
            ApiKey.objects.with_scopes_disabled().filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.owner, api_key

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A personal API key: "Api-Key <key>". It acts with its owner\'s roles, in its city only; '
            "create and revoke keys on the API keys page or under /api/v1/cities/{city_slug}/api-keys/.",
        }
