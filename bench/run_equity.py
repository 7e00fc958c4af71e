"""Benchmark of the equity page at metro scale (``make bench``; issue 12).

The seed_scale city ("metropoli": Milan's 88 NIL, its needs and companies) gets the residents per
NIL (Milan's population file, through the indicator import) and ``--movements`` ledger movements
(200,000 by default) from its companies to its needs, money and volunteer time, each located in
its need's NIL. They are written as raw rows with COPY (as bench/run_fund_ledger.py does), after
the city's ledger head when it has one: each continues the hash chain with its two postings and
running balances, so ``ledger_verify`` holds; no audit row is written. Seeded once (the movements
are marked ``bench.equity:<i>``); a second run only measures.

Then, through Django's test Client (the whole URL stack, no network), round after round: the
equity page (whole history), the same for one year, the API, and the trivial page as the
reference measured in the same run. Medians merged into bench/results.json: ``equity_ms_p50``
(the page, whole history) against the targets ≤ 100 ms and ≤ 10 × ``hello``, the others beside it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_equity.py [--city metropoli] [--movements 200000] [--requests 30] [--warmup 5]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGET_MS = 100
TARGET_FACTOR = 10
START = dt.date(2024, 1, 1)
MARK = "bench.equity:"
GIVERS = 2_000  # companies that give
RECEIVERS = 5_000  # needs that receive


def seed_population(city) -> None:
    """Residents per NIL from Milan's file (the scale city copies Milan's NIL), once."""
    from cities4csr.cities.models import Indicator
    from cities4csr.cities.services import indicator_import

    if Indicator.objects.filter(city=city, key="population").exists():
        return
    with (ROOT / "cities4csr" / "demo" / "data" / "milano_popolazione_nil_2022.csv").open(encoding="utf-8") as handle:
        values = {row["ID_NIL"]: row["residenti_totale"] for row in csv.DictReader(handle)}
    indicator_import(
        actor=None,
        city=city,
        key="population",
        names={"it": "Residenti", "en": "Residents", "fr": "Habitants"},
        area_kind=city.settings.primary_area_kind,
        date=dt.date(2022, 12, 31),
        values=values,
        source="Comune di Milano, Unità Servizi Statistici, anagrafe 31/12/2022",
    )
    print(f"{city.slug}: residents per NIL loaded", flush=True)


def seed_movements(city, n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from run_fund_ledger import _copy, _next_id, _reset_sequence

    from cities4csr.ledger.chain import GENESIS, group_hash
    from cities4csr.ledger.models import Account, ChainHead, PostingGroup
    from cities4csr.ledger.services import account_open, group_content
    from cities4csr.needs.models import Need
    from cities4csr.organisations.models import Organisation

    if PostingGroup.objects.filter(city=city, source_ref__startswith=MARK).exists():
        print(f"{city.slug}: the equity movements are there already", flush=True)
        return
    started = time.perf_counter()
    needs = list(
        Need.objects.filter(city=city, area__isnull=False)
        .order_by("id")
        .values_list("id", "area__code", "title")[:RECEIVERS]
    )
    companies = list(
        Organisation.objects.filter(city=city, kind=Organisation.Kind.COMPANY)
        .order_by("id")
        .values_list("id", "name")[:GIVERS]
    )
    if not needs or not companies:
        raise SystemExit(f"{city.slug} has no needs or companies: run `manage.py seed_scale` first")
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(city=city).first()
        seq0, prev = (head.seq, head.last_hash) if head else (0, GENESIS)
        givers = [account_open(city=city, kind=Account.Kind.GIVER, ref_id=pk, label=name) for pk, name in companies]
        receivers = [
            account_open(city=city, kind=Account.Kind.NEED, ref_id=pk, label=title[:200]) for pk, _, title in needs
        ]
        balances = {a.pk: a.balance_cents for a in [*givers, *receivers]}
        cursor = connection.cursor().cursor  # psycopg's own, for COPY
        group0 = _next_id(cursor, "ledger_group")
        posting0 = _next_id(cursor, "ledger_posting")
        now = timezone.now()

        def movement(i):
            """(giver account, receiver account, area, kind, cents, quantity, unit, day) of movement i."""
            # needs are chosen unevenly (the first tenth gets half), as support concentrates
            j = (i * 7919) % len(receivers) if i % 2 else (i * 7919) % max(len(receivers) // 10, 1)
            giver = givers[(i * 104_729) % len(givers)]
            day = START + dt.timedelta(days=(i * 730) // n)
            if i % 5 == 0:  # volunteer time: 1 to 8 hours, valued at €25 an hour
                minutes = 60 * (1 + i % 8)
                return giver, receivers[j], needs[j][1], "volunteer_time", minutes * 2500 // 60, minutes, "minutes", day
            return giver, receivers[j], needs[j][1], "money", 5_000 + (i * 37) % 95_000, 0, "", day

        columns = [
            "id", "city_id", "seq", "source", "source_ref", "resource_kind", "motivation", "themes", "area_code",
            "valuation", "effective_on", "memo", "reverses_id", "reason_code", "prev_hash", "hash",
            "created_at", "updated_at",
        ]  # fmt: skip
        last = [None]

        def groups():
            chain = prev
            for i in range(1, n + 1):
                giver, receiver, area, kind, cents, quantity, unit, day = movement(i)
                source = "volunteering" if kind == "volunteer_time" else "pledge"
                valuation = "cost" if kind == "volunteer_time" else "face_value"
                g = SimpleNamespace(
                    city_id=city.pk, seq=seq0 + i, source=source, source_ref=f"{MARK}{i}", resource_kind=kind,
                    motivation="community_investment", themes="", area_code=area, valuation=valuation,
                    effective_on=day, memo="", reverses_id=None, reason_code="",
                )  # fmt: skip
                legs = [
                    (giver.kind, giver.ref_id, -cents, -quantity, unit),
                    (receiver.kind, receiver.ref_id, cents, quantity, unit),
                ]
                h = group_hash(prev_hash=chain, content=group_content(g), postings=legs)
                yield (
                    group0 + i - 1, city.pk, seq0 + i, source, g.source_ref, kind, g.motivation, "", area,
                    valuation, day, "", None, "", chain, h, now, now,
                )  # fmt: skip
                chain = h
            last[0] = (group0 + n - 1, chain)

        print(f"writing {n:,} movements…", flush=True)
        _copy(cursor, "ledger_group", columns, groups())

        def postings():
            for i in range(1, n + 1):
                giver, receiver, _, _, cents, quantity, unit, _ = movement(i)
                for k, (account, amount, q) in enumerate(((giver, -cents, -quantity), (receiver, cents, quantity))):
                    balances[account.pk] += amount
                    yield (
                        posting0 + 2 * (i - 1) + k, city.pk, group0 + i - 1, account.pk, amount, q, unit,
                        balances[account.pk], now, now,
                    )  # fmt: skip

        print(f"writing {2 * n:,} postings…", flush=True)
        _copy(
            cursor,
            "ledger_posting",
            ["id", "city_id", "group_id", "account_id", "amount_cents", "quantity", "unit",
             "balance_after_cents", "created_at", "updated_at"],
            postings(),
        )  # fmt: skip
        for table in ("ledger_group", "ledger_posting"):
            _reset_sequence(cursor, table)
        for pk, balance in balances.items():
            Account.objects.filter(pk=pk).update(balance_cents=balance)
        last_group, last_hash = last[0]
        ChainHead.objects.update_or_create(
            city=city, defaults={"seq": seq0 + n, "last_hash": last_hash, "last_group_id": last_group}
        )
    with connection.cursor() as c:
        for table in ("ledger_group", "ledger_posting", "ledger_account"):
            c.execute(f"ANALYZE {table}")
    print(f"seeded {n:,} movements in {time.perf_counter() - started:.0f} s", flush=True)


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
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from django_scopes import scope, scopes_disabled

    from cities4csr.cities.models import City
    from cities4csr.ledger.models import Posting

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    city = City.objects.filter(slug=args.city).first()
    if city is None:
        raise SystemExit(f"no city {args.city!r}: run `manage.py seed_scale` first")
    with scope(city=city.pk):
        seed_population(city)
        seed_movements(city, args.movements)
    with scopes_disabled():
        postings = Posting.objects.filter(city=city).count()
    with translation.override("it"):
        kwargs = {"city_slug": args.city}
        page = reverse("equity", kwargs=kwargs)
        pages = {
            "equity": page,
            "equity_year": page + "?since=2025-01-01&until=2025-12-31",
            "equity_api": reverse("api:equity", kwargs=kwargs),
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
    results["equity_ms_p50"] = p50["equity"]
    results["equity"] = {
        "movements": args.movements,
        "postings": postings,
        "requests": args.requests,
        "warmup": args.warmup,
        "hello_ms_p50": hello,
        "times_hello": round(p50["equity"] / hello, 1) if hello else None,
        "year_ms_p50": p50["equity_year"],
        "api_ms_p50": p50["equity_api"],
        "urls": pages,
        "targets": {"ms_p50_max": TARGET_MS, "times_hello_max": TARGET_FACTOR},
        "met": {
            name: {"ms_p50_max": p50[name] <= TARGET_MS, "times_hello_max": p50[name] <= TARGET_FACTOR * hello}
            for name in ("equity", "equity_year", "equity_api")
        },
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"{'page':<14} {'p50 ms':>8} {'x hello':>8}")
    for name in pages:
        print(f"{name:<14} {p50[name]:>8.1f} {p50[name] / hello if hello else 0:>8.1f}")
    met = all(all(v.values()) for v in results["equity"]["met"].values())
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
