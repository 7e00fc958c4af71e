"""The engine's own tests pass with Django neither configured nor loaded (no pytest-django, no
conftest): the pure engine stays pure."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_engine_tests_run_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["OPENBLAS_NUM_THREADS"] = "1"
    command = [sys.executable, "-m", "pytest", "cities4csr/matching/engine", "-p", "no:django", "--noconftest"]
    command += ["-p", "no:xdist", "-q", "-W", "ignore::pytest.PytestConfigWarning"]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and "failed" not in out.stdout
