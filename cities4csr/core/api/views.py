from rest_framework import generics

from cities4csr.core.api.mixins import CityAPIMixin

from ..selectors import audit_events
from .serializers import AuditEventSerializer


class AuditEventListView(CityAPIMixin, generics.ListAPIView):
    """The city's audit trail (officers only), newest first; filter by verb."""

    rules_permissions = {"GET": "core.view_auditevent"}
    serializer_class = AuditEventSerializer

    def city_queryset(self):
        return audit_events(city=self.city, verb=self.request.query_params.get("verb", ""))
