"""The full analytics pass (metrics + models) on the demo company: speed, memory and quality.

    .venv/bin/python bench/bench_analytics.py                     # scale S, throwaway SQLite
    .venv/bin/python bench/bench_analytics.py --reuse /path/var   # a var dir holding an M-scale
                                                                  # clientbase.sqlite3 + truth
    .venv/bin/python bench/bench_analytics.py --reuse DIR --lifetimes /tmp/ltvenv/bin/python

Prints the time of each stage of `run_metrics` (pull over ADBC, DuckDB + scipy, write back),
peak memory, and, measured in the same run:
- our RFM summary (the `sales` step, per account recency/frequency/monetary from the orders)
  against the floor, a bare DuckDB GROUP BY over the same order rows (goal: within 3×);
- with --lifetimes PYTHON (a separate environment with the `lifetimes` package, never a
  dependency of clientbase): lifetimes' summary_data_from_transaction_data + BetaGeoFitter
  against our RFM summary + BG/NBD fit on the same orders (goal: at least 20× faster);
- the planted truths: the cost-to-serve finding, quadrants, Pareto and, with --churn, the
  monthly churn backtest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

LIFETIMES_SCRIPT = """
import sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from lifetimes import BetaGeoFitter
from lifetimes.utils import summary_data_from_transaction_data
frame = pd.read_parquet(sys.argv[1])
for freq in ("D", "W"):  # days: our own definition of a purchase; weeks: a common choice
    start = time.perf_counter()
    summary = summary_data_from_transaction_data(
        frame, "account_id", "date", monetary_value_col="revenue",
        observation_period_end=sys.argv[2], freq=freq)
    middle = time.perf_counter()
    # Unpenalised, it stops with ConvergenceError on a base with little visible dropout.
    fitter = BetaGeoFitter(penalizer_coef=0.001)
    fitter.fit(summary["frequency"], summary["recency"], summary["T"])
    end = time.perf_counter()
    print(freq, end - start, middle - start, end - middle, len(summary), *fitter.params_.values)
"""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=["XS", "S", "M", "L"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", help="a CLIENTBASE_VAR_DIR holding a generated demo company")
    parser.add_argument("--lifetimes", help="a Python with the lifetimes package installed")
    parser.add_argument("--churn", action="store_true", help="also run the churn backtest")
    parser.add_argument(
        "--churn-every",
        type=int,
        help="run the backtest's model every N days (default: the first of every month)",
    )
    args = parser.parse_args()

    tmp = None
    if args.reuse:
        var = pathlib.Path(args.reuse).resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="clientbase-analytics-bench-")
        var = pathlib.Path(tmp.name)
    os.environ["CLIENTBASE_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import duckdb
    import numpy as np
    import pyarrow.parquet as pq
    from django.core.management import call_command
    from django.db import connection

    from clientbase.analytics import clv, quality, sources
    from clientbase.analytics.engine import compute_metrics
    from clientbase.analytics.pipeline import compose
    from clientbase.analytics.services import run_metrics
    from clientbase.analytics.steps import METRIC_STEPS, Step

    call_command("migrate", verbosity=0)
    truth_path = var / "demo-truth.json"
    if not args.reuse:
        from clientbase.demo import generate

        print(f"generating the demo company at scale {args.scale}…", file=sys.stderr)
        generate(scale=args.scale, seed=args.seed, truth_path=truth_path)
    truth = quality.load_truth(truth_path)
    as_of = dt.date.fromisoformat(truth["as_of"])
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")

    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage(name: str, _done: int, _total: int) -> None:
        now = time.perf_counter()
        stages[name] = now
        clock.append(now)

    start = time.perf_counter()
    run = run_metrics(actor=None, as_of=as_of, trigger="cli", progress=stage)
    total = time.perf_counter() - start
    pull = stages["computing"] - stages["reading"]
    compute = stages["writing"] - stages["computing"]
    write = stages["done"] - stages["writing"]
    print(
        f"run_metrics: {run.accounts:,} accounts in {total:.2f} s "
        f"(pull {pull:.2f} s, compute {compute:.2f} s, write {write:.2f} s); "
        f"peak RSS {_peak_mb():,.0f} MB"
    )

    t0 = time.perf_counter()
    data = sources.from_database(workers=1)
    print(
        f"pull on one connection (the baseline of the two-connection pull above): "
        f"{time.perf_counter() - t0:.2f} s"
    )
    orders = data.tables["orders"]
    print(f"orders {orders.num_rows:,}, order lines {data.tables['lines'].num_rows:,}")

    # Our RFM summary (the `sales` step over order_facts) against a bare GROUP BY.
    sales = METRIC_STEPS[: [s.name for s in METRIC_STEPS].index("sales") + 1]
    with duckdb.connect(config={"threads": 2}) as db:
        for name, table in data.tables.items():
            db.register(name, table)
        timings = []
        # Composed once, as a run does (SQLGlot parses and renders the steps in ~10 ms,
        # whatever the data); the rounds time the query, like the floor's literal SQL.
        t0 = time.perf_counter()
        summary_sql = compose(as_of, steps=sales)
        compose_s = time.perf_counter() - t0
        for _ in range(25):  # the floor takes ~20 ms: many rounds, then the best and median
            t0 = time.perf_counter()
            ours = db.sql(summary_sql).to_arrow_table()
            t1 = time.perf_counter()
            db.sql(
                "SELECT account_id, MAX(date), COUNT(*), SUM(revenue) FROM orders "
                f"WHERE date <= DATE '{as_of}' GROUP BY account_id"
            ).to_arrow_table()
            t2 = time.perf_counter()
            timings.append((t1 - t0, t2 - t1))
    ours_s, floor_s = min(t[0] for t in timings), min(t[1] for t in timings)
    ratios = sorted(t[0] / t[1] for t in timings)
    print(
        f"RFM summary: ours {ours_s:.3f} s, floor (bare GROUP BY) {floor_s:.3f} s, "
        f"ratio of the best {ours_s / floor_s:.2f}, median ratio of a round "
        f"{ratios[len(ratios) // 2]:.2f} (goal <= 3); {ours.num_rows:,} accounts; "
        f"composing the SQL once: {compose_s * 1000:.0f} ms"
    )

    if args.lifetimes:
        parquet = var / "bench-orders.parquet"
        pq.write_table(orders.select(["account_id", "date", "revenue"]), parquet)
        inputs = Step(
            "clv_inputs",
            """
            SELECT s.account_id, GREATEST(p.purchase_days - 1, 0) AS x,
                   (s.tenure_days - s.recency_days) / 7.0 AS t_x, s.tenure_days / 7.0 AS age
            FROM sales AS s JOIN purchase_days AS p ON p.account_id = s.account_id
            """,
            "the BG/NBD inputs per buyer",
        )
        wanted = {"order_facts", "sales", "purchase_days"}
        steps = (*(s for s in METRIC_STEPS if s.name in wanted), inputs)
        runs = []
        for sample in (None, 20_000):
            t0 = time.perf_counter()
            with duckdb.connect(config={"threads": 2}) as db:
                db.register("orders", orders)
                summary = db.sql(compose(as_of, steps=steps)).to_arrow_table()
            # Sorted as the engine sorts, so the fixed sample is the same buyers every run.
            summary = summary.sort_by("account_id")
            x, t_x, age = (summary[c].to_numpy().astype(np.float64) for c in ("x", "t_x", "age"))
            pick = np.random.default_rng(0).permutation(len(x))[:sample]
            t1 = time.perf_counter()
            fit = clv.fit_bg_nbd(x[pick], t_x[pick], age[pick])
            runs.append((time.perf_counter() - t0, t1 - t0, fit))
        with duckdb.connect(config={"threads": 2}) as db:
            db.register("orders", orders)
            # The least a summary must do: count each buyer's distinct purchase days.
            lean = (
                "SELECT account_id, COUNT(*) - 1 AS x, MIN(date), MAX(date) FROM ("
                f"SELECT account_id, date FROM orders WHERE date <= DATE '{as_of}' GROUP BY ALL"
                ") GROUP BY account_id"
            )
            lean_s = []
            for _ in range(5):
                t0 = time.perf_counter()
                db.sql(lean).to_arrow_table()
                lean_s.append(time.perf_counter() - t0)
        out = subprocess.run(  # noqa: S603 - our own script, a path the user gave
            [args.lifetimes, "-c", LIFETIMES_SCRIPT, str(parquet), as_of.isoformat()],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"lifetimes failed: {out.stderr.strip().splitlines()[-1]}")
            return 1
        theirs = {}
        for line in out.stdout.splitlines():
            freq, total_s, their_summary_s, fit_s, _n, r, alpha, a, b = line.split()
            theirs[freq] = float(total_s)
            print(
                f"lifetimes, freq={freq}: {float(total_s):.2f} s (summary "
                f"{float(their_summary_s):.2f} "
                f"s, BetaGeoFitter {float(fit_s):.2f} s; r={float(r):.3f} alpha={float(alpha):.2f} "
                f"a={float(a):.3f} b={float(b):.3f}, penalizer 0.001)"
            )
        fastest = min(theirs.values())
        for label, (seconds, summary_s, fit) in zip(
            ("every buyer", "a 20k sample"), runs, strict=True
        ):
            print(
                f"ours, fitted on {label}: {seconds:.2f} s (summary {summary_s:.2f} s, fit "
                f"{seconds - summary_s:.2f} s; r={fit.r:.3f} alpha={fit.alpha:.2f} a={fit.a:.3f} "
                f"b={fit.b:.3f}); lifetimes' faster run ÷ ours = {fastest / seconds:.1f}× "
                f"(goal >= 20×)"
            )
        print(
            f"the least a summary must do (distinct purchase days per buyer, bare DuckDB): "
            f"{min(lean_s):.3f} s; 20× lifetimes' faster run leaves {fastest / 20:.3f} s for "
            f"summary and fit together"
        )
        parquet.unlink()

    table = compute_metrics(data, as_of)
    finding = quality.cost_to_serve_finding(table, truth)
    worst = max(finding.flagged, key=lambda c: c.workload_share - c.margin_share)
    print(
        f"cost to serve: class {worst.segment} flagged with {worst.account_share:.1%} of accounts, "
        f"{worst.workload_share:.1%} of workload, {worst.margin_share:.1%} of margin; planted "
        f"costly clients precision {finding.hogs.precision:.3f} recall {finding.hogs.recall:.3f}"
    )
    for name, found in quality.quadrant_recovery(table, truth).items():
        print(f"quadrants: {name} precision {found.precision:.3f} recall {found.recall:.3f}")
    print(f"Pareto: the top 20% of accounts bring {quality.pareto_share(table):.1%} of revenue")
    if args.churn:
        t0 = time.perf_counter()
        backtest = quality.churn_backtest(data, truth, every_days=args.churn_every)
        print(
            f"churn backtest ({time.perf_counter() - t0:.0f} s): {backtest.churners} churners; "
            f"warned between the start of the decline and the last order: "
            f"{backtest.warned_before_stop} ({backtest.recall:.1%}), median "
            f"{backtest.median_lead_days:.0f} days before it; warned before the planted rate "
            f"reached zero: {backtest.warned_before_planted_end} "
            f"({backtest.warned_before_planted_end / backtest.churners:.1%}), median "
            f"{backtest.median_days_before_planted_end:.0f} days before it; false alarms "
            f"{backtest.false_alarms:,} of {backtest.warnings:,} warnings "
            f"({backtest.false_alarm_share:.1%}), {backtest.false_alarm_accounts:,} accounts"
        )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
