"""Duplicate detection on the demo company: quality against the planted duplicates, and speed.

    .venv/bin/python bench/bench_dedupe.py                      # scale S in a throwaway SQLite
    .venv/bin/python bench/bench_dedupe.py --scale M            # 100k accounts
    .venv/bin/python bench/bench_dedupe.py --reuse /path/var    # a var dir with clientbase.sqlite3
                                                                # and demo-truth.json already made

Prints precision and recall of the pairs at or above the default threshold per script (ru, fa,
en) and overall, the end-to-end time of `run_dedupe` with its ratio to the floor (reading the
accounts and building their keys, measured in the same run) and to the 60 s goal, and the
latency of the entry-time check `similar_accounts`.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=["XS", "S", "M"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", help="a CLIENTBASE_VAR_DIR holding a generated demo company")
    args = parser.parse_args()

    tmp = None
    if args.reuse:
        var = pathlib.Path(args.reuse).resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="clientbase-dedupe-bench-")
        var = pathlib.Path(tmp.name)
    os.environ["CLIENTBASE_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from clientbase.access.models import Role, User
    from clientbase.accounts.models import Account
    from clientbase.identity import keys
    from clientbase.identity.matching import DEFAULT_THRESHOLD
    from clientbase.identity.models import DuplicateCandidate, MatchRun, NameKey
    from clientbase.identity.quality import measure, planted_pairs
    from clientbase.identity.records import load_records
    from clientbase.identity.selectors import similar_accounts
    from clientbase.identity.services import run_dedupe

    call_command("migrate", verbosity=0)
    truth = var / "demo-truth.json"
    if not args.reuse:
        from clientbase.demo import generate

        print(f"generating the demo company at scale {args.scale}…", file=sys.stderr)
        generate(scale=args.scale, seed=args.seed, truth_path=truth)
    # A cold run: a fresh queue and an empty name index, as on the first run over a base.
    DuplicateCandidate.objects.all().delete()
    MatchRun.objects.all().delete()
    NameKey.objects.all().delete()

    t0 = time.perf_counter()
    records = load_records()
    floor = time.perf_counter() - t0
    keys.name_key.cache_clear()
    keys.to_latin.cache_clear()
    keys.skeleton.cache_clear()
    keys.latin_name.cache_clear()

    load_before = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), time.process_time()
    run = run_dedupe(actor=None, threshold=DEFAULT_THRESHOLD)
    took, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    load_after = os.getloadavg()[0]

    found = list(DuplicateCandidate.objects.filter(run=run).values_list("left_id", "right_id"))
    names = dict(Account.objects.values_list("id", "legal_name"))
    quality = measure(found, planted_pairs(truth), names)

    print(f"dedupe on {records.num_rows:,} accounts (threshold {DEFAULT_THRESHOLD}):")
    print(
        f"  pairs scored {run.pairs_scored:,} (exact keys {run.pairs_exact:,}, fuzzy only "
        f"{run.pairs_probabilistic:,}); at or above threshold {run.pairs_above_threshold:,}"
    )
    for script in ("ru", "fa", "en", "all"):
        q = quality[script]
        print(
            f"  {script:<4} precision {q.precision:.4f}  recall {q.recall:.4f}  "
            f"(found {q.found}, planted {q.true}, correct {q.hits})"
        )
    print(
        f"  time {took:.2f} s end to end = {took / floor:.1f}x the floor (reading accounts and "
        f"building keys: {floor:.2f} s); {took / GOAL_SECONDS:.2f}x the {GOAL_SECONDS:.0f} s goal; "
        f"CPU time of this process {cpu:.1f} s (wall time grows when other work shares the cores;"
        f" 1-minute load average {load_before:.1f} before, {load_after:.1f} after, on "
        f"{os.cpu_count()} cores)"
        + (
            f" (scaled to 100k: {took * 100_000 / records.num_rows:.1f} s)"
            if records.num_rows < 100_000
            else ""
        )
    )

    # Entry-time warning: each planted duplicate's name typed in by hand (name only, no keys)
    # must bring up its true account.
    actor = User.objects.filter(role=Role.DIRECTOR).first() or User.objects.create(
        username="bench-director", role=Role.DIRECTOR
    )
    planted = sorted(planted_pairs(truth))[:300]
    latencies = []
    hits = 0
    for left, right in planted:
        t0 = time.perf_counter()
        similar = similar_accounts(actor=actor, legal_name=names.get(right, ""), limit=5)
        latencies.append((time.perf_counter() - t0) * 1000)
        hits += any(s.account.pk == left for s in similar)
    latencies.sort()
    print(
        f"similar_accounts over {records.num_rows:,} accounts: median "
        f"{statistics.median(latencies):.1f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.1f}"
        f" ms; the true account among the top 5 for {hits}/{len(planted)} planted duplicates'"
        " names"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
