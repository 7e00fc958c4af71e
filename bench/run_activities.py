"""Benchmark of the volunteering pages at metro scale (``make bench``; issue 11).

The seed_scale city ("metropoli") with 10,000 volunteering activities, their 1–3 slots each and
200,000 registrations (``seed_scale --activities 10000 --registrations 200000``, written with
COPY). Through Django's test Client (the whole URL stack, no network), round after round: the
activities list (first page), the map page (it carries each neighbourhood's number of activities),
the map's dots (GeoJSON, fetched by the page), and the trivial page as the reference measured in
the same run. Medians merged into bench/results.json: ``activities_list_ms_p50`` and
``activities_map_ms_p50`` (the map page; its dots beside it in the details), each against the
targets ≤ 100 ms and ≤ 10 × ``hello``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_activities.py [--city metropoli] [--requests 30] [--warmup 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGET_MS = 100
TARGET_FACTOR = 10


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="metropoli")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from run_catalogue import get, prepare_database

    prepare_database()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from django_scopes import scopes_disabled

    from cities4csr.volunteering.models import Activity, Registration

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    with scopes_disabled():
        activities = Activity.objects.filter(city__slug=args.city).count()
        registrations = Registration.objects.filter(city__slug=args.city).count()
    if not activities:
        raise SystemExit(
            f"{args.city} has no activity: run `manage.py seed_scale --activities 10000 --registrations 200000`"
        )
    with translation.override("it"):
        kwargs = {"city_slug": args.city}
        pages = {
            "activities_list": reverse("volunteering_list", kwargs=kwargs),
            "activities_map": reverse("volunteering_map", kwargs=kwargs),
            "activities_map_points": reverse("volunteering_points", kwargs=kwargs),
            "hello": f"/it/{args.city}/ping/",
        }
    client = Client()
    for url in pages.values():
        for _ in range(args.warmup):
            get(client, url)  # refuses an answer other than 200
    samples = {name: [] for name in pages}
    for _ in range(args.requests):
        for name, url in pages.items():
            samples[name].append(get(client, url)[0])
    p50 = {name: round(statistics.median(values), 1) for name, values in samples.items()}
    hello = p50["hello"]
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    results["activities_list_ms_p50"] = p50["activities_list"]
    results["activities_map_ms_p50"] = p50["activities_map"]
    results["activities"] = {
        "activities": activities,
        "registrations": registrations,
        "requests": args.requests,
        "warmup": args.warmup,
        "hello_ms_p50": hello,
        "list_times_hello": round(p50["activities_list"] / hello, 1) if hello else None,
        "map_times_hello": round(p50["activities_map"] / hello, 1) if hello else None,
        "map_points_ms_p50": p50["activities_map_points"],
        "urls": pages,
        "targets": {"ms_p50_max": TARGET_MS, "times_hello_max": TARGET_FACTOR},
        "met": {
            name: {"ms_p50_max": p50[name] <= TARGET_MS, "times_hello_max": p50[name] <= TARGET_FACTOR * hello}
            for name in ("activities_list", "activities_map", "activities_map_points")
        },
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"{'page':<18} {'p50 ms':>8} {'x hello':>8}")
    for name in pages:
        print(f"{name:<18} {p50[name]:>8.1f} {p50[name] / hello if hello else 0:>8.1f}")
    met = all(all(v.values()) for v in results["activities"]["met"].values())
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
