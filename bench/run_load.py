"""Load test of ``make bench``: locust (bench/locustfile.py) against gunicorn and PostgreSQL with
the seed_scale city, on loopback only.

1. Creates the scenario's people in the benchmark database if missing (officers of the city,
   representatives of some of its companies; a password of their own, loopback only).
2. Starts gunicorn (gunicorn.conf.py) on a free loopback port, as in production: DEBUG off,
   the shared cache in Redis when it answers on 127.0.0.1:6379 (else the database's),
   the API's per-address limits raised (every simulated person comes from 127.0.0.1).
3. Runs the scenario headless: ``--users`` people (50) for ``--duration`` (5 minutes), then the
   same people on the trivial page alone (``Hello``) for ``--hello-duration``.
4. Merges into bench/results.json (other keys kept): ``load_p95_ms``, ``load_p50_ms``,
   ``load_errors``, ``load_requests``, ``load_rps``, ``load_hello_rps``, ``load_hello_p95_ms``
   and ``load`` (the set-up and each request's figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench python bench/run_load.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
WORK = ROOT / "var" / "bench"
PASSWORD = "load-test-password-loopback-only"  # noqa: S105 - people of the benchmark database only
OFFICERS = 3
COMPANIES = 20
TARGET_P95_MS = 300
SCENARIO = ["Visitor", "Company", "Officer"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(host="127.0.0.1", port=6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def people(city_slug: str) -> tuple[list[str], list[str]]:
    """The scenario's officers (e-mail) and company representatives ("e-mail:organisation id"),
    created once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from cities4csr.accounts.models import User
    from cities4csr.cities.models import City
    from cities4csr.organisations.models import CityRole, Membership, Organisation

    if connection.vendor != "postgresql":
        raise SystemExit("The load test runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    with scopes_disabled(), transaction.atomic():
        city = City.objects.filter(slug=city_slug).first()
        if city is None:
            raise SystemExit(f"No city {city_slug!r}: run `manage.py seed_scale --city {city_slug}` first")

        def person(email):
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, PASSWORD, first_name="Load", last_name="Test")
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            return user

        officers = [f"load-officer-{n}@{city_slug}.bench.test" for n in range(OFFICERS)]
        for email in officers:
            CityRole.objects.get_or_create(city=city, user=person(email), role=CityRole.Role.OFFICER)
        companies = list(
            Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY).order_by("id")[:COMPANIES]
        )
        representatives = []
        for n, company in enumerate(companies):
            email = f"load-company-{n}@{city_slug}.bench.test"
            Membership.objects.get_or_create(
                city=city, organisation=company, user=person(email), defaults={"role": Membership.Role.REPRESENTATIVE}
            )
            representatives.append(f"{email}:{company.pk}")
    return officers, representatives


def serve(port: int, workers: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": str(WORK / "access.log"),
        # every simulated person comes from 127.0.0.1: per-address limits would count them as one
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "SESSION_IDLE_TIMEOUT": "0",
        # as .env.production.example: sessions read from the cache, visitors' pages kept 30 s
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "PUBLIC_PAGE_CACHE_SECONDS": "30",
    }
    if redis_answers():
        env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "config.wsgi"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603 - our own interpreter and files
    for _ in range(120):
        try:
            # a page, not /healthz: the benchmark runs no task worker, so the queue check may say "down"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {log.name}")
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer: see {log.name}")


def locust(port: int, classes: list[str], users: int, duration: str, prefix: str, env: dict) -> dict:
    """Runs locust headless; returns {name: row} of its statistics CSV (the "Aggregated" row too)."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 10)),
        "--run-time",
        duration,
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(WORK / prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=True)  # noqa: S603
    with open(WORK / f"{prefix}_stats.csv", newline="") as f:
        return {f"{row['Type']} {row['Name']}".strip(): row for row in csv.DictReader(f)}


def figures(row: dict) -> dict:
    def number(value):  # locust writes N/A where no request was made
        return float(value) if value not in ("", "N/A") else 0.0

    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": round(number(row["Requests/s"]), 1),
        "p50_ms": number(row["50%"]),
        "p95_ms": number(row["95%"]),
        "p99_ms": number(row["99%"]),
        "max_ms": round(number(row["Max Response Time"]), 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="metropoli")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="5m", help="locust's --run-time for the scenario (5m)")
    parser.add_argument("--hello-duration", default=None, help="for the trivial page alone (as --duration)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--scenario", default=",".join(SCENARIO), help="locust user classes (Visitor,Company,Officer)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    officers, companies = people(args.city)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        server_version = cursor.fetchone()[0]
    connection.close()

    port = free_port()
    scenario_env = {
        "LOAD_CITY": args.city,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_OFFICER_EMAILS": ",".join(officers),
        "LOAD_COMPANY_EMAILS": ",".join(companies),
    }
    with open(WORK / "gunicorn.log", "w") as log:
        server = serve(port, args.workers, log)
        try:
            load_before = os.getloadavg()[0]
            scenario = locust(port, args.scenario.split(","), args.users, args.duration, "load", scenario_env)
            hello = locust(port, ["Hello"], args.users, args.hello_duration or args.duration, "hello", scenario_env)
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(timeout=60)

    total = figures(scenario.pop("Aggregated"))
    hello_total = figures(hello.pop("Aggregated"))
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    results.update(
        {
            "load_p95_ms": total["p95_ms"],
            "load_p50_ms": total["p50_ms"],
            "load_errors": total["errors"],
            "load_requests": total["requests"],
            "load_rps": total["rps"],
            "load_hello_rps": hello_total["rps"],
            "load_hello_p95_ms": hello_total["p95_ms"],
        }
    )
    results["load"] = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "city": args.city,
        "users": args.users,
        "duration": args.duration,
        "hello_duration": args.hello_duration or args.duration,
        "think_time_s": [1, 3],
        "scenario": "bench/locustfile.py: Visitor 40, Company 7, Officer 3 (weights)",
        "gunicorn_workers": args.workers,
        "cache": "redis" if redis_answers() else "database",
        "target": {"load_p95_ms_max": TARGET_P95_MS, "load_errors_max": 0},
        "met": total["p95_ms"] <= TARGET_P95_MS and total["errors"] == 0,
        "loadavg_1m": [round(load_before, 2), round(load_after, 2)],
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": server_version,
        },
        "requests": {name: figures(row) for name, row in sorted(scenario.items())},
        "hello": hello_total,
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

    print(f"{'request':<48} {'count':>7} {'errors':>6} {'p50':>6} {'p95':>6} {'rps':>6}")
    for name, row in [*results["load"]["requests"].items(), ("ALL", total), ("hello alone", hello_total)]:
        print(
            f"{name[:48]:<48} {row['requests']:>7} {row['errors']:>6} {row['p50_ms']:>6.0f} {row['p95_ms']:>6.0f} {row['rps']:>6.1f}"
        )
    verdict = "met" if results["load"]["met"] else "MISSED"
    print(f"p95 {total['p95_ms']:.0f} ms (<= {TARGET_P95_MS}), errors {total['errors']} (= 0): {verdict}")
    print(f"written to {args.output}")
    return 1 if args.strict and not results["load"]["met"] else 0


if __name__ == "__main__":
    sys.exit(main())
