"""Benchmark of a fund's public ledger at a million movements (``make bench``; ADR 0030).

A fund of its own city ("fondi-bench") gets ``--postings`` movements (1,000,000 by default):
contributions of citizens (a refund of part of one every hundred movements, a disbursement of an
award every thousand), each a real ledger movement with its two postings, running balances and
hash chain, and its contribution row. They are written as raw rows with COPY, not through
``group_post`` one by one (which takes the city's chain lock a million times): the rows are those
the services would write, so ``ledger_verify`` holds on them, but no audit row is written. Seeded
once; a second run finds the fund full and only measures.

Then, through Django's test Client (the whole URL stack, no network), in turn round after round:
the ledger page's first page, a deep page (``?before=`` a movement near the start: keyset, no
OFFSET), and the trivial page as the reference measured in the same run. Medians merged into
bench/results.json: ``fund_ledger_ms_p50``, ``fund_ledger_deep_ms_p50``, their ratio to
``hello_ms_p50``, ``fund_balance_queries`` (the queries that give a fund's balance, reserved and
available: constant), and ``fund_ledger_totals_cold_ms`` (the totals by source once their cache
is empty: they read every contribution of the fund, once per new movement).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_fund_ledger.py [--postings 1000000] [--requests 30] [--warmup 5]
"""

from __future__ import annotations

import argparse
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
CITY = "fondi-bench"
FUND = "fondo-bench"
TARGET_MS = 100
TARGET_FACTOR = 10
DISBURSE_EVERY = 1000  # a payment of an award every thousand movements
REFUND_EVERY = 100  # a refund of part of the gift just before, every hundred
START = dt.date(2020, 3, 1)


def gift_cents(i: int) -> int:
    return 1000 + (i * 37) % 9000  # €10 to €100


def movement(i: int) -> tuple[str, int]:
    """(kind, cents into the fund) of the fund's movement ``i`` (1-based)."""
    if i % DISBURSE_EVERY == 0:
        return "disbursement", -1_000_000
    if i % REFUND_EVERY == REFUND_EVERY // 2:
        return "refund", -500
    return "contribution", gift_cents(i)


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


def seed(n: int) -> None:
    """The bench city, its fund and ``n`` movements of it (skipped when the fund has them)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from cities4csr.cities.models import City
    from cities4csr.funds.models import Award, Fund, PurposeCategory
    from cities4csr.funds.services import contribution_reference
    from cities4csr.ledger.chain import GENESIS, group_hash
    from cities4csr.ledger.models import Account, ChainHead
    from cities4csr.ledger.services import account_open, group_content
    from cities4csr.organisations.models import Organisation

    with scopes_disabled():
        city, _ = City.objects.get_or_create(
            slug=CITY,
            defaults={
                "name": "Fondi di prova",
                "country": "IT",
                "default_language": "it",
                "languages": ["it", "en", "fr"],
                "theme": City.Theme.BOOTSTRAP_ITALIA,
            },
        )
        fund = Fund.objects.filter(city=city, slug=FUND).select_related("account").first()
        if fund is not None and ChainHead.objects.filter(city=city, seq__gte=n).exists():
            print(f"{CITY}: the fund has its {n:,} movements already")
            return
        if ChainHead.objects.filter(city=city).exists():
            raise SystemExit(f"{CITY} has a partial ledger: drop the database (or the city) and seed again")
        started = time.perf_counter()
        with transaction.atomic():
            fund = Fund.objects.create(
                city=city,
                slug=FUND,
                title="Fondo di mutuo soccorso (banco di prova)",
                purpose="Un fondo con un milione di movimenti, per misurare il registro pubblico.",
                opens_on=START,
                iban="IT60X0542811101000000123456",
                beneficiary="Comune di prova",
                governance_act="Delibera di Giunta n. 1",
                governance_act_on=START,
            )
            fund.account = account_open(city=city, kind=Account.Kind.FUND, ref_id=fund.pk, label=fund.title)
            fund.save(update_fields=["account"])
            public = account_open(city=city, kind=Account.Kind.PUBLIC, ref_id=0)
            recipient_org = Organisation.objects.create(city=city, name="Associazione del banco di prova")
            recipient = account_open(
                city=city, kind=Account.Kind.RECIPIENT, ref_id=recipient_org.pk, label=recipient_org.name
            )
            purposes = [
                PurposeCategory.objects.create(city=city, code=code, name=name)
                for code, name in (("famiglie", "Famiglie fragili"), ("buoni", "Buoni spesa"), ("nidi", "Nidi"))
            ]
            payments = n // DISBURSE_EVERY
            awards = [
                Award.objects.create(
                    city=city,
                    fund=fund,
                    purpose=purpose,
                    description=f"Sostegno: {purpose.name}",
                    act_number=f"Delibera di Giunta n. {100 + k}",
                    act_on=START + dt.timedelta(days=30 * k),
                    amount_cents=1_000_000 * len(range(k, payments, 3)),
                    disbursed_cents=1_000_000 * len(range(k, payments, 3)),
                    organisation=recipient_org,
                    state=Award.State.PAID,
                    approved_at=timezone.now(),
                )
                for k, purpose in enumerate(purposes)
                if range(k, payments, 3)
            ]
            cursor = connection.cursor().cursor  # psycopg's own, for COPY
            group0 = _next_id(cursor, "ledger_group")
            posting0 = _next_id(cursor, "ledger_posting")
            contribution0 = _next_id(cursor, "funds_contribution")
            now = timezone.now()

            def day(i):
                return START + dt.timedelta(days=i * 1000 // max(n, 1))

            # movements: the hash chain in order
            group_columns = [
                "id", "city_id", "seq", "source", "source_ref", "resource_kind", "motivation", "themes", "area_code",
                "valuation", "effective_on", "memo", "reverses_id", "reason_code", "prev_hash", "hash",
                "created_at", "updated_at",
            ]  # fmt: skip

            def groups():
                prev = GENESIS
                for i in range(1, n + 1):
                    kind, cents = movement(i)
                    source = {"contribution": "fund_contribution", "refund": "refund"}.get(kind, "disbursement")
                    reverses = group0 + i - 2 if kind == "refund" else None
                    g = SimpleNamespace(
                        city_id=city.pk,
                        seq=i,
                        source=source,
                        source_ref=f"funds.contribution:{contribution0 + i - 1}" if kind == "contribution" else "",
                        resource_kind="money",
                        motivation="charitable_gift",
                        themes=f"|{purposes[(i // DISBURSE_EVERY - 1) % 3].code}|" if kind == "disbursement" else "",
                        area_code="",
                        valuation="face_value",
                        effective_on=day(i),
                        memo="",
                        reverses_id=reverses,
                        reverses=SimpleNamespace(hash=prev),  # a refund undoes the gift just before
                        reason_code="refund" if kind == "refund" else "",
                    )
                    other = (
                        (Account.Kind.RECIPIENT, recipient.ref_id)
                        if kind == "disbursement"
                        else (Account.Kind.PUBLIC, 0)
                    )
                    legs = [(Account.Kind.FUND, fund.pk, cents, 0, ""), (*other, -cents, 0, "")]
                    h = group_hash(prev_hash=prev, content=group_content(g), postings=legs)
                    yield (
                        group0 + i - 1, city.pk, i, source, g.source_ref, "money", "charitable_gift", g.themes, "",
                        "face_value", g.effective_on, "", reverses, g.reason_code, prev, h, now, now,
                    )  # fmt: skip
                    prev = h
                last[0] = (group0 + n - 1, prev)

            last = [None]
            print(f"writing {n:,} movements…", flush=True)
            _copy(cursor, "ledger_group", group_columns, groups())

            def postings():
                balances = {fund.account_id: 0, public.pk: 0, recipient.pk: 0}
                for i in range(1, n + 1):
                    kind, cents = movement(i)
                    other = recipient.pk if kind == "disbursement" else public.pk
                    for k, (account, amount) in enumerate(((fund.account_id, cents), (other, -cents))):
                        balances[account] += amount
                        yield (
                            posting0 + 2 * (i - 1) + k, city.pk, group0 + i - 1, account, amount, 0, "",
                            balances[account], now, now,
                        )  # fmt: skip
                final.update(balances)

            final = {}
            print(f"writing {2 * n:,} postings…", flush=True)
            _copy(
                cursor,
                "ledger_posting",
                ["id", "city_id", "group_id", "account_id", "amount_cents", "quantity", "unit",
                 "balance_after_cents", "created_at", "updated_at"],
                postings(),
            )  # fmt: skip

            def contributions():
                for i in range(1, n + 1):
                    kind, cents = movement(i)
                    if kind != "contribution":
                        continue
                    refunded = 500 if (i + 1) % REFUND_EVERY == REFUND_EVERY // 2 and i + 1 <= n else 0
                    pk = contribution0 + i - 1
                    yield (
                        pk, city.pk, fund.account_id, "citizen", f"Donatore {i}", f"donatore{i}@example.org",
                        i % 7 == 0, "charitable_gift", cents, cents, refunded, "bank_transfer",
                        "partly_refunded" if refunded else "received",
                        contribution_reference(city=city, number=pk), day(i), group0 + i - 1,
                        f"bench{i:020d}", "", "", "", "", "", "", "", now, now,
                    )  # fmt: skip

            print("writing the contributions…", flush=True)
            _copy(
                cursor,
                "funds_contribution",
                ["id", "city_id", "target_id", "donor_kind", "donor_name", "donor_email", "name_public",
                 "motivation", "amount_cents", "received_cents", "refunded_cents", "channel", "state",
                 "reference", "received_on", "group_id", "access_token", "donor_tax_id", "donor_address",
                 "notice_code", "provider_ref", "evidence", "note", "idempotency_key", "created_at", "updated_at"],
                contributions(),
            )  # fmt: skip
            disbursement_columns = [
                "city_id", "award_id", "amount_cents", "paid_on", "group_id", "receipt", "note", "created_at", "updated_at"
            ]  # fmt: skip
            _copy(
                cursor,
                "funds_disbursement",
                disbursement_columns,
                (
                    (city.pk, awards[(i // DISBURSE_EVERY - 1) % len(awards)].pk, 1_000_000, day(i),
                     group0 + i - 1, "", "", now, now)
                    for i in range(DISBURSE_EVERY, n + 1, DISBURSE_EVERY)
                ),
            )  # fmt: skip
            for table in ("ledger_group", "ledger_posting", "funds_contribution"):
                _reset_sequence(cursor, table)
            for pk, balance in final.items():
                Account.objects.filter(pk=pk).update(balance_cents=balance)
            last_group, last_hash = last[0]
            ChainHead.objects.create(city=city, seq=n, last_hash=last_hash, last_group_id=last_group)
        with connection.cursor() as c:
            for table in ("ledger_group", "ledger_posting", "funds_contribution", "funds_disbursement"):
                c.execute(f"ANALYZE {table}")
        print(f"seeded {n:,} movements in {time.perf_counter() - started:.0f} s", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from run_catalogue import get, prepare_database

    prepare_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    call_command("migrate", verbosity=0, interactive=False)
    seed(args.postings)
    if args.seed_only:
        return 0

    from cities4csr.funds.models import Fund
    from cities4csr.funds.selectors import fund_figures, fund_ledger_totals

    with scopes_disabled():
        fund = Fund.objects.select_related("account", "city").get(city__slug=CITY, slug=FUND)
    city = fund.city
    deep = max(2, args.postings // 1000)  # movements numbered below ~0.1 % of the way: the last pages
    pages = {
        "fund_ledger": f"/it/{CITY}/funds/{FUND}/ledger/",
        "fund_ledger_deep": f"/it/{CITY}/funds/{FUND}/ledger/?before={deep}",
        "hello": f"/it/{CITY}/ping/",
    }
    client = Client()
    # the totals by source, from an empty cache: every contribution of the fund read once
    with scope(city=city.pk):
        timings = []
        for _ in range(3):
            cache.clear()
            start = time.perf_counter()
            fund_ledger_totals(fund=fund)
            timings.append((time.perf_counter() - start) * 1000)
        cold = round(statistics.median(timings), 1)
        with CaptureQueriesContext(connection) as queries:
            again = Fund.objects.select_related("account").get(pk=fund.pk)
            fund_figures(fund=again)
        balance_queries = len(queries)
    for url in pages.values():
        for _ in range(args.warmup):
            get(client, url)
    samples = {name: [] for name in pages}
    for _ in range(args.requests):
        for name, url in pages.items():
            samples[name].append(get(client, url)[0])
    p50 = {name: round(statistics.median(values), 1) for name, values in samples.items()}
    hello = p50["hello"]
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    results["fund_ledger_ms_p50"] = p50["fund_ledger"]
    results["fund_ledger_deep_ms_p50"] = p50["fund_ledger_deep"]
    results["fund_ledger_totals_cold_ms"] = cold
    results["fund_balance_queries"] = balance_queries
    results["fund_ledger"] = {
        "postings": args.postings,
        "requests": args.requests,
        "warmup": args.warmup,
        "hello_ms_p50": hello,
        "times_hello": round(p50["fund_ledger"] / hello, 1) if hello else None,
        "deep_times_hello": round(p50["fund_ledger_deep"] / hello, 1) if hello else None,
        "urls": pages,
        "targets": {"ms_p50_max": TARGET_MS, "times_hello_max": TARGET_FACTOR},
        "met": {
            name: {"ms_p50_max": p50[name] <= TARGET_MS, "times_hello_max": p50[name] <= TARGET_FACTOR * hello}
            for name in ("fund_ledger", "fund_ledger_deep")
        },
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # what else the machine was doing (1, 5, 15 minutes): the ratio to hello is the figure to compare
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"{'page':<18} {'p50 ms':>8} {'x hello':>8}")
    for name in pages:
        print(f"{name:<18} {p50[name]:>8.1f} {p50[name] / hello if hello else 0:>8.1f}")
    print(f"totals by source, cache empty: {cold} ms; a fund's balance: {balance_queries} queries")
    met = all(all(v.values()) for v in results["fund_ledger"]["met"].values())
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
