"""The health endpoint (``/healthz``): database, cache, file storage and the task queue.

The checks are django-health-check's (``health_check.checks``), plus one for the task queue
(django-tasks has none there). They run one after the other in the request's thread, each
bounded by its client's own time-out (the database's and Redis's connect time-outs).

What the public sees is up or down, never why: ``{"status": "ok"}`` (200) or a 503
``{"status": "error", "<component>": "unavailable"}`` naming the components that failed. A
component that lives in the database (the queue of ``django_tasks_db``, the ``dbcache`` cache)
is not named when the database itself is down: the database is the cause. What went wrong goes
to the log, and to staff: a signed-in staff member gets each check's result, its time and its
error text. Load balancers and container health checks read the status code.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import logging
import time

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task queue answers, and its workers keep up: no task ready to run has waited more
    than ``max_wait`` (a stopped ``db_worker`` shows here, long before anyone misses an e-mail).

    With a backend that is not the database queue (tests' immediate backend), only that the
    backend loads."""

    alias: str = "default"
    max_wait: datetime.timedelta = dataclasses.field(default=datetime.timedelta(minutes=15), repr=False)

    def run(self):
        from django_tasks import task_backends

        try:
            backend = task_backends[self.alias]
        except Exception as exc:
            raise ServiceUnavailable("Task backend does not load") from exc
        if type(backend).__module__.split(".")[0] != "django_tasks_db":
            return
        from django_tasks_db.models import DBTaskResult

        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is not None and timezone.now() - oldest > self.max_wait:
            minutes = int((timezone.now() - oldest).total_seconds() // 60)
            raise ServiceUnavailable(f"A task has waited {minutes} minutes: is a worker running?")


def checks() -> dict[str, tuple[HealthCheck, bool]]:
    """{name: (check, lives in the database)}, in the order they run."""
    cache_backend = settings.CACHES["default"]["BACKEND"]
    tasks_backend = settings.TASKS["default"]["BACKEND"]
    return {
        "database": (Database(), False),
        "cache": (Cache(), cache_backend.endswith("DatabaseCache")),
        "storage": (Storage(), False),
        "queue": (
            TaskQueue(max_wait=datetime.timedelta(minutes=settings.HEALTH_QUEUE_MAX_WAIT_MINUTES)),
            tasks_backend.startswith("django_tasks_db."),
        ),
    }


def run_checks() -> dict[str, dict]:
    """{name: {"ok": bool, "ms": float, "error": str}}: each check run once."""
    results = {}
    for name, (check, _in_database) in checks().items():
        start = time.perf_counter()
        error = ""
        try:
            if inspect.iscoroutinefunction(check.run):
                async_to_sync(check.run)()
            else:
                check.run()
        except HealthCheckException as exc:
            error = str(exc)
            logger.warning("health check %s failed: %s", name, error, exc_info=True)
        except DatabaseError:
            error = "database error"
            logger.exception("health check %s failed", name)
        except Exception:  # any failure of a component means unhealthy; its text goes to the log
            error = "unexpected error"
            logger.exception("health check %s failed", name)
        results[name] = {"ok": not error, "ms": round((time.perf_counter() - start) * 1000, 1), "error": error}
    return results


def public_body(results: dict[str, dict]) -> dict:
    """Up or down, and the names of what is down (the database alone when it is the cause)."""
    if all(result["ok"] for result in results.values()):
        return {"status": "ok"}
    in_database = {name for name, (_check, lives) in checks().items() if lives}
    database_down = not results["database"]["ok"]
    body = {"status": "error"}
    for name, result in results.items():
        if not result["ok"] and not (database_down and name in in_database):
            body[name] = "unavailable"
    return body


@require_GET
def healthz(request):
    results = run_checks()
    healthy = all(result["ok"] for result in results.values())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        body = {"status": "ok" if healthy else "error", "checks": results}
    else:
        body = public_body(results)
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
