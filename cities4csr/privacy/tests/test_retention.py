"""Retention periods as city data, applied by the purge (task on the real queue, and command)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from cities4csr.accounts.models import User
from cities4csr.accounts.tests.factories import UserFactory
from cities4csr.core.models import AuditEvent
from cities4csr.privacy.models import Erasure
from cities4csr.privacy.retention import retention_purge
from cities4csr.privacy.selectors import EMAIL as EMAIL_ADDRESS
from cities4csr.privacy.tasks import purge_personal_data

from .conftest import COLLEAGUE_EMAIL, EMAIL, ledger_snapshot, text_hits


def _age_everything(days: int) -> datetime.datetime:
    """Pretend every audit event, sign-up and login happened ``days`` ago; returns that moment."""
    then = timezone.now() - datetime.timedelta(days=days)
    with scopes_disabled():
        AuditEvent.objects.update(created_at=then)
    User.objects.update(date_joined=then, last_login=then)
    return then


@pytest.mark.django_db
def test_the_audit_trail_keeps_email_addresses_only_for_the_citys_period(two_cities, world, person):
    world.city.retention_audit_personal_days = 100
    world.city.save()
    with scopes_disabled():
        added = AuditEvent.objects.get(verb="membership.add", payload__user=COLLEAGUE_EMAIL)
        assert COLLEAGUE_EMAIL in added.payload["user"]
    _age_everything(99)
    assert retention_purge().audit_events_scrubbed == 0  # within the period: kept
    _age_everything(101)
    report = retention_purge()
    assert report.audit_events_scrubbed > 0
    with scopes_disabled():
        added.refresh_from_db()
        assert added.payload == {"user": f"person #{person.colleague.pk}", "role": "member"}
        # no e-mail address left in any old event's details or description
        in_city = AuditEvent.objects.filter(city=world.city).exclude(verb__startswith="retention.")
        assert not [e for e in in_city if "@" in str(e.payload)]
        assert [e.object_repr for e in in_city if EMAIL_ADDRESS.search(e.object_repr)] == []
        # another city, whose period is longer, keeps them still
        nantes = AuditEvent.objects.filter(city=two_cities.nantes.city, verb="membership.add")
        assert [e for e in nantes if EMAIL_ADDRESS.search(e.payload["user"])] != []
        # who acted stays, for accountability; the purge is audited
        assert AuditEvent.objects.filter(actor=person.user).exclude(actor_label=EMAIL).count() == 0
        assert AuditEvent.objects.filter(verb="retention.audit_purge", city=world.city).count() == 1
    # a second run has nothing left to do
    assert retention_purge().audit_events_scrubbed == 0


@pytest.mark.django_db
def test_inactive_accounts_are_erased_after_the_period_unless_blocked(world, person):
    world.city.retention_inactive_account_days = 400
    world.city.save()
    with scopes_disabled():
        before = ledger_snapshot()
    _age_everything(399)
    assert retention_purge().inactive_erased == 0
    _age_everything(401)
    # everybody else logged in yesterday, but the third-sector body's only representative and
    # the city's only administrator, kept because nobody else could act for them
    recent = timezone.now() - datetime.timedelta(days=1)
    idle = [person.user.pk, world.third_sector_representative.pk, world.admin.pk]
    User.objects.exclude(pk__in=idle).update(last_login=recent)
    report = retention_purge()
    assert report.inactive_erased == 1
    assert sorted(report.kept_blocked) == sorted([world.third_sector_representative.pk, world.admin.pk])
    assert User.objects.get(pk=world.third_sector_representative.pk).is_active
    erased = Erasure.objects.get(user=person.user)
    assert erased.reason == Erasure.Reason.INACTIVE
    assert text_hits(EMAIL) == []
    # the city's figures are untouched
    with scopes_disabled():
        after = ledger_snapshot()
    amounts = {k: v for k, v in before.items() if not k.endswith(":rows")}
    assert {k: after[k] for k in amounts} == amounts
    with scopes_disabled():
        assert AuditEvent.objects.filter(verb="account.erase", actor=None, payload__reason="inactive").exists()


@pytest.mark.django_db
def test_unconfirmed_sign_ups_are_erased_after_the_citys_period(world):
    world.city.retention_unverified_signup_days = 10
    world.city.save()
    stale = UserFactory(email="never.confirmed@example.org", verified=False)
    fresh = UserFactory(email="just.signed.up@example.org", verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=timezone.now() - datetime.timedelta(days=11))
    report = retention_purge()
    assert report.unverified_erased == 1
    assert Erasure.objects.get(user=stale).reason == Erasure.Reason.UNVERIFIED
    assert not EmailAddress.objects.filter(user=stale).exists()
    assert User.objects.get(pk=fresh.pk).email == "just.signed.up@example.org"
    assert text_hits("never.confirmed@example.org") == []


@pytest.mark.django_db
def test_the_purge_runs_on_the_task_queue_and_from_the_command(world, person, capsys):
    world.city.retention_audit_personal_days = 30
    world.city.save()
    _age_everything(31)
    result = purge_personal_data.enqueue()
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(id=result.id)  # on the database queue that db_worker reads
    assert row.task_path == "cities4csr.privacy.tasks.purge_personal_data"
    # the worker's own loop closes the connection between tasks: run its step, as it does
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    row.claim("test")
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.return_value["audit_events_scrubbed"] > 0
    call_command("purge_personal_data")
    assert "audit_events_scrubbed: 0" in capsys.readouterr().out
    call_command("purge_personal_data", "--enqueue")
    assert "queued:" in capsys.readouterr().out
