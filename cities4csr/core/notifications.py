"""Tell people about a change, after the change has committed: in their inbox and by e-mail.

Each kind of notification is a plain-text template, ``notifications/<kind>.txt`` (subject on the
first line, then the message, the link last); the e-mail's HTML part is drawn from the same text
(``notifications/email.html``), so a message is written once. People choose which kinds they
also get by e-mail (``EmailOptOut``); the inbox always has them.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .tasks import send_notification

#: The kinds of notification and what each is about, for the e-mail preferences page.
KINDS = {
    "need_transition": _("A need of your organisation changes state"),
    "pledge_transition": _("A pledge you made or must act on changes state"),
    "pledge_partner": _("Your organisation is invited as a partner of a pledge, or a partner answers"),
    "need_matches_you": _("A new need fits your company"),
    "collective_invitation": _("An invitation to a collective action"),
    "checklist_reminder": _("A step of an agreement is due soon or overdue"),
    "volunteering_registration": _(
        "Your volunteering registration changes: a place freed up for you, the host cancelled or reviewed it"
    ),
    "volunteering_reminder": _("A reminder the day before you volunteer"),
}


def notify(*, users, city, template: str, context: dict, key: str = "") -> None:
    """Queue a notification to ``users`` once the current transaction commits (never for a
    rollback). With a ``key``, each person gets it once (a reminder sent again is not repeated)."""
    user_ids = sorted({u.pk for u in users if u is not None and u.pk})
    if not user_ids:
        return
    transaction.on_commit(
        lambda: send_notification.enqueue(
            user_ids=user_ids, city_id=city.pk, template=template, context=context, key=key
        )
    )
