"""Tell people about a change, after the change has committed."""

from django.db import transaction

from .tasks import send_notification


def notify(*, users, city, template: str, context: dict) -> None:
    """Queue an e-mail to ``users`` once the current transaction commits (never for a rollback)."""
    user_ids = sorted({u.pk for u in users if u is not None and u.pk})
    if not user_ids:
        return
    transaction.on_commit(
        lambda: send_notification.enqueue(user_ids=user_ids, city_id=city.pk, template=template, context=context)
    )
