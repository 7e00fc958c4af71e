"""The deployment files agree with the project (docs/deployment.md): the container image, the
compose file and the systemd units run real management commands with variables the project
reads; gunicorn's configuration reads the environment and logs JSON; the settings switch the
media storage to S3 without reaching the network; every log line carries the request's id."""

import datetime
import importlib
import io
import json
import logging
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"


def example_variables() -> set[str]:
    """Every variable .env.production.example lists, set or shown commented out."""
    text = (ROOT / ".env.production.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def settings_variables() -> set[str]:
    """Every variable config/settings.py reads from the environment."""
    text = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))


def gunicorn_variables() -> set[str]:
    return set(re.findall(r"os\.environ\.get\(\"([A-Z][A-Z0-9_]+)\"", (ROOT / "gunicorn.conf.py").read_text()))


def check_command(argv: list[str]) -> None:
    """A command of the deployment files: manage.py with a command that exists, or gunicorn
    with this project's configuration and WSGI module."""
    program = Path(argv[0]).name
    if program.startswith("python"):
        assert argv[1] == "manage.py", argv
        assert argv[2] in get_commands(), f"no management command {argv[2]!r}"
    elif program == "gunicorn":
        assert argv[1:] == ["-c", "gunicorn.conf.py", "config.wsgi"], argv
        importlib.import_module("config.wsgi")
    else:
        raise AssertionError(f"unexpected command {argv}")


def test_every_setting_read_from_the_environment_is_in_the_production_example():
    missing = settings_variables() - example_variables()
    assert not missing, f"add to .env.production.example: {sorted(missing)}"


def test_the_example_names_no_variable_the_project_does_not_read():
    unknown = example_variables() - settings_variables() - gunicorn_variables()
    assert not unknown, f"nothing reads {sorted(unknown)}"


def test_compose_runs_web_worker_postgresql_and_redis_with_real_commands():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "db", "redis", "migrate"} <= set(services)
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["db"]["image"].split("/")[-1].startswith("postgres:")
    assert services["redis"]["image"].split("/")[-1].startswith("redis:")
    known = settings_variables() | gunicorn_variables()
    for name in ("web", "worker", "migrate"):
        service = services[name]
        check_command(service["command"])
        assert service["build"]["dockerfile"] == "Containerfile"
        assert set(service["environment"]) <= known, f"{name}: {set(service['environment']) - known}"
        assert service["env_file"] == ".env"
    # the web processes share the cache in Redis and the database in PostgreSQL
    web = services["web"]["environment"]
    assert web["CACHE_URL"].startswith("redis://redis:") and web["DATABASE_URL"].startswith("postgres://")


def unit(path: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_systemd_units_run_real_commands_from_the_virtualenv():
    names = {path.name for path in UNITS.iterdir()}
    assert {"cities4csr-web.service", "cities4csr-worker.service"} <= names
    for name in sorted(names):
        values = unit(UNITS / name)
        if name.endswith(".timer"):
            assert name.replace(".timer", ".service") in names  # the timer starts its service
            assert values["OnCalendar"]
            continue
        assert values["User"] == ["cities4csr"]
        assert values["EnvironmentFile"] == ["/etc/cities4csr/env"]
        for command in values.get("ExecStartPre", []) + values["ExecStart"]:
            argv = shlex.split(command)
            assert argv[0].startswith("/srv/cities4csr/.venv/bin/")
            check_command(argv)


def test_the_containerfile_installs_the_pinned_requirements_and_runs_as_nobody_special():
    text = (ROOT / "Containerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert len(froms) == 2 and all("slim" in image for image in froms), "two stages, Debian slim"
    assert "COPY requirements.txt constraints.txt ./" in text
    assert "pip install --no-cache-dir -r requirements.txt -c constraints.txt" in text
    assert "libpango-1.0-0" in text  # WeasyPrint
    assert "manage.py collectstatic --no-input" in text
    assert "locale/it/LC_MESSAGES/django.mo" in text and "locale/fr/LC_MESSAGES/django.mo" in text
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, flags=re.MULTILINE).group(1))
    check_command(cmd)
    # the image's health check asks a URL the project serves
    health = re.search(r"http://127\.0\.0\.1:8000(/\S+?)'", text).group(1)
    assert resolve(health).func.__name__ == "healthz"
    # the files it copies exist and the translations it checks are committed
    for name in ("requirements.txt", "constraints.txt", "gunicorn.conf.py", "locale/it/LC_MESSAGES/django.mo"):
        assert (ROOT / name).exists()


def test_the_requirements_are_pinned_in_the_constraints():
    pins = {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if "==" not in line or line.startswith("#"):
                continue
            package, version = line.split("==")
            package = re.sub(r"\[.*\]", "", package).lower().replace("_", "-")
            assert pins.get(package) == version, f"{package}=={version} of {name} is not in constraints.txt"


def test_gunicorn_reads_its_workers_from_the_environment_and_limits_blas_threads(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3 and config["bind"] == ["0.0.0.0:9000"]
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert config["forwarded_allow_ips"] == ""  # no proxy trusted unless TRUSTED_PROXY_COUNT says so
    monkeypatch.delenv("GUNICORN_WORKERS")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 5 and config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_access_log_is_one_json_object_a_line_with_the_request_id(tmp_path):
    from gunicorn.config import Config

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = config["JsonLogger"](cfg)
    response = SimpleNamespace(status="201 Created", headers=[("X-Request-ID", "abc12345")], sent=42)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": '/it/x/"quoted"/', "QUERY_STRING": "q=1", "REMOTE_ADDR": "::1"}
    logger.access(response, None, environ, datetime.timedelta(milliseconds=12.5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = json.loads((tmp_path / "access.log").read_text().splitlines()[-1])
    assert line["request_id"] == "abc12345" and line["status"] == 201 and line["duration_ms"] == 12.5
    assert line["path"] == '/it/x/"quoted"/' and line["bytes"] == 42


def test_media_on_s3_when_the_environment_says_so_without_the_network(tmp_path):
    """The settings module, read in a new process with MEDIA_STORAGE=s3: django-storages' S3
    backend, private files with signed links, the bucket's origin allowed for images."""
    program = (
        "import django, json; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "from django.conf import settings as st;"
        "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, s.bucket_name, s.endpoint_url,"
        " s.querystring_auth, s.default_acl, s.location, st.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": "comune-csr",
        "S3_ENDPOINT_URL": "https://s3.example.test",
        "S3_PREFIX": "media",
        "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "S3_SECRET_ACCESS_KEY": "not-a-secret",
    }
    out = subprocess.run([sys.executable, "-c", program], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    backend, bucket, endpoint, signed, acl, location, img_src = json.loads(out.stdout)
    assert backend == "storages.backends.s3.S3Storage"
    assert (bucket, endpoint, signed, acl, location) == ("comune-csr", "https://s3.example.test", True, None, "media")
    assert "https://s3.example.test" in img_src

    env["MEDIA_STORAGE"] = "ftp"
    refused = subprocess.run([sys.executable, "-c", program], env=env, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "MEDIA_STORAGE is 'filesystem' or 's3'" in refused.stderr


def test_the_default_media_storage_is_the_filesystem():
    from django.core.files.storage import FileSystemStorage, default_storage

    assert isinstance(default_storage, FileSystemStorage)


@pytest.mark.django_db
def test_every_log_line_of_a_request_carries_its_id(client):
    from django.conf import settings

    from cities4csr.core.logs import RequestIdFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    from pythonjsonlogger.json import JsonFormatter

    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(fmt=options.pop("format"), **options))
    logger = logging.getLogger("cities4csr.core.health")
    logger.addHandler(handler)
    try:
        with mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=OSError("disk full")):
            response = client.get("/healthz", HTTP_X_REQUEST_ID="from-the-proxy-0001")
            other = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged line")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "from-the-proxy-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", other["X-Request-ID"])  # not an id: a new one
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["from-the-proxy-0001", other["X-Request-ID"]]
    assert lines[0]["level"] == "ERROR" and lines[0]["logger"] == "cities4csr.core.health"
    assert lines[0]["message"] == "health check storage failed" and "disk full" in lines[0]["exc_info"]
    # outside a request, the id is "-"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_settings_log_json_with_the_request_id():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert handler["formatter"] == "json" and "request_id" in handler["filters"]
    assert settings.MIDDLEWARE[0] == "cities4csr.core.logs.RequestIdMiddleware"


@pytest.mark.django_db
def test_the_officer_workspace_lists_the_oldest_of_a_long_queue_and_says_how_many(world, monkeypatch):
    """A metro-scale city has hundreds of needs to review: the page lists the oldest ones and
    their number (the load test found the whole list took seconds to render)."""
    from django.test import Client

    from cities4csr.needs.models import Need
    from cities4csr.needs.tests.factories import NeedFactory
    from cities4csr.pledges.views import OfficerWorkspaceView

    needs = [NeedFactory(city=world.city, title=f"Da rivedere {n}") for n in range(3)]
    Need.objects.filter(pk__in=[need.pk for need in needs]).update(state=Need.State.UNDER_REVIEW)
    monkeypatch.setattr(OfficerWorkspaceView, "limit", 2)
    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/en/{world.city.slug}/workspace/officer/").content.decode()
    assert "Da rivedere 0" in page and "Da rivedere 1" in page and "Da rivedere 2" not in page
    assert "The 2 oldest of 3." in page
    monkeypatch.setattr(OfficerWorkspaceView, "limit", 50)
    page = client.get(f"/en/{world.city.slug}/workspace/officer/").content.decode()
    assert "Da rivedere 2" in page and "oldest of" not in page
