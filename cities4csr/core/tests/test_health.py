"""/healthz: database, cache, file storage and the task queue; up or down for the public, the
details for staff only."""

import datetime
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _staff_client():
    from cities4csr.accounts.tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    return client


def test_all_up_is_ok_and_never_cached():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_staff_see_every_check_with_its_time():
    body = _staff_client().get("/healthz").json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["ok"] and check["error"] == "" and check["ms"] >= 0 for check in body["checks"].values())


def test_a_broken_storage_is_named_without_its_error():
    secret = "Permission denied: '/srv/secret-mount/media/health_check_storage_test'"
    with mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=PermissionError(secret)):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "storage": "unavailable"}
    assert "secret-mount" not in response.content.decode()


def test_a_broken_cache_is_named():
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.aset", side_effect=ConnectionError("redis:6379")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "cache": "unavailable"}


def test_a_queue_without_worker_is_down(settings):
    """A task ready for longer than HEALTH_QUEUE_MAX_WAIT_MINUTES: no worker runs the queue."""
    from django_tasks_db.models import DBTaskResult

    from cities4csr.core.tasks import send_notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_QUEUE_MAX_WAIT_MINUTES = 15
    with mock.patch("django.db.transaction.on_commit", lambda fn, **kwargs: fn()):
        result = send_notification.using(backend="default").enqueue(user_ids=[], city_id=0, template="none", context={})
    assert Client().get("/healthz").status_code == 200  # just enqueued: a worker has time
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=16))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "queue": "unavailable"}
    details = _staff_client().get("/healthz").json()["checks"]["queue"]
    assert not details["ok"] and "worker" in details["error"]


def test_the_database_down_names_the_database_only_and_staff_see_why():
    """The queue lives in the database: the public is told the cause, not its consequences."""
    client = _staff_client()
    secret = "could not connect to server db.internal:5432"
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError(secret)):
        public = Client().get("/healthz")
    assert public.status_code == 503
    assert public.json() == {"status": "error", "database": "unavailable"}
    assert client.get("/healthz").json()["status"] == "ok"  # back up
    # what staff would read (their own session needs the database: the checks are run directly)
    from cities4csr.core.health import run_checks

    with mock.patch("django.db.connection.cursor", side_effect=OperationalError(secret)):
        results = run_checks()
    assert not results["database"]["ok"] and "could not connect to server db.internal" in results["database"]["error"]
    assert not results["queue"]["ok"]
    assert results["cache"]["ok"] and results["storage"]["ok"]


def test_a_signed_in_person_who_is_not_staff_gets_the_public_answer():
    from cities4csr.accounts.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    with mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=OSError("disk full /srv")):
        response = client.get("/healthz")
    assert response.json() == {"status": "error", "storage": "unavailable"}


def test_post_is_refused():
    assert Client().post("/healthz").status_code == 405
