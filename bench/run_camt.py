"""Benchmark of bank reconciliation (``make bench``): a fund with 100,000 pending contributions
and a camt.053 statement of 100,000 credits, one for each, quoting its RF reference; the whole
reconciliation is timed, as an officer's upload and the background task do it: the file read
and checked, stored, its lines stored, matched and each contribution received (a ledger movement
each). The figure is merged into bench/results.json as ``camt_reconcile_100k_s`` (target: 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench \\
        python bench/run_camt.py [--size 100000]

A smaller ``--size`` checks the script quickly; only the 100,000 run writes the key (others write
``camt_reconcile_<size>_s``). Before the full run, a probe of ``--probe`` lines (2,000) is timed
the same way: when it projects more than five times the target, the full run is skipped to spare
the shared machine, and ``camt_reconcile_100k_s`` is recorded as null beside the probe's figure and
the projection (``camt_reconcile_100k_s_projected``). Each run makes a city of its own
("camt-bench-<n>"): the ledger is append-only, so nothing is deleted afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TARGET_S = 60
FULL_SIZE = 100_000
IBAN = "IT60X0542811101000000123456"


def setup(size: int):
    """A city, its officer, a fund and ``size`` pending bank-transfer contributions (bulk: the
    set-up is not what is measured)."""
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from cities4csr.accounts.models import User
    from cities4csr.cities.models import City
    from cities4csr.cities.tests.factories import CityFactory
    from cities4csr.funds.banking.rf import rf_build
    from cities4csr.funds.models import Contribution
    from cities4csr.funds.services import fund_create
    from cities4csr.organisations.models import CityRole

    with scopes_disabled():
        n = City.objects.filter(slug__startswith="camt-bench-").count() + 1
        city = CityFactory(slug=f"camt-bench-{n}", name=f"Camt bench {n}")
        officer = User.objects.create_user(email=f"camt-bench-{n}@example.org", password=None)
        CityRole.objects.create(city=city, user=officer, role="officer")
    with scope(city=city.pk):
        fund = fund_create(
            actor=officer,
            city=city,
            slug="fondo",
            title="Fondo di mutuo soccorso",
            purpose="Benchmark",
            opens_on=dt.date(2026, 3, 1),
            iban=IBAN,
            beneficiary="Comune",
        )
        prefix = f"B{n}"
        rows = [
            Contribution(
                city=city,
                target=fund.account,
                donor_kind=Contribution.DonorKind.CITIZEN,
                donor_name=f"Donor {i}",
                amount_cents=1000 + i % 9000,
                channel=Contribution.Channel.BANK_TRANSFER,
                reference=rf_build(i, prefix),
            )
            for i in range(size)
        ]
        with transaction.atomic():
            Contribution.objects.bulk_create(rows, batch_size=5000)
    return city, officer, fund, prefix


def statement(size: int, prefix: str) -> bytes:
    from cities4csr.funds.banking.rf import rf_build
    from cities4csr.funds.banking.synthetic import Transfer, write_camt053

    out = io.BytesIO()
    write_camt053(
        out,
        (
            Transfer(1000 + i % 9000, f"DONOR {i}", reference=rf_build(i, prefix), bank_reference=f"{prefix}-{i:08d}")
            for i in range(size)
        ),
        iban=IBAN,
        statement_id=f"{prefix}-STATEMENT",
    )
    return out.getvalue()


def run(size: int) -> tuple[float, float]:
    """(seconds of the whole reconciliation, of the upload's check) of ``size`` lines."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scope

    from cities4csr.funds.models import Contribution, StatementImport
    from cities4csr.funds.services import statement_run, statement_upload

    started = time.perf_counter()
    city, officer, fund, prefix = setup(size)
    data = statement(size, prefix)
    print(
        f"set up {size} contributions and a {len(data) / 1e6:.1f} MB statement in {time.perf_counter() - started:.1f} s"
    )
    with scope(city=city.pk):
        start = time.perf_counter()
        upload = statement_upload(
            actor=officer,
            fund=fund,
            file=SimpleUploadedFile("statement.xml", data),
            format=StatementImport.Format.CAMT053,
        )
        uploaded = time.perf_counter() - start
        done = statement_run(statement=upload)  # what the background task runs
        elapsed = time.perf_counter() - start
        received = Contribution.objects.filter(target=fund.account, state=Contribution.State.RECEIVED).count()
    if done.state != StatementImport.State.DONE or received != size:
        raise SystemExit(f"reconciliation incomplete: {done.state}, {received} of {size} received")
    print(f"reconciled {size} lines in {elapsed:.1f} s (upload and check {uploaded:.1f} s)")
    return elapsed, uploaded


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=FULL_SIZE)
    parser.add_argument("--probe", type=int, default=2000, help="lines of the probe run before the full one")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the target is missed")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL (see `make bench`).")
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    skip = False
    if args.probe and args.size > args.probe:
        probe, _ = run(args.probe)
        projected = probe * args.size / args.probe
        results[f"camt_reconcile_{args.probe}_s"] = round(probe, 1)
        results[f"camt_reconcile_{args.size // 1000}k_s_projected"] = round(projected, 1)
        skip = projected > 5 * TARGET_S
        if skip:
            print(f"projected {projected:.0f} s for {args.size} lines: the full run is skipped")
    elapsed = None if skip else run(args.size)[0]

    key = "camt_reconcile_100k_s" if args.size == FULL_SIZE else f"camt_reconcile_{args.size}_s"
    results[key] = round(elapsed, 1) if elapsed is not None else None
    targets = results.setdefault("targets", {})
    targets["camt_reconcile_100k_s_max"] = TARGET_S
    if args.size == FULL_SIZE:
        targets.setdefault("met", {})["camt_reconcile_100k_s"] = elapsed is not None and elapsed <= TARGET_S
    results.setdefault("machine", {}).update({"cpu_count": os.cpu_count(), "python": platform.python_version()})
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written to {args.output}")
    return 1 if args.strict and args.size == FULL_SIZE and not targets["met"]["camt_reconcile_100k_s"] else 0


if __name__ == "__main__":
    sys.exit(main())
