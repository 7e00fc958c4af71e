"""Permission check used by every service before it writes.

Views and the API ask the same ``rules`` permissions first, to show or hide things; the
service asks again so that no caller can write around them. ``actor=None`` is the system
itself (management commands, demo seeding, background tasks), never a web request.
"""

from django.core.exceptions import PermissionDenied


def require(actor, perm: str, obj=None) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)
