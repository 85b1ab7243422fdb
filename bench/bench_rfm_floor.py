"""Our RFM summary (the `sales` step) against the floor, a bare DuckDB GROUP BY, on synthetic
orders of scale M's size (2M orders over 75k accounts), without generating a company.

    .venv/bin/python bench/bench_rfm_floor.py [--orders 2000000] [--threads 1]

Prints the CPU time (the work, steady on a busy machine) and the wall time of both, best and
median of 15 interleaved runs. bench_analytics.py measures the same on the demo company.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--accounts", type=int, default=75_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import duckdb
    import numpy as np
    import pyarrow as pa

    from clientbase.analytics.pipeline import compose
    from clientbase.analytics.steps import METRIC_STEPS

    rng = np.random.default_rng(0)
    n = args.orders
    days = rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
    orders = pa.table(
        {
            "order_id": np.arange(n),
            "account_id": rng.integers(1, args.accounts, n),
            "date": pa.array((np.datetime64("2021-01-01") + days).astype("datetime64[D]")),
            "revenue": rng.gamma(2, 500, n),
            "cost": rng.gamma(2, 400, n),
            "documents": rng.integers(1, 4, n),
            "rate": np.ones(n),
        }
    )
    as_of = dt.date(2026, 12, 1)
    sales = METRIC_STEPS[: [s.name for s in METRIC_STEPS].index("sales") + 1]
    queries = {
        "ours": compose(as_of, steps=sales),
        "floor": "SELECT account_id, MAX(date), COUNT(*), SUM(revenue) FROM orders "
        f"WHERE date <= DATE '{as_of}' GROUP BY account_id",
    }
    cpu: dict[str, list[float]] = {k: [] for k in queries}
    wall: dict[str, list[float]] = {k: [] for k in queries}
    with duckdb.connect(config={"threads": args.threads}) as db:
        db.register("orders", orders)
        for _ in range(15):
            for name, query in queries.items():
                c0, w0 = time.process_time(), time.perf_counter()
                db.sql(query).to_arrow_table()
                cpu[name].append(time.process_time() - c0)
                wall[name].append(time.perf_counter() - w0)
    for label, series in (("CPU", cpu), ("wall", wall)):
        ours, floor = series["ours"], series["floor"]
        print(
            f"{label}: ours best {min(ours):.3f} s, median {np.median(ours):.3f} s; floor best "
            f"{min(floor):.3f} s, median {np.median(floor):.3f} s; ratio best "
            f"{min(ours) / min(floor):.2f}, median {np.median(ours) / np.median(floor):.2f} "
            "(goal <= 3)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
