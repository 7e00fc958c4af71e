"""/api/v1/cities/<city>/api-keys/: a person lists, creates and revokes their own keys.

A key cannot make or list keys: a leaked key must not be able to outlive its own expiry or
revocation by minting another. Creating needs a signed-in session (or the page)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.fields import IdField

from . import selectors, services
from .models import ApiKey


class ApiKeySerializer(serializers.ModelSerializer):
    usable = serializers.BooleanField(source="is_usable", read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at", "usable"]


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(
        help_text="The key itself, shown this once: it is not stored and cannot be shown again."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    days = serializers.IntegerField(min_value=1, max_value=services.MAX_DAYS, default=services.DEFAULT_DAYS)


class _NotByKey:
    """Keys are managed with a session, never with a key."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiKey):
            raise PermissionDenied("API keys are managed while signed in, not with an API key.")


class ApiKeyListView(_NotByKey, generics.ListAPIView):
    """The caller's own API keys in this city, newest first (revoked and expired ones too)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiKeySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiKey.objects.none()
        return selectors.api_keys_of(actor=self.request.user, city=self.request.city)

    @extend_schema(request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer, 400: ErrorSerializer})
    def post(self, request, city_slug):
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, key = services.api_key_create(
            actor=request.user, city=request.city, name=data.validated_data["name"], days=data.validated_data["days"]
        )
        api_key.key = key
        return Response(ApiKeyCreatedSerializer(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyRevokeView(_NotByKey, APIView):
    """Revoke one of the caller's keys: from now on it gets 401. Revoking it again is a 400 (code
    ``already``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ApiKeySerializer, 400: ErrorSerializer})
    def post(self, request, city_slug, pk):
        api_key = selectors.api_key_of(actor=request.user, city=request.city, pk=IdField().run_validation(pk))
        if api_key is None:
            raise Http404
        return Response(ApiKeySerializer(services.api_key_revoke(actor=request.user, api_key=api_key)).data)
