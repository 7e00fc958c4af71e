import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent, EmailOptOut, Notification


def audit_events(
    *,
    city,
    verb: str = "",
    object_type: str = "",
    actor=None,
    q: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int | None = None,
) -> QuerySet[AuditEvent]:
    """The city's audit trail, newest first: by verb, kind of object, person (a user or an id),
    words of the object's recorded title, and days (``since`` and ``until`` included, in the
    city's time). ``limit`` for a "recent activity" list; ``core.activity.activity_rows`` turns
    the events into sentences people read."""
    qs = AuditEvent.objects.filter(city=city).select_related("actor")
    if verb:
        qs = qs.filter(verb=verb)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor is not None:
        qs = qs.filter(actor_id=getattr(actor, "pk", actor))
    if q:
        qs = qs.filter(object_repr__icontains=q)
    if since:
        qs = qs.filter(created_at__gte=_day_start(since))
    if until:
        qs = qs.filter(created_at__lt=_day_start(until + datetime.timedelta(days=1)))
    qs = qs.order_by("-created_at", "-id")
    return qs[:limit] if limit else qs


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_actors(*, city) -> list:
    """The people who appear in the city's trail, for a filter: (id, name), by name."""
    from django.contrib.auth import get_user_model

    from .activity import person_name

    User = get_user_model()  # noqa: N806
    ids = (
        AuditEvent.objects.filter(city=city, actor__isnull=False)
        .order_by()
        .values_list("actor_id", flat=True)
        .distinct()
    )
    people = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")
    return sorted(((u.pk, person_name(u)) for u in people), key=lambda p: p[1].lower())


def notifications_of(*, user, city) -> QuerySet[Notification]:
    """A person's inbox in a city, newest first."""
    return Notification.objects.filter(city=city, user=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user, city) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(city=city, user=user, read_at__isnull=True).count()


def email_opt_outs(*, user) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))


def activity_recent(*, city, limit: int = 10, **filters) -> list:
    """The latest events of the city's trail as sentences, for a "recent activity" list (render
    them with ``{% include "includes/activity_list.html" with rows=... %}``). The caller checks
    that the reader may see the trail (``core.view_auditevent``)."""
    from .activity import activity_rows

    return activity_rows(audit_events(city=city, limit=limit, **filters), city=city)
