from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin

from ..selectors import audit_events, notifications_of
from ..services import notifications_mark_read
from .permissions import CityRulesPermission
from .serializers import (
    AuditEventSerializer,
    NotificationReadResultSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)


class AuditEventListView(CityAPIMixin, generics.ListAPIView):
    """The city's audit trail (officers only), newest first; filter by verb."""

    rules_permissions = {"GET": "core.view_auditevent"}
    serializer_class = AuditEventSerializer

    def city_queryset(self):
        return audit_events(city=self.city, verb=self.request.query_params.get("verb", ""))


class NotificationListView(CityAPIMixin, generics.ListAPIView):
    """The signed-in person's notifications in this city, newest first; ``unread=true`` for the
    unread ones only."""

    permission_classes = [IsAuthenticated, CityRulesPermission]
    rules_permissions = {"GET": None}
    serializer_class = NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only the unread ones.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def city_queryset(self):
        qs = notifications_of(user=self.request.user, city=self.city)
        if self.request.query_params.get("unread") in ("true", "1"):
            qs = qs.filter(read_at__isnull=True)
        return qs


class NotificationReadView(CityAPIMixin, APIView):
    """Mark some of one's notifications in this city read (``ids``), or all of them (``all``)."""

    permission_classes = [IsAuthenticated, CityRulesPermission]
    rules_permissions = {"POST": None}

    @extend_schema(
        request=NotificationReadSerializer, responses={200: NotificationReadResultSerializer, 400: ErrorSerializer}
    )
    def post(self, request, city_slug):
        query = NotificationReadSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        ids = None if query.validated_data["all"] else query.validated_data["ids"]
        marked = notifications_mark_read(actor=request.user, city=self.city, ids=ids)
        return Response({"marked": marked})
