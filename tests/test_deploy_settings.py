"""With .env.production.example and a real secret key, `check --deploy` prints no warning.

The check runs in a subprocess: settings are read once, from the environment, at start-up.
Without the file's values (the local defaults) the same check must warn, so the test can fail.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / ".env.production.example"


def example_values() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def manage(extra: dict[str, str], *args: str) -> str:
    # a clean environment: nothing of the developer's own settings leaks into the check
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env = {**base, "DJANGO_SETTINGS_MODULE": "config.settings", **extra}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def check_deploy(extra: dict[str, str]) -> str:
    return manage(extra, "check", "--deploy", "--fail-level", "CRITICAL")


def test_example_lists_the_production_variables():
    values = example_values()
    for key in (
        "DEBUG",
        "SECRET_KEY",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "DATABASE_URL",
    ):
        assert key in values, key
    assert values["SECRET_KEY"] == ""  # no secret in the repository
    assert values["DEBUG"] == "false"


def test_check_deploy_is_silent_with_the_production_example():
    values = {**example_values(), "SECRET_KEY": secrets.token_urlsafe(64)}
    output = check_deploy(values)
    assert "WARNING" not in output and "(security." not in output, output
    assert "no issues" in output, output


def test_check_deploy_warns_with_the_local_defaults():
    output = check_deploy({})
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in output, output


def test_check_deploy_warns_without_a_real_secret_key():
    output = check_deploy(example_values())
    assert "security.W009" in output, output


def test_the_example_values_reach_the_settings():
    output = manage({**example_values(), "SECRET_KEY": secrets.token_urlsafe(64)}, "diffsettings")
    for line in (
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
        "SECURE_HSTS_SECONDS = 31536000",
        "SECURE_HSTS_PRELOAD = True",
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_HTTPONLY = True",
        "CSRF_TRUSTED_ORIGINS = ['https://csr.example.org']",
        "SITE_URL = 'https://csr.example.org'",
    ):
        assert line in output, line
