from django.db.models import QuerySet

from .models import AuditEvent, EmailOptOut, Notification


def audit_events(*, city, verb: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(city=city).select_related("actor")
    if verb:
        qs = qs.filter(verb=verb)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs.order_by("-created_at", "-id")


def notifications_of(*, user, city) -> QuerySet[Notification]:
    """A person's inbox in a city, newest first."""
    return Notification.objects.filter(city=city, user=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user, city) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(city=city, user=user, read_at__isnull=True).count()


def email_opt_outs(*, user) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
