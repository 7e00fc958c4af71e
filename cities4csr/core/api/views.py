from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cities4csr.core.api.exceptions import ErrorSerializer
from cities4csr.core.api.mixins import CityAPIMixin

from ..activity import activity_rows
from ..forms import ActivityFilterForm
from ..selectors import audit_actors, audit_events, notifications_of
from ..services import notifications_mark_read
from .permissions import CityRulesPermission
from .serializers import (
    AuditEventSerializer,
    NotificationReadResultSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)


class AuditEventListView(CityAPIMixin, generics.ListAPIView):
    """The city's audit trail (its officers and administrators only), newest first, each event
    also as a sentence in the request's language; the filters of the activity page."""

    rules_permissions = {"GET": "core.view_auditevent"}
    serializer_class = AuditEventSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", int, description="The id of the person who acted."),
            OpenApiParameter("object_type", str, description="The kind of object, e.g. needs.need."),
            OpenApiParameter("q", str, description="Words of the object's title."),
            OpenApiParameter("verb", str, description="What was done, e.g. need.publish."),
            OpenApiParameter("since", OpenApiTypes.DATE, description="From this day (included)."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Until this day (included)."),
        ],
        responses={200: AuditEventSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def city_queryset(self):
        form = ActivityFilterForm(self.request.query_params, actors=audit_actors(city=self.city))
        if not form.is_valid():
            raise serializers.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        return audit_events(city=self.city, **form.filters())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        events = page if page is not None else list(queryset)
        for event, row in zip(events, activity_rows(events, city=self.city), strict=True):
            event.row = row
        return page


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
