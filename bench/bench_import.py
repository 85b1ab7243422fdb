"""Import an orders CSV end to end (read, validate, resolve, write) and compare with the raw
bulk-load floor for the same rows in the same run.

    .venv/bin/python bench/bench_import.py                    # 1M lines into SQLite
    .venv/bin/python bench/bench_import.py --lines 10000000   # M scale
    .venv/bin/python bench/bench_import.py --postgres postgres://postgres@127.0.0.1:5432/postgres

The file is synthetic (products and accounts are created first, as the import needs them).
The floor loads the same order and line rows, pre-parsed, with COPY (PostgreSQL) or
executemany (SQLite) into fresh tables of the same shape; the ratio is import time / floor.
Targets: >= 200k rows/s into PostgreSQL, >= 100k rows/s into SQLite, peak RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import pathlib
import resource
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINES_PER_ORDER = 4


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _inn(n: int) -> str:
    digits = [int(c) for c in f"{7700000000 + n:010d}"[:9]]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def write_file(path: pathlib.Path, lines: int, accounts: int, products: int) -> None:
    start = dt.date(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(
            [
                "Документ",
                "Дата",
                "ИНН контрагента",
                "Артикул",
                "Количество",
                "Сумма без НДС",
                "Себестоимость",
            ]
        )
        for n in range(lines):
            order = n // LINES_PER_ORDER
            day = start + dt.timedelta(days=order % 700)
            out.writerow(
                [
                    f"R-{order}",
                    day.strftime("%d.%m.%Y"),
                    _inn(order % accounts),
                    f"SKU-{(n * 7) % products:05d}",
                    1 + n % 9,
                    f"{100 + n % 997},{n % 100:02d}",
                    f"{50 + n % 500}.00",
                ]
            )


def seed(accounts: int, products: int) -> None:
    from clientbase.accounts.models import Account, TaxIdentifier
    from clientbase.catalog.models import Product, ProductCategory

    category = ProductCategory.objects.create(name="Bench")
    Product.objects.bulk_create(
        Product(sku=f"SKU-{n:05d}", name=f"Product {n}", category=category) for n in range(products)
    )
    made = Account.objects.bulk_create(
        Account(legal_name=f"Bench {n}", display_name=f"Bench {n}") for n in range(accounts)
    )
    TaxIdentifier.objects.bulk_create(
        TaxIdentifier(account=a, kind="ru_inn", value=_inn(n)) for n, a in enumerate(made)
    )


def floor(path: pathlib.Path) -> tuple[float, int]:
    """Raw bulk load of the same rows, pre-parsed before the clock starts."""
    from django.db import connection, transaction

    from clientbase.accounts.models import TaxIdentifier
    from clientbase.catalog.models import Product

    skus = dict(Product.objects.values_list("sku", "id"))
    accounts = dict(TaxIdentifier.objects.values_list("value", "account_id"))
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        last = ""
        for ext, date, inn, sku, qty, revenue, cost in reader:
            if ext != last:
                d, m, y = date.split(".")
                orders.append((len(orders) + 1, ext, accounts[inn], f"{y}-{m}-{d}"))
                last = ext
            lines.append((len(orders), skus[sku], qty, revenue.replace(",", "."), cost))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE floor_order (id bigint, ext varchar(128), account_id bigint, date date)"
        )
        cursor.execute(
            "CREATE TABLE floor_line (order_id bigint, product_id bigint, quantity numeric(14,3),"
            " net_revenue numeric(18,2), cost numeric(18,2))"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY floor_order FROM STDIN") as copy:
                for row in orders:
                    copy.write_row(row)
            with cursor.cursor.copy("COPY floor_line FROM STDIN") as copy:
                for row in lines:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO floor_order VALUES (%s, %s, %s, %s)", orders)
            cursor.executemany("INSERT INTO floor_line VALUES (%s, %s, %s, %s, %s)", lines)
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE floor_order")
        cursor.execute("DROP TABLE floor_line")
    return took, len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--postgres", help="postgres://user@host:port/maintenance_db")
    parser.add_argument(
        "--csv",
        type=pathlib.Path,
        help="where the orders CSV lives: written if missing, reused if there (keep it in /tmp)",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="clientbase-bench-import-")
    os.environ["CLIENTBASE_VAR_DIR"] = tmp.name
    db_name = ""
    if args.postgres:
        parts = urlsplit(args.postgres)
        db_name = f"clientbase_bench_{os.getpid()}"
        _pg_admin(args.postgres, f'CREATE DATABASE "{db_name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + db_name))
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from clientbase.imports.services import run_import
        from clientbase.sales.models import OrderLine

        call_command("migrate", verbosity=0)
        seed(args.accounts, args.products)
        path = args.csv or pathlib.Path(tmp.name) / "orders.csv"
        t0 = time.perf_counter()
        reused = path.exists()
        if not reused:
            write_file(path, args.lines, args.accounts, args.products)
        size_mb = path.stat().st_size / 1e6
        print(
            f"file: {args.lines:,} lines, {size_mb:,.0f} MB, "
            + ("reused" if reused else f"written in {time.perf_counter() - t0:.1f} s")
        )
        phases: dict[str, float] = {}

        def progress(phase: str, _done: int, _total: int) -> None:
            phases[phase] = time.perf_counter() - started

        rss_before = _peak_rss_mb()
        started = time.perf_counter()
        result = run_import(
            actor=None,
            path=path,
            source_system="1c",
            target="orders",
            chunk_size=args.chunk,
            progress=progress,
        )
        took = time.perf_counter() - started
        import_peak = _peak_rss_mb()
        assert result.status == "done", (result.status, result.errors[:3])
        assert OrderLine.objects.count() == args.lines
        floor_took, floor_rows = floor(path)
        rate = args.lines / took
        floor_rate = floor_rows / floor_took
        print(f"database: {connection.vendor}")
        print(
            f"import: {args.lines:,} rows in {took:.1f} s = {rate:,.0f} rows/s "
            f"({result.created:,} orders created, {result.rejected} rejected)"
        )
        print(
            f"floor ({'COPY' if connection.vendor == 'postgresql' else 'executemany'}): "
            f"{floor_rows:,} rows in {floor_took:.1f} s = {floor_rate:,.0f} rows/s"
        )
        print(
            f"  pass 1 (check) {phases.get('checking', 0):.1f} s, "
            f"pass 2 (write) {phases.get('writing', 0) - phases.get('checking', 0):.1f} s"
        )
        print(f"ratio import/floor time: {took / floor_took:.1f}x")
        print(f"peak RSS during the import: {import_peak:,.0f} MB (before it {rss_before:,.0f} MB)")
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        target = 200_000 if connection.vendor == "postgresql" else 100_000
        print(f"target {target:,} rows/s: {'met' if rate >= target else 'NOT met'}")
        connection.close()
    finally:
        if db_name and args.postgres:
            _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
