"""When to recompute: after any committed change the scores depend on.

Every service writes an audit event in its own transaction; watching those events (rather than
editing each app's services) keeps one list of what matters here. The recomputation and the
publication notice are enqueued on commit, so a person never waits.
"""

import time

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from cities4csr.core.models import AuditEvent

#: verbs (prefixes) that change needs, offers, profiles, sites or what is still missing
TRIGGERS = ("need.", "line.", "needs.import", "offer.", "profile.", "pledge.", "site.", "invitation.accept")


def schedule_recompute(city_id: int) -> None:
    """Queue a recomputation once the transaction commits. Several in one transaction are cheap:
    the task skips itself when a run newer than its request exists."""
    from .tasks import recompute_matches

    requested = time.time()
    transaction.on_commit(lambda: recompute_matches.enqueue(city_id=city_id, requested_at=requested))


@receiver(post_save, sender=AuditEvent, dispatch_uid="matching_recompute_trigger")
def audit_event_saved(sender, instance: AuditEvent, created: bool, **kwargs):
    if kwargs.get("raw") or not created or not instance.verb.startswith(TRIGGERS):
        # raw: loaddata (a restore) writes history back, it changes nothing to recompute
        return
    schedule_recompute(instance.city_id)
    if instance.verb == "need.publish":
        from .tasks import notify_matching_companies

        city_id, need_id = instance.city_id, int(instance.object_id)
        transaction.on_commit(lambda: notify_matching_companies.enqueue(city_id=city_id, need_id=need_id))
