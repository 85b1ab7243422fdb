"""Need × value × behaviour tiers on the demo company: quality against the planted hotspots,
and the speed of `compute_tiers` against a floor measured in the same run.

    .venv/bin/python bench/bench_tiers.py                     # scale S, throwaway SQLite
    .venv/bin/python bench/bench_tiers.py --reuse /path/var   # a var dir with a generated
                                                              # clientbase.sqlite3 + truth

Prints the generation time of the questionnaire answers (planning, in isolation), the time of
`compute_tiers` on the run (best of 3) against the floor (reading the same metrics rows and
current answers with bare SELECTs, best of 3), and the recovery of the planted growth hotspots
as tier 1 and of their 1a/1b split (precision, recall).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=["XS", "S", "M", "L"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", help="a CLIENTBASE_VAR_DIR holding a generated demo company")
    args = parser.parse_args()

    tmp = None
    if args.reuse:
        var = pathlib.Path(args.reuse).resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="clientbase-tiers-bench-")
        var = pathlib.Path(tmp.name)
    os.environ["CLIENTBASE_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from clientbase.analytics import quality as analytics_quality
    from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
    from clientbase.analytics.services import run_metrics
    from clientbase.demo.generator import SCALES, _rng
    from clientbase.demo.questionnaire import questionnaire_tables
    from clientbase.demo.segments import plan_segments
    from clientbase.questionnaires import quality
    from clientbase.questionnaires.models import Answer
    from clientbase.questionnaires.services import compute_tiers

    call_command("migrate", verbosity=0)
    truth_path = var / "demo-truth.json"
    if not truth_path.exists():  # a fresh var dir: generate into it (kept with --reuse)
        from clientbase.demo import generate

        print(f"generating the demo company at scale {args.scale}…", file=sys.stderr)
        generate(scale=args.scale, seed=args.seed, truth_path=truth_path)
    truth = analytics_quality.load_truth(truth_path)
    as_of = dt.date.fromisoformat(truth["as_of"])
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")

    # The generator's extra cost: planning the answers for this scale, on its own.
    s = plan_segments(SCALES[truth["scale"]].accounts, _rng(int(truth["seed"]), 2))
    t0 = time.perf_counter()
    base = {"questionnaire": 0, "question": 0, "answer": 0}
    tables = questionnaire_tables(s, _rng(1, 12), base, 0, np.zeros(s.n, dtype=np.int64))
    print(f"planning the answers: {tables[-1].n:,} answers in {time.perf_counter() - t0:.2f} s")

    run = MetricRun.objects.filter(status=RunStatus.DONE, as_of=as_of).order_by(
        "-pk"
    ).first() or run_metrics(actor=None, as_of=as_of, trigger="cli")
    ours, floor = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        totals = compute_tiers(actor=None, run=run)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        list(
            AccountMetrics.objects.filter(run=run).values_list(
                "account_id", "revenue_ltm", "margin_ltm", "strategic_share", "demand_variability"
            )
        )
        list(
            Answer.objects.filter(superseded_at__isnull=True).values_list(
                "account_id", "question_id", "value"
            )
        )
        floor.append(time.perf_counter() - t0)
    print(
        f"compute_tiers: {run.accounts:,} accounts in {min(ours):.2f} s; floor (bare reads) "
        f"{min(floor):.2f} s; ratio {min(ours) / min(floor):.1f}×; "
        f"tiers {dict(sorted(totals.items()))}"
    )
    found = quality.tier_recovery(quality.run_tiers(run.pk), truth)
    for name, r in found.items():
        print(
            f"{name}: planted {r.planted}, found {r.found}, correct {r.correct}; "
            f"precision {r.precision:.3f}, recall {r.recall:.3f}"
        )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
