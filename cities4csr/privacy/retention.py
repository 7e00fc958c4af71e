"""Retention periods, applied (GDPR art. 5(1)(e), storage limitation). Each city sets its own
periods (City.retention_*); ``retention_purge`` applies them all and is what the daily task and
``manage.py purge_personal_data`` run.

- the audit trail: past ``retention_audit_personal_days``, the e-mail addresses in an event's
  details and description are replaced by the person's account number ("person #42"); who acted
  (the actor) stays, for accountability;
- inactive accounts: not logged in (or, never used, not signed up) for longer than the longest
  period of the cities the account is tied to — of every city for an account tied to none — are
  erased as a request would erase them (services._erase), unless a blocker keeps them;
- unconfirmed sign-ups: an account whose e-mail address was never confirmed, older than the
  shortest such period of any city, is erased.
"""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from cities4csr.cities.models import City
from cities4csr.core.models import AuditEvent
from cities4csr.core.services import audit_log

from .models import Erasure
from .selectors import EMAIL
from .services import account_erase_for_retention, cities_of


@dataclass
class PurgeReport:
    audit_events_scrubbed: int = 0
    inactive_erased: int = 0
    unverified_erased: int = 0
    kept_blocked: list = field(default_factory=list)  # ids of accounts a blocker kept

    def as_dict(self) -> dict:
        return {
            "audit_events_scrubbed": self.audit_events_scrubbed,
            "inactive_erased": self.inactive_erased,
            "unverified_erased": self.unverified_erased,
            "kept_blocked": self.kept_blocked,
        }


def retention_purge(*, now: datetime.datetime | None = None) -> PurgeReport:
    now = now or timezone.now()
    report = PurgeReport()
    cities = list(City.objects.order_by("pk"))
    for city in cities:
        report.audit_events_scrubbed += audit_personal_data_purge(city=city, now=now)
    if cities:
        _unverified_purge(cities=cities, now=now, report=report)
        _inactive_purge(cities=cities, now=now, report=report)
    return report


def _person_label(email_to_id: dict, email: str) -> str:
    pk = email_to_id.get(email.lower())
    return f"person #{pk}" if pk else "[e-mail removed]"


def _scrub(value, known: dict):
    """``value`` with every e-mail address replaced by the person's number (``known``: address -> id)."""
    if isinstance(value, str):
        return EMAIL.sub(lambda match: _person_label(known, match.group(0)), value)
    if isinstance(value, list):
        return [_scrub(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, known) for k, v in value.items()}
    return value


def audit_personal_data_purge(*, city, now) -> int:
    """Replace the e-mail addresses in ``city``'s audit events older than its retention period.
    Returns how many events were changed; the change itself is one audited event."""
    cutoff = now - datetime.timedelta(days=city.retention_audit_personal_days)
    rows = (
        AuditEvent.objects.with_scope(city=city.pk)
        .filter(created_at__lt=cutoff)
        .annotate(payload_text=Cast("payload", models.TextField()))
        .filter(models.Q(payload_text__contains="@") | models.Q(object_repr__contains="@"))
    )
    User = get_user_model()
    changed = 0
    with transaction.atomic():
        for pk, payload, object_repr in rows.order_by("pk").values_list("pk", "payload", "object_repr"):
            emails = {m.group(0).lower() for m in EMAIL.finditer(f"{payload} {object_repr}")}
            if not emails:
                continue
            known = {e.lower(): pk for e, pk in User.objects.filter(email__in=emails).values_list("email", "pk")}

            # The one update of an audit row the application makes, besides an erasure: the event
            # stays, only the addresses in it go (docs/adr/0013-gdpr-erasure-pseudonym.md).
            AuditEvent.objects.with_scope(city=city.pk).filter(pk=pk).update(
                payload=_scrub(payload, known), object_repr=_scrub(object_repr, known)[:255]
            )
            changed += 1
        if changed:
            audit_log(
                actor=None,
                city=city,
                verb="retention.audit_purge",
                obj=city,
                payload={"events": changed, "older_than": cutoff.date().isoformat()},
            )
    return changed


def _unverified_purge(*, cities, now, report) -> None:
    days = min(c.retention_unverified_signup_days for c in cities)
    cutoff = now - datetime.timedelta(days=days)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    User = get_user_model()
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False, date_joined__lt=cutoff)
        .exclude(pk__in=verified)
        .exclude(pk__in=Erasure.objects.values("user_id"))
        .order_by("pk")
    )
    for user in candidates:
        if account_erase_for_retention(user=user, reason=Erasure.Reason.UNVERIFIED) is None:
            report.kept_blocked.append(user.pk)
        else:
            report.unverified_erased += 1


def _inactive_purge(*, cities, now, report) -> None:
    longest = max(c.retention_inactive_account_days for c in cities)
    shortest = min(c.retention_inactive_account_days for c in cities)
    User = get_user_model()
    # nobody more recent than the shortest period can be due: the rest is read one by one
    cutoff = now - datetime.timedelta(days=shortest)
    last_seen = models.functions.Coalesce("last_login", "date_joined")
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False)
        .annotate(last_seen=last_seen)
        .filter(last_seen__lt=cutoff)
        .exclude(pk__in=Erasure.objects.values("user_id"))
        .order_by("pk")
    )
    for user in candidates:
        tied = cities_of(user=user)
        days = max(c.retention_inactive_account_days for c in tied) if tied else longest
        if user.last_seen >= now - datetime.timedelta(days=days):
            continue
        if account_erase_for_retention(user=user, reason=Erasure.Reason.INACTIVE) is None:
            report.kept_blocked.append(user.pk)
        else:
            report.inactive_erased += 1
