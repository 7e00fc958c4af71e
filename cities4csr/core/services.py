"""The audit writer every state-changing service calls inside its transaction, and who acted."""

from django.db import transaction

from .models import AuditEvent


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
