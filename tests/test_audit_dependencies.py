"""`make test`'s pip-audit step: a known vulnerability fails; a service out of reach only warns."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import audit_dependencies  # noqa: E402


def test_a_known_vulnerability_fails(capsys):
    result = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.1"]}]},
            {"name": "pillow", "version": "13.0.0", "vulns": []},
        ]
    }
    assert audit_dependencies.report(result) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE django==5.2.0: PYSEC-0000-1 (fixed in: 5.2.1)" in out


def test_packages_the_service_did_not_answer_for_warn_without_failing(capsys):
    result = {
        "dependencies": [
            {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            {"name": "pillow", "version": "13.0.0", "vulns": []},
        ]
    }
    assert audit_dependencies.report(result) == 0
    out = capsys.readouterr().out
    assert "WARNING: pip-audit could not check 1 of 2 pinned packages" in out and "django" in out
    assert "no known vulnerability in 1 audited" in out


def test_an_unreachable_service_warns_without_failing(monkeypatch, capsys):
    def unreachable(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], 1)

    monkeypatch.setattr(audit_dependencies.subprocess, "run", unreachable)
    assert audit_dependencies.main(["--timeout", "1"]) == 0
    assert (
        "WARNING: pip-audit could not reach the vulnerability service (no answer within 1 s)" in capsys.readouterr().out
    )
