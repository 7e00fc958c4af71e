"""Benchmark of the city's dashboard at metro scale (``make bench``; issue 12, ADR 0038).

The seed_scale city ("metropoli": 20,000 needs, 300,000 organisations) gets, once, what its
dashboard reads: ``--movements`` ledger movements (200,000 by default, so 400,000 postings) from
5,000 of its companies into its published needs over three years (money, volunteer time, goods,
expertise and space; one in fifty reversed by a correction), and a pledge for every fourth
movement in each state of the funnel. They are written as raw rows with COPY, appended to the
city's hash chain (``ledger_verify`` holds on them), with the accounts' balances; no audit row.
A second run finds them and only measures.

Then, through Django's test Client (the whole URL stack, no network), round after round: the
dashboard page (whole history), the same page filtered by a theme and a period, the API, and the
trivial page as the reference measured in the same run. Medians merged into bench/results.json:
``dashboard_ms_p50`` (the page) against the targets ≤ 100 ms and ≤ 10 × ``hello``, the others
beside it, ``dashboard.cold_ms``: the page once every cache is empty, and
``dashboard.after_one_movement_ms``: the page read again after one new movement (its entry is
rebuilt; the ledger's kept sums take in only that movement, the givers are read whole).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_dashboard.py [--city metropoli] [--movements 200000] [--requests 30] [--warmup 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGET_MS = 100
TARGET_FACTOR = 10
GIVERS = 5_000
REVERSE_EVERY = 50
PLEDGE_EVERY = 4
START = dt.date(2023, 12, 1)
DAYS = 3 * 365
# (resource kind, weight, unit, valuation, cents per unit range): money is counted in cents
KINDS = (
    ("money", 50, "", "face_value", None),
    ("volunteer_time", 20, "hours", "cost", (2_500, 2_500)),
    ("goods", 15, "units", "market", (2_000, 40_000)),
    ("expertise", 10, "hours", "cost", (4_000, 9_000)),
    ("space", 5, "days", "market", (3_000, 6_000)),
)
PLEDGE_STATES = ("accepted", "agreed", "in_delivery", "delivered", "verified", "verified", "proposed", "declined")


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (this script's table names)
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table: str) -> None:
    sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
    cursor.execute(sql)  # this script's table names


def seed(slug: str, n: int) -> dict:
    """``n`` movements into the city's needs and their pledges (skipped when the city has its
    ``n`` movements from this script already). Returns what the city has."""
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from cities4csr.cities.models import City
    from cities4csr.ledger.chain import GENESIS, group_hash
    from cities4csr.ledger.models import Account, ChainHead, Posting, PostingGroup
    from cities4csr.ledger.services import group_content
    from cities4csr.needs.models import Need
    from cities4csr.organisations.models import Organisation

    with scopes_disabled():
        city = City.objects.filter(slug=slug).first()
        if city is None:
            raise SystemExit(f"{slug} does not exist: run `manage.py seed_scale` first")
        mine = PostingGroup.objects.filter(city=city, source_ref__startswith="bench.dashboard:")
        if mine.exists():
            print(f"{slug}: the dashboard's movements are there already", flush=True)
            return _sizes(city)
        rng = random.Random("dashboard-bench")
        needs = list(
            Need.objects.filter(city=city, state__in=["published", "in_progress", "fulfilled", "delivered", "verified"])
            .exclude(area=None)
            .order_by("pk")
            .values_list("pk", "theme_keys", "area__code", "title")[:20_000]
        )
        givers = list(
            Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY)
            .order_by("pk")
            .values_list("pk", "name")[:GIVERS]
        )
        if not needs or not givers:
            raise SystemExit(f"{slug} has no published needs or no companies: run `manage.py seed_scale`")
        kinds = [k for k in KINDS for _ in range(k[1])]
        started = time.perf_counter()
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().filter(city=city).first()
            seq0, prev0 = (head.seq, head.last_hash) if head else (0, GENESIS)
            accounts = {}
            existing = {
                (a.kind, a.ref_id): a.pk
                for a in Account.objects.filter(city=city, kind__in=["giver", "need"]).only("kind", "ref_id")
            }
            new = [Account(city=city, kind="giver", ref_id=pk, label=name[:255]) for pk, name in givers]
            new += [Account(city=city, kind="need", ref_id=pk, label=title[:255]) for pk, _t, _a, title in needs]
            Account.objects.bulk_create([a for a in new if (a.kind, a.ref_id) not in existing], batch_size=5_000)
            accounts = {
                (a.kind, a.ref_id): a.pk
                for a in Account.objects.filter(city=city, kind__in=["giver", "need"]).only("kind", "ref_id")
            }
            balances = dict(
                Posting.objects.filter(city=city)
                .values("account")
                .annotate(total=Sum("amount_cents"))
                .values_list("account", "total")
                .order_by()
            )
            cursor = connection.cursor().cursor  # psycopg's own, for COPY
            group0 = _next_id(cursor, "ledger_group")
            posting0 = _next_id(cursor, "ledger_posting")
            now = timezone.now()
            movements = []  # (giver pk, need pk, kind, quantity, cents, unit, valuation, day, themes, area, reverses i)
            for i in range(n):
                if i % REVERSE_EVERY == REVERSE_EVERY - 1:
                    movements.append((*movements[i - 1][:10], i - 1))
                    continue
                giver = givers[int(rng.paretovariate(1.2)) % len(givers)][0]  # a few give much
                need, themes, area, _title = rng.choice(needs)
                kind, _w, unit, valuation, per_unit = rng.choice(kinds)
                if per_unit is None:
                    quantity, cents = 0, rng.randint(50, 5_000) * 100
                else:
                    quantity = rng.randint(1, 40)
                    cents = quantity * rng.randint(*per_unit)
                day = START + dt.timedelta(days=i * DAYS // n)
                movements.append((giver, need, kind, quantity, cents, unit, valuation, day, themes, area, None))
            columns = [
                "id", "city_id", "seq", "source", "source_ref", "resource_kind", "motivation", "themes", "area_code",
                "valuation", "effective_on", "memo", "reverses_id", "reason_code", "prev_hash", "hash",
                "created_at", "updated_at",
            ]  # fmt: skip
            hashes = []

            def groups():
                prev = prev0
                for i, (giver, need, kind, quantity, cents, unit, valuation, day, themes, area, rev) in enumerate(
                    movements
                ):
                    sign = -1 if rev is not None else 1
                    g = SimpleNamespace(
                        city_id=city.pk,
                        seq=seq0 + i + 1,
                        source="correction" if rev is not None else "pledge",
                        source_ref="" if rev is not None else f"bench.dashboard:{i}",
                        resource_kind=kind,
                        motivation="community_investment",
                        themes=themes,
                        area_code=area,
                        valuation=valuation,
                        effective_on=day,
                        memo="",
                        reverses_id=group0 + rev if rev is not None else None,
                        reverses=SimpleNamespace(hash=hashes[rev]) if rev is not None else None,
                        reason_code="entered_in_error" if rev is not None else "",
                    )
                    legs = [
                        ("giver", giver, -sign * cents, -sign * quantity, unit),
                        ("need", need, sign * cents, sign * quantity, unit),
                    ]
                    h = group_hash(prev_hash=prev, content=group_content(g), postings=legs)
                    hashes.append(h)
                    yield (
                        group0 + i, city.pk, g.seq, g.source, g.source_ref, kind, g.motivation, themes, area,
                        valuation, day, "", g.reverses_id, g.reason_code, prev, h, now, now,
                    )  # fmt: skip
                    prev = h

            print(f"{slug}: writing {n:,} movements…", flush=True)
            _copy(cursor, "ledger_group", columns, groups())

            def postings():
                for i, (giver, need, _kind, quantity, cents, unit, *_rest, rev) in enumerate(movements):
                    sign = -1 if rev is not None else 1
                    legs = ((accounts[("giver", giver)], -sign * cents, -sign * quantity),)
                    legs += ((accounts[("need", need)], sign * cents, sign * quantity),)
                    for k, (account, amount, qty) in enumerate(legs):
                        balances[account] = balances.get(account, 0) + amount
                        yield (posting0 + 2 * i + k, city.pk, group0 + i, account, amount, qty, unit,
                               balances[account], now, now)  # fmt: skip

            print(f"{slug}: writing {2 * n:,} postings…", flush=True)
            _copy(
                cursor,
                "ledger_posting",
                ["id", "city_id", "group_id", "account_id", "amount_cents", "quantity", "unit",
                 "balance_after_cents", "created_at", "updated_at"],
                postings(),
            )  # fmt: skip
            for table in ("ledger_group", "ledger_posting"):
                _reset_sequence(cursor, table)
            cursor.execute(
                "UPDATE ledger_account AS a SET balance_cents = s.total FROM (SELECT account_id, SUM(amount_cents) "
                "AS total FROM ledger_posting WHERE city_id = %s GROUP BY account_id) AS s "
                "WHERE a.id = s.account_id AND a.city_id = %s",
                [city.pk, city.pk],
            )
            last = (group0 + n - 1, hashes[-1])
            if head:
                ChainHead.objects.filter(pk=head.pk).update(seq=seq0 + n, last_hash=last[1], last_group_id=last[0])
            else:
                ChainHead.objects.create(city=city, seq=n, last_hash=last[1], last_group_id=last[0])

            def pledges():
                for i, (giver, need, _kind, _q, cents, *_rest, rev) in enumerate(movements):
                    if rev is not None or i % PLEDGE_EVERY:
                        continue
                    state = PLEDGE_STATES[(i // PLEDGE_EVERY) % len(PLEDGE_STATES)]
                    verified = now if state == "verified" else None
                    yield (city.pk, need, giver, state, True, "", "", cents, None, verified, "", now, now)

            print(f"{slug}: writing the pledges…", flush=True)
            _copy(
                cursor,
                "pledges_pledge",
                ["city_id", "need_id", "organisation_id", "state", "is_public", "message", "reason", "value_cents",
                 "created_by_id", "verified_at", "idempotency_key", "created_at", "updated_at"],
                pledges(),
            )  # fmt: skip
        with connection.cursor() as c:
            for table in ("ledger_account", "ledger_group", "ledger_posting", "pledges_pledge"):
                c.execute(f"VACUUM ANALYZE {table}")
        print(f"{slug}: seeded {n:,} movements in {time.perf_counter() - started:.0f} s", flush=True)
        return _sizes(city)


def _sizes(city) -> dict:
    from django_scopes import scopes_disabled

    from cities4csr.ledger.models import Posting, PostingGroup
    from cities4csr.pledges.models import Pledge

    with scopes_disabled():
        return {
            "movements": PostingGroup.objects.filter(city=city).count(),
            "postings": Posting.objects.filter(city=city).count(),
            "pledges": Pledge.objects.filter(city=city).count(),
        }


def one_movement(slug: str) -> None:
    """One more gift on the ledger, written by the service as any would be."""
    from django_scopes import scopes_disabled

    from cities4csr.cities.models import City
    from cities4csr.ledger.models import Account, Source
    from cities4csr.ledger.services import Leg, group_post

    with scopes_disabled():
        city = City.objects.get(slug=slug)
        giver = Account.objects.filter(city=city, kind=Account.Kind.GIVER).order_by("pk").first()
        need = Account.objects.filter(city=city, kind=Account.Kind.NEED).order_by("pk").first()
        group_post(
            actor=None,
            city=city,
            legs=[Leg("giver", giver.ref_id, -10_000), Leg("need", need.ref_id, 10_000)],
            source=Source.PLEDGE,
            resource_kind="money",
            motivation="community_investment",
            valuation="face_value",
            effective_on=dt.date.today(),
            area_code="35",
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="metropoli")
    parser.add_argument("--movements", type=int, default=200_000)
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
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    sizes = seed(args.city, args.movements)
    with translation.override("it"):
        kwargs = {"city_slug": args.city}
        page = reverse("dashboard", kwargs=kwargs)
        pages = {
            "dashboard": page,
            "dashboard_filtered": f"{page}?theme=education&since=01/01/2025&until=31/12/2025&step=quarter",
            "dashboard_api": f"/api/v1/cities/{args.city}/dashboard/",
            "hello": f"/it/{args.city}/ping/",
        }
    client = Client()
    cold = []
    for _ in range(3):
        cache.clear()
        cold.append(get(client, pages["dashboard"])[0])
    # after one new movement: the page's entry is rebuilt, the ledger's kept sums only take it in
    changed = []
    get(client, pages["dashboard"])
    for _ in range(3):
        one_movement(args.city)
        changed.append(get(client, pages["dashboard"])[0])
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
    results["dashboard_ms_p50"] = p50["dashboard"]
    results["dashboard"] = {
        **sizes,
        "requests": args.requests,
        "warmup": args.warmup,
        "hello_ms_p50": hello,
        "times_hello": round(p50["dashboard"] / hello, 1) if hello else None,
        "filtered_ms_p50": p50["dashboard_filtered"],
        "api_ms_p50": p50["dashboard_api"],
        "cold_ms": round(statistics.median(cold), 1),
        "after_one_movement_ms": round(statistics.median(changed), 1),
        "urls": pages,
        "targets": {"ms_p50_max": TARGET_MS, "times_hello_max": TARGET_FACTOR},
        "met": {
            name: {"ms_p50_max": p50[name] <= TARGET_MS, "times_hello_max": p50[name] <= TARGET_FACTOR * hello}
            for name in ("dashboard", "dashboard_filtered", "dashboard_api")
        },
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"{'page':<20} {'p50 ms':>8} {'x hello':>8}")
    for name in pages:
        print(f"{name:<20} {p50[name]:>8.1f} {p50[name] / hello if hello else 0:>8.1f}")
    print(f"{'dashboard (cold)':<20} {results['dashboard']['cold_ms']:>8.1f}")
    print(f"{'after one movement':<20} {results['dashboard']['after_one_movement_ms']:>8.1f}")
    met = all(results["dashboard"]["met"]["dashboard"].values())
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
