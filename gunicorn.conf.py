"""gunicorn's configuration: ``gunicorn -c gunicorn.conf.py config.wsgi`` (docs/deployment.md).

Every value comes from the environment, with defaults for one server behind a reverse proxy:

- ``GUNICORN_BIND`` (``127.0.0.1:8000``; the container sets ``0.0.0.0:8000``)
- ``GUNICORN_WORKERS`` (else ``WEB_CONCURRENCY``, else 2 per core + 1), ``GUNICORN_THREADS`` (1)
- ``GUNICORN_TIMEOUT`` (60 s: the longest page, an agreement's PDF, takes a few seconds)
- ``GUNICORN_MAX_REQUESTS`` (1000, with jitter: a worker is renewed now and then)
- ``GUNICORN_ACCESS_LOG`` (``-``, standard output; empty for none), as one JSON object a line
- ``TRUSTED_PROXY_COUNT`` > 0 trusts the proxy's X-Forwarded-* from ``GUNICORN_FORWARDED_ALLOW_IPS``
"""

import datetime
import json
import multiprocessing
import os

from gunicorn.glogging import Logger

# numpy/scipy (the matching engine) would start a thread per core in every worker: one each.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(
    os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# the workers' heartbeat files in memory, not on a container's overlay disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - a directory, not a file
forwarded_allow_ips = (
    os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    if int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
    else ""
)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "cities4csr"


class JsonLogger(Logger):
    """The access log as one JSON object a line, with the request id the application gave the
    response (cities4csr.core.logs), so that a line here and the application's lines match."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in (resp.headers or [])}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # a log line must never fail a request
            self.exception("access log")


logger_class = JsonLogger
