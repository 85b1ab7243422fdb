"""Time the demo company generator into a throwaway database and print rows per second.

    .venv/bin/python bench/bench_generate.py                 # scale S on SQLite
    .venv/bin/python bench/bench_generate.py --scale M
    .venv/bin/python bench/bench_generate.py --postgres postgres://postgres@127.0.0.1:5432/postgres

With --postgres the URL names a server and a maintenance database; the bench creates its own
database there (clientbase_bench_<pid>) and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=["XS", "S", "M", "L"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="postgres://user@host:port/maintenance_db")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="clientbase-bench-")
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

        from clientbase.demo import generate

        call_command("migrate", verbosity=0)
        marks: dict[str, float] = {}
        start = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            if done == total:
                marks[stage] = time.perf_counter() - start

        summary = generate(scale=args.scale, seed=args.seed, progress=progress)
        total = time.perf_counter() - start
        print(f"scale {summary.scale} seed {summary.seed} on {connection.vendor}")
        print(f"planning {summary.seconds_planning:7.1f} s")
        print(f"writing  {summary.seconds_writing:7.1f} s")
        print(f"total    {total:7.1f} s  {summary.rows:,} rows  {summary.rows / total:,.0f} rows/s")
        previous = 0.0
        for stage, at in marks.items():
            if stage.startswith("write "):
                label = stage.removeprefix("write ")
                rows = summary.counts.get(label, 0)
                took = at - previous
                rate = rows / took if took > 0 else 0.0
                print(f"  {label:28s} {rows:>11,} rows {took:7.2f} s {rate:>11,.0f} rows/s")
            previous = at
        # ru_maxrss is in KiB on Linux; the planner child (forked at M and L) is reaped, so
        # it counts among the children. Its figure includes the pages it shares with us.
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
        print(f"peak RSS {me:.2f} GB (writer), {child:.2f} GB (planner child)")
        # The floor's rows are pre-built Python tuples: past 5M of them they would cost more
        # memory than the generator itself, and the rate no longer changes.
        floor_rows = min(summary.rows, 5_000_000)
        floor = _floor_rows_per_second(connection, floor_rows)
        print(
            f"floor    {floor:>11,.0f} rows/s  (raw bulk load of {floor_rows:,} pre-built "
            "5-column rows into an unindexed table, same run)"
        )
        print(f"ratio    generator rows/s ÷ floor = {summary.rows / total / floor:.2f}")
        connection.close()
    finally:
        if db_name:
            assert args.postgres is not None
            _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{db_name}"')
        tmp.cleanup()
    return 0


def _floor_rows_per_second(connection: Any, rows: int) -> float:
    """The database's raw bulk-load speed for rows like an order line, with nothing to plan:
    SQLite executemany / PostgreSQL COPY of pre-built tuples into an unindexed table."""
    data = [(i, i % 997, 1.5, "123.45", "100.10") for i in range(rows)]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_floor")
        cur.execute(
            "CREATE TABLE bench_floor (order_id bigint, product_id bigint, quantity numeric,"
            " net_revenue numeric, cost numeric)"
        )
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy("COPY bench_floor FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            cur.executemany("INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s)", data)
    took = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_floor")
    return rows / took


if __name__ == "__main__":
    raise SystemExit(main())
