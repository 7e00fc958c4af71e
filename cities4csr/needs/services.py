"""Writes for the city's action plan."""

from django.db import transaction

from cities4csr.core.permissions import require
from cities4csr.core.services import audit_log

from .models import Action


def action_upsert(
    *, actor, city, number: int, titles: dict, descriptions: dict | None = None, target_areas=()
) -> Action:
    """Create or replace line ``number`` of the city's action plan."""
    require(actor, "needs.change_action", city)
    with transaction.atomic():
        action, created = Action.objects.update_or_create(
            city=city, number=number, defaults={"titles": titles, "descriptions": descriptions or {}}
        )
        action.target_areas.set(target_areas)
        audit_log(
            actor=actor,
            city=city,
            verb="action.create" if created else "action.update",
            obj=action,
            payload={"target_areas": sorted(a.code for a in target_areas)},
        )
    return action
