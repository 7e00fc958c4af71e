"""The audit writer every state-changing service calls inside its transaction, and who acted."""

from django.db import router, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from .bulk import rows_insert
from .models import AuditEvent, EmailOptOut, Notification


def person(actor):
    """The user behind a service call, for a "created by" column: None for the system (demo
    loader, commands, background tasks) and for anonymous visitors."""
    return actor if actor is not None and actor.is_authenticated else None


def _audit_event(*, actor, city, verb: str, obj, payload: dict | None) -> AuditEvent:
    return AuditEvent(
        city=city,
        actor=person(actor),
        actor_label=getattr(actor, "email", "") or "system",
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        payload=payload or {},
    )


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside transaction.atomic")


def audit_log(*, actor, city, verb: str, obj, payload: dict | None = None) -> AuditEvent:
    """Record ``actor`` doing ``verb`` to ``obj`` in ``city``.

    Must run inside the caller's ``transaction.atomic`` block so the event and the change
    commit or roll back together.
    """
    _in_transaction()
    event = _audit_event(actor=actor, city=city, verb=verb, obj=obj, payload=payload)
    event.save()
    return event


def audit_log_many(*, actor, city, events: list[tuple[str, object, dict | None]]) -> list[AuditEvent]:
    """``audit_log`` for many ``(verb, obj, payload)`` of one actor in one city (a batch written
    at once): the same rows in one write (``core.bulk.rows_insert``), and the same ``post_save``
    signal sent for each, as saving them one by one would (the matching app watches the events)."""
    _in_transaction()
    who = person(actor)
    actor_id = who.pk if who is not None else None
    label = getattr(actor, "email", "") or "system"
    city_id = city.pk if city is not None else None
    # by the keys, not the objects: what ``_audit_event`` writes, without a related object's
    # descriptor a row (a statement's chunk audits thousands)
    rows = [
        AuditEvent(
            city_id=city_id,
            actor_id=actor_id,
            actor_label=label,
            verb=verb,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            payload=payload or {},
        )
        for verb, obj, payload in events
    ]
    if not rows:
        return rows
    rows_insert(rows)
    using = router.db_for_write(AuditEvent)
    for row in rows:
        post_save.send(sender=AuditEvent, instance=row, created=True, update_fields=None, raw=False, using=using)
    return rows


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
