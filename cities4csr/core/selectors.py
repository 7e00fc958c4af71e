from django.db.models import QuerySet

from .models import AuditEvent


def audit_events(*, city, verb: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(city=city).select_related("actor")
    if verb:
        qs = qs.filter(verb=verb)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs.order_by("-created_at", "-id")
