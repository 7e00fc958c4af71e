"""Benchmark of the catalogue's pages on the seed_scale city (``make bench``).

Each page is requested through Django's test Client, so the whole URL stack runs (middleware,
tenancy, views, templates, renderers) without a network server in the way. After a warm-up,
the pages are requested in turn, ``--requests`` rounds; the medians and 95th percentiles (milliseconds)
are merged into bench/results.json, beside any other keys already there, with the machine, a
timestamp, the targets and whether each is met.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_catalogue.py [--city metropoli] [--requests 30] [--warmup 5]

``make bench`` runs it after ``--prepare-database`` (checks the URL, creates the database if
missing), ``migrate`` and ``seed_scale --needs 20000 --organisations 300000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGET_MS = 100  # each page at the median
TARGET_FACTOR = 10  # … and at most this many times the trivial view
PAGES = ("catalogue_list", "catalogue_filtered", "needs_geojson", "needs_by_area", "need_detail")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def get(client, url: str) -> tuple[float, int]:
    """(milliseconds, bytes) of one request, the whole body read as a server would send it."""
    start = time.perf_counter()
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed, len(body)


def measure(client, pages: dict[str, str], requests: int, warmup: int) -> dict:
    """Each page's median and 95th percentile. The pages are requested in turn, round after
    round, so that anything else the machine does in the meantime weighs on all of them alike
    (the reference "hello" too)."""
    for url in pages.values():
        for _ in range(warmup):
            get(client, url)
    timings = {name: [] for name in pages}
    sizes = {}
    for _ in range(requests):
        for name, url in pages.items():
            elapsed, sizes[name] = get(client, url)
            timings[name].append(elapsed)
    return {
        name: {
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 95), 1),
            "bytes": sizes[name],
        }
        for name, values in timings.items()
    }


def urls(city) -> dict[str, str]:
    """The URLs measured, as the catalogue page requests them by default."""
    from django.db.models import Count
    from django.urls import reverse
    from django_scopes import scope

    from cities4csr.needs.models import Need

    with scope(city=city.pk):
        detail = (  # a published need with three lines: as heavy as a need page gets
            Need.objects.filter(city=city, state=Need.State.PUBLISHED)
            .annotate(n=Count("lines"))
            .filter(n=3)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
    if detail is None:
        raise SystemExit(f"{city.slug} has no published need: run `manage.py seed_scale --city {city.slug}` first")
    catalogue = f"/it/{city.slug}/needs/"
    return {
        "catalogue_list": catalogue,
        "catalogue_filtered": catalogue + "?theme=education&kind=money&open=true&q=scuola&sort=gap",
        # as the catalogue's map asks for it: the dots of the page listed
        "needs_geojson": reverse("api:need-geojson", kwargs={"city_slug": city.slug}) + "?page=1",
        # … and the shade of its neighbourhoods, the open gap in EUR
        "needs_by_area": reverse("api:need-gap-by-area", kwargs={"city_slug": city.slug}) + "?kind=nil",
        "need_detail": f"/it/{city.slug}/needs/{detail}/",
        # the same stack as the pages (language prefix, tenancy, session, base template), no query
        "hello": f"/it/{city.slug}/ping/",
    }


def prepare_database() -> None:
    """Check that DATABASE_URL names a PostgreSQL database of its own, and create it if missing.

    The seed_scale city is large: it must not go into the database the test suite or anything
    else uses (``postgres``, ``test``, ``test_*``)."""
    import environ
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise SystemExit(f"The benchmark runs on PostgreSQL: DATABASE_URL={url!r} is not a postgres:// URL.")
    name = config["NAME"]
    if name in ("postgres", "test", "template0", "template1") or name.startswith("test_"):
        raise SystemExit(f"Refusing to load the benchmark city into the database {name!r}: use e.g. cities4csr_bench.")
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        psycopg.connect(dbname=name, **server).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise SystemExit(f"Cannot connect to {name!r}: {exc}") from None
        # as createdb does: CREATE DATABASE from the server's maintenance database
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as maintenance:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created the database {name}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="metropoli")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    parser.add_argument(
        "--prepare-database", action="store_true", help="only check DATABASE_URL and create the database if missing"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    if args.prepare_database:
        prepare_database()
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from cities4csr.cities.models import City

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    city = City.objects.filter(slug=args.city).first()
    if city is None:
        raise SystemExit(f"No city {args.city!r}: run `manage.py seed_scale --city {args.city}` first")
    if settings.DEBUG:
        print("warning: DEBUG is on; the figures include its overhead", file=sys.stderr)

    client = Client()
    figures = measure(client, urls(city), args.requests, args.warmup)
    hello = figures["hello"]["p50"]
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    for name, figure in figures.items():
        results[f"{name}_ms_p50"] = figure["p50"]
        results[f"{name}_ms_p95"] = figure["p95"]
    results["targets"] = {
        "ms_p50_max": TARGET_MS,
        "times_hello_max": TARGET_FACTOR,
        "met": {
            name: {
                "ms_p50_max": figures[name]["p50"] <= TARGET_MS,
                "times_hello_max": figures[name]["p50"] <= TARGET_FACTOR * hello,
            }
            for name in PAGES
        },
    }
    met = {name: all(results["targets"]["met"][name].values()) for name in PAGES}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        server = cursor.fetchone()[0]
    results["machine"] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server,
        "platform": platform.platform(),
    }
    results["timestamp"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["setup"] = {
        "city": city.slug,
        "requests": args.requests,
        "warmup": args.warmup,
        "urls": urls(city),
        "bytes": {name: figure["bytes"] for name, figure in figures.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

    print(f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'x hello':>8}  {'<=100 ms':>8} {'<=10 x hello':>12}")
    for name, figure in figures.items():
        ratio = figure["p50"] / hello if hello else 0
        verdicts = results["targets"]["met"].get(name, {})
        marks = [("met" if verdicts[t] else "MISSED") if verdicts else "" for t in ("ms_p50_max", "times_hello_max")]
        print(f"{name:<20} {figure['p50']:>8.1f} {figure['p95']:>8.1f} {ratio:>8.1f}  {marks[0]:>8} {marks[1]:>12}")
    print(f"written to {args.output}")
    return 1 if args.strict and not all(met.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
