"""The audit writer every state-changing service calls inside its transaction, and who acted."""

from django.db import transaction
from django.utils import timezone

from .models import AuditEvent, EmailOptOut, Notification


def person(actor):
    """The user behind a service call, for a "created by" column: None for the system (demo
    loader, commands, background tasks) and for anonymous visitors."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_log(*, actor, city, verb: str, obj, payload: dict | None = None) -> AuditEvent:
    """Record ``actor`` doing ``verb`` to ``obj`` in ``city``.

    Must run inside the caller's ``transaction.atomic`` block so the event and the change
    commit or roll back together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside transaction.atomic")
    return AuditEvent.objects.with_scopes_disabled().create(
        city=city,
        actor=person(actor),
        actor_label=getattr(actor, "email", "") or "system",
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        payload=payload or {},
    )


def notifications_mark_read(*, actor, city, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications in ``city`` read: those of ``ids``, or all. Returns how
    many changed. Not audited: reading one's inbox changes nothing of the city's."""
    qs = Notification.objects.filter(city=city, user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, actor, kinds_by_email: set[str], kinds: set[str]) -> None:
    """The kinds of notification ``actor`` gets by e-mail, out of ``kinds``: the person's own
    setting, for every city. Not audited, as reading one's inbox is not: it changes nothing of a
    city's (the audit trail is the cities' record of their own data)."""
    unknown = kinds_by_email - kinds
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    EmailOptOut.objects.filter(user=actor).exclude(kind__in=kinds - kinds_by_email).delete()
    for kind in sorted(kinds - kinds_by_email):
        EmailOptOut.objects.get_or_create(user=actor, kind=kind)
