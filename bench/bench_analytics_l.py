"""The analytics pass at scale L (1M accounts, ~50M order lines): time and peak memory.

    .venv/bin/python bench/bench_analytics_l.py --from-l /tmp/gl --files /tmp/analytics-lg
    .venv/bin/python bench/bench_analytics_l.py --from-m /tmp/analytics-m --files /tmp/analytics-l

--from-l takes the sources of a generated L company (`clientbase generate --scale L`, which
needs ~12.5 GB of memory) unchanged. On a smaller machine, --from-m builds scale L from the M
demo company (generated with `clientbase generate --scale M`
into the var dir given as --from-m): ten copies of its sources with their ids shifted, each
copy keeping one half of the orders (odd or even order ids, alternating) with their lines and
one half of the activities. That gives L's shape (1M accounts, ~10M orders, ~50M lines: 10x
the accounts, 5x the orders and lines of M) with the demo company's real distributions. The
five sources are written once to Parquet (--files) and reused on later runs.

The pass itself runs in a fresh child process, as `clientbase analyze` would over files: read
the five Parquet files into Arrow, then `compute_metrics` (every metric family and model step
on DuckDB, then BG/NBD + Gamma-Gamma with scipy). It prints each stage's seconds and the
child's peak RSS. Goal: under 90 s and 8 GB on 2 cores. The database round trip (ADBC pull,
write-back, tiers) is measured at scale M by bench_analytics.py.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
COPIES = 10
NAMES = ("accounts", "orders", "lines", "products", "activities")

CHILD = """
import datetime as dt, json, pathlib, resource, sys, time
sys.path.insert(0, sys.argv[3])
import pyarrow.parquet as pq
from clientbase.analytics.engine import compute_metrics
from clientbase.analytics.sources import Sources
files = pathlib.Path(sys.argv[1])
start = time.perf_counter()
tables = {n: pq.read_table(files / f"{n}.parquet") for n in
          ("accounts", "orders", "lines", "products", "activities")}
read = time.perf_counter() - start
table = compute_metrics(Sources(tables), dt.date.fromisoformat(sys.argv[2]))
total = time.perf_counter() - start
print(json.dumps({
    "read": read, "compute": total - read, "total": total, "accounts": table.num_rows,
    "rows": {n: t.num_rows for n, t in tables.items()},
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "tiers_a": sum(1 for v in table.column("abc_revenue").to_pylist() if v == "A"),
}))
"""


def build(from_m: pathlib.Path, files: pathlib.Path, *, copies: int = COPIES) -> str:
    """Write the L sources as Parquet from ten shifted copies of M (or, with copies=1, the
    sources of a generated L company unchanged); returns the as-of date."""
    os.environ["CLIENTBASE_VAR_DIR"] = str(from_m)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from clientbase.analytics import sources

    as_of: str = json.loads((from_m / "demo-truth.json").read_text())["as_of"]
    data = sources.from_database().tables
    account_shift = int(pc.max(data["accounts"]["account_id"]).as_py()) + 1
    order_shift = int(pc.max(data["orders"]["order_id"]).as_py()) + 1
    files.mkdir(parents=True, exist_ok=True)

    def shifted(table: pa.Table, column: str, by: int) -> pa.Table:
        at = table.column_names.index(column)
        return table.set_column(at, column, pc.add(table.column(column), by))

    writers = {
        n: pq.ParquetWriter(files / f"{n}.parquet", data[n].schema)
        for n in ("accounts", "orders", "lines", "activities")
    }
    try:
        if copies == 1:
            for n, writer in writers.items():
                writer.write_table(data[n])
        for copy in range(copies if copies > 1 else 0):
            half = copy % 2
            orders = data["orders"].filter(
                pc.equal(pc.bit_wise_and(data["orders"]["order_id"], 1), half)
            )
            lines = data["lines"].filter(
                pc.equal(pc.bit_wise_and(data["lines"]["order_id"], 1), half)
            )
            activities = data["activities"]
            keep = pc.equal(pc.bit_wise_and(pa.array(range(activities.num_rows)), 1), half)
            activities = activities.filter(keep)
            orders = shifted(
                shifted(orders, "order_id", copy * order_shift), "account_id", copy * account_shift
            )
            writers["accounts"].write_table(
                shifted(data["accounts"], "account_id", copy * account_shift)
            )
            writers["orders"].write_table(orders)
            writers["lines"].write_table(shifted(lines, "order_id", copy * order_shift))
            writers["activities"].write_table(
                shifted(activities, "account_id", copy * account_shift)
            )
            print(f"copy {copy + 1}/{copies} written", file=sys.stderr)
    finally:
        for writer in writers.values():
            writer.close()
    pq.write_table(data["products"], files / "products.parquet")
    (files / "as_of.txt").write_text(as_of)
    return as_of


# Table, the id columns shifted with it (column: which table's shift), the filter on the copy.
DB_TABLES = (
    ("accounts_account", {"id": "accounts_account", "merged_into_id": "accounts_account"}, ""),
    (
        "sales_order",
        {"id": "sales_order", "account_id": "accounts_account"},
        "id % 2 = {half}",
    ),
    (
        "sales_orderline",
        {"id": "sales_orderline", "order_id": "sales_order"},
        "order_id % 2 = {half}",
    ),
    (
        "activities_activity",
        {"id": "activities_activity", "account_id": "accounts_account"},
        "id % 2 = {half}",
    ),
    (
        "questionnaires_answer",
        {"id": "questionnaires_answer", "account_id": "accounts_account"},
        "",
    ),
)


def build_database(from_m: pathlib.Path, to: pathlib.Path) -> None:
    """An L database for the whole run_metrics round trip: the M database plus nine shifted
    copies (half the orders, lines and activities each; all accounts and answers), written
    with INSERT … SELECT inside SQLite. Provenance keys get a copy suffix to stay unique."""
    import shutil
    import sqlite3

    to.mkdir(parents=True, exist_ok=True)
    for name in ("secret_key", "demo-truth.json"):
        shutil.copy(from_m / name, to / name)
    source = sqlite3.connect(from_m / "clientbase.sqlite3")
    target = sqlite3.connect(to / "clientbase.sqlite3")
    source.backup(target)
    source.close()
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute("PRAGMA synchronous = OFF")
    shifts = {
        table: int(target.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]) + 1
        for table, _, _ in DB_TABLES
    }
    for copy in range(1, COPIES):
        t0 = time.perf_counter()
        with target:
            for table, shifted_columns, where in DB_TABLES:
                columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
                values = []
                for column in columns:
                    if column in shifted_columns:
                        values.append(f"{column} + {copy * shifts[shifted_columns[column]]}")
                    elif column == "external_id":
                        values.append(
                            f"CASE WHEN external_id = '' THEN '' ELSE external_id || '~{copy}' END"
                        )
                    else:
                        values.append(column)
                condition = f"id < {shifts[table]}"
                if where:
                    condition += " AND " + where.format(half=copy % 2)
                target.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(values)} FROM {table} WHERE {condition}"
                )
        print(f"copy {copy}/{COPIES - 1} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-m", help="var dir of an M-scale demo company")
    source.add_argument("--from-l", help="var dir of an L-scale demo company (generate --scale L)")
    parser.add_argument("--files", help="where the L Parquet files go (kept)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--build-db",
        metavar="DIR",
        help="instead: build an L database in this var dir (then: bench_analytics.py --reuse DIR)",
    )
    args = parser.parse_args()
    if args.build_db:
        if not args.from_m:
            parser.error("--build-db builds from M: give --from-m")
        t0 = time.perf_counter()
        build_database(pathlib.Path(args.from_m).resolve(), pathlib.Path(args.build_db))
        print(f"built the L database in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        return 0
    if not args.files:
        parser.error("--files is needed (or --build-db)")
    files = pathlib.Path(args.files)
    if (files / "as_of.txt").exists():
        as_of = (files / "as_of.txt").read_text().strip()
    else:
        t0 = time.perf_counter()
        if args.from_l:
            as_of = build(pathlib.Path(args.from_l).resolve(), files, copies=1)
        else:
            as_of = build(pathlib.Path(args.from_m).resolve(), files)
        print(f"wrote the L sources in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results = []
    for run in range(args.runs):
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, "-c", CHILD, str(files), as_of, str(ROOT)],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return 1
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"run {run + 1}: {result['accounts']:,} accounts in {result['total']:.1f} s "
            f"(read Parquet {result['read']:.1f} s, metrics + models {result['compute']:.1f} s), "
            f"peak RSS {result['peak_mb']:,.0f} MB; load average {os.getloadavg()[0]:.1f}"
        )
    rows = results[0]["rows"]
    best = min(results, key=lambda r: r["total"])
    print(
        f"scale L: {rows['accounts']:,} accounts, {rows['orders']:,} orders, "
        f"{rows['lines']:,} lines, {rows['activities']:,} activities; best {best['total']:.1f} s "
        f"(goal < 90 s), peak RSS {max(r['peak_mb'] for r in results):,.0f} MB (goal < 8,192)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
