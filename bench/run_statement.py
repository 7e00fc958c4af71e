"""Benchmark of a company's sustainability statement (``make bench``; issue 12, ADR 0036).

A city of its own ("rendiconto-bench") where one company has ``--movements`` ledger movements as
giver (10,000 by default): money, goods, volunteer time in minutes, pro-bono hours and space, to
50 needs across 88 area codes and seven themes, with the three B4SI motivations, over two years,
and management costs of its programme. They are written once through the ledger's own batch
service (``groups_post_many``, chained and audited as any movement) and skipped when present.

Then, round after round, the whole statement is built as the page's downloads build it: the one
read of the ledger and the other reads (``statement_build``), the JSON, the XLSX and the PDF. The
median in seconds is merged into bench/results.json as ``company_statement_10k_s`` against the
target of 2 s, with each part's median beside it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_statement.py [--movements 10000] [--rounds 7]
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

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
CITY = "rendiconto-bench"
TARGET_S = 2.0
START = dt.date(2025, 1, 1)
THEMES = ("education", "environment", "social_inclusion", "health", "culture", "public_space", "work")
NEEDS = 50
BATCH = 1000


def movement(i: int, *, company, needs):
    """The ``i``-th movement of the company: a spread of what a busy company gives."""
    from cities4csr.ledger.models import Account, Motivation, Source, Valuation
    from cities4csr.ledger.resources import ResourceKind
    from cities4csr.ledger.services import Leg, Movement

    on = START + dt.timedelta(days=i % 700)
    motivation = (Motivation.CHARITABLE_GIFT, Motivation.COMMUNITY_INVESTMENT, Motivation.COMMERCIAL_INITIATIVE)[i % 3]
    if i % 50 == 49:  # running the programme: B4SI's management costs
        cents = 20_000 + i % 997
        return Movement(
            legs=[
                Leg(Account.Kind.GIVER, company.pk, -cents, label=company.name),
                Leg(Account.Kind.PROGRAMME, company.pk, cents, label=company.name),
            ],
            source=Source.MANAGEMENT_COST,
            resource_kind=ResourceKind.MONEY,
            motivation=Motivation.COMMUNITY_INVESTMENT,
            valuation=Valuation.DECLARED,
            effective_on=on,
            source_ref=f"bench.statement:{i}",
        )
    need = needs[i % len(needs)]
    kind, quantity, unit = [
        (ResourceKind.MONEY, 0, ""),
        (ResourceKind.GOODS, 1 + i % 20, "boxes"),
        (ResourceKind.VOLUNTEER_TIME, 60 + i % 240, "minutes"),
        (ResourceKind.EXPERTISE, 1 + i % 8, "hours"),
        (ResourceKind.SPACE, 1 + i % 5, "days"),
        (ResourceKind.MONEY, 0, ""),
    ][i % 6]
    cents = 1_000 + (i * 7919) % 500_000
    keys = sorted({THEMES[i % 7], THEMES[(i // 7) % 7]})
    return Movement(
        legs=[
            Leg(Account.Kind.GIVER, company.pk, -cents, -quantity, unit, company.name),
            Leg(Account.Kind.NEED, need.pk, cents, quantity, unit, need.title),
        ],
        source=Source.VOLUNTEERING if kind == ResourceKind.VOLUNTEER_TIME else Source.PLEDGE,
        resource_kind=kind,
        motivation=motivation,
        valuation=Valuation.FACE_VALUE if kind == ResourceKind.MONEY else Valuation.COST,
        effective_on=on,
        themes=f"|{'|'.join(keys)}|",
        area_code=str(1 + i % 88),
        source_ref=f"bench.statement:{i}",
    )


def seed(n: int):
    """The bench city, its company and needs, and the company's ``n`` movements (the ones
    written already are skipped: the ledger's batch service is idempotent by reference)."""
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from cities4csr.cities.models import City
    from cities4csr.ledger.models import Account, Posting
    from cities4csr.ledger.services import groups_post_many
    from cities4csr.needs.models import Need
    from cities4csr.needs.services import need_create
    from cities4csr.organisations.models import Organisation

    with scopes_disabled():
        city, _ = City.objects.get_or_create(
            slug=CITY,
            defaults={
                "name": "Rendiconto di prova",
                "country": "IT",
                "default_language": "it",
                "languages": ["it", "en", "fr"],
                "theme": City.Theme.BOOTSTRAP_ITALIA,
            },
        )
        company, _ = Organisation.objects.get_or_create(
            city=city, name="Impresa del banco di prova S.p.A.", defaults={"kind": Organisation.Kind.COMPANY}
        )
        owner, _ = Organisation.objects.get_or_create(
            city=city, name="Comune del banco di prova", defaults={"kind": Organisation.Kind.PUBLIC_BODY}
        )
    with scope(city=city.pk):
        needs = list(Need.objects.filter(city=city).order_by("pk")[:NEEDS])
        for k in range(len(needs), NEEDS):
            with transaction.atomic():
                needs.append(
                    need_create(
                        actor=None, city=city, owner=owner, title=f"Bisogno di prova {k}", description="Banco di prova"
                    )
                )
        giver = Account.objects.filter(city=city, kind=Account.Kind.GIVER, ref_id=company.pk).first()
        done = Posting.objects.filter(account=giver).values("group").distinct().count() if giver else 0
        started = time.perf_counter()
        for first in range(done - done % BATCH, n, BATCH):
            batch = [movement(i, company=company, needs=needs) for i in range(first, min(n, first + BATCH))]
            with transaction.atomic():
                groups_post_many(actor=None, city=city, movements=batch)
        if done < n:
            print(f"{CITY}: {n - done:,} movements written in {time.perf_counter() - started:.1f} s")
    return city, company


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the target is missed")
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run on the default SQLite database (a quick local check)"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.allow_sqlite:
        from run_catalogue import prepare_database

        prepare_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scope

    if connection.vendor != "postgresql" and not args.allow_sqlite:
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    call_command("migrate", verbosity=0, interactive=False)
    city, company = seed(args.movements)

    from cities4csr.reporting.exporting import statement_data, statement_pdf, statement_xlsx
    from cities4csr.reporting.statement import statement_build

    since, until = START, START + dt.timedelta(days=800)
    parts: dict[str, list[float]] = {"build": [], "json": [], "xlsx": [], "pdf": [], "total": []}
    with scope(city=city.pk):
        for round_ in range(args.rounds + 1):  # the first round warms up (templates, fonts)
            t0 = time.perf_counter()
            statement = statement_build(city=city, organisation=company, since=since, until=until, language="it")
            t1 = time.perf_counter()
            json.dumps(statement_data(statement), ensure_ascii=False)
            t2 = time.perf_counter()
            statement_xlsx(statement)
            t3 = time.perf_counter()
            statement_pdf(statement)
            t4 = time.perf_counter()
            if round_:
                for name, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
                    parts[name].append(value)
    p50 = {name: round(statistics.median(values), 3) for name, values in parts.items()}
    total = p50["total"]
    print(
        f"statement of {args.movements:,} movements: {total:.3f} s median "
        f"(build {p50['build']} s, JSON {p50['json']} s, XLSX {p50['xlsx']} s, PDF {p50['pdf']} s); "
        f"total given {statement.total_cents / 100:,.2f} {city.currency}"
    )
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    results["company_statement_10k_s"] = total
    results["company_statement"] = {
        "movements": args.movements,
        "rounds": args.rounds,
        "median_s": p50,
        "target_s": TARGET_S,
        "met": total <= TARGET_S,
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 1 if args.strict and total > TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
