"""`clientbase dedupe`: find duplicate accounts across the base and print a summary."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_dedupe(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _progress_printer, _setup_django

    auto = args.auto_merge_above
    if auto is not None and not 0.0 < auto <= 1.0:
        raise CommandError(f"--auto-merge-above must be above 0 and at most 1, not {auto}")
    if not 0.0 < args.threshold <= 1.0:
        raise CommandError(f"--threshold must be above 0 and at most 1, not {args.threshold}")
    _setup_django()
    from django.core.management import call_command

    from clientbase.identity.services import auto_merge, run_dedupe

    call_command("migrate", interactive=False, verbosity=0)
    # Pairs to auto-merge must be stored first, even when below the review threshold.
    threshold = args.threshold if auto is None else min(args.threshold, auto)
    run = run_dedupe(actor=None, threshold=threshold, progress=_progress_printer())
    print(
        f"Compared {run.accounts_compared:,} accounts in {run.seconds:.1f} s: "
        f"{run.pairs_scored:,} candidate pairs scored "
        f"({run.pairs_exact:,} found by exact keys, {run.pairs_probabilistic:,} only by fuzzy "
        f"keys); {run.pairs_above_threshold:,} at or above {run.threshold:g}, "
        f"{run.candidates_new:,} new in the review queue (run {run.pk})."
    )
    if auto is not None:
        merged, skipped = auto_merge(actor=None, min_probability=auto)
        print(
            f"Merged {merged:,} duplicate pairs at or above {auto:g}"
            + (f"; {skipped:,} could not be merged and stay open for review." if skipped else ".")
        )


def add_dedupe_parser(commands: Any) -> None:
    dedupe = commands.add_parser("dedupe", help="find duplicate accounts across the whole base")
    dedupe.add_argument(
        "--threshold", type=float, default=0.99, help="match probability for the review queue"
    )
    dedupe.add_argument(
        "--auto-merge-above",
        type=float,
        default=None,
        metavar="P",
        help="merge pairs at or above this probability into the older account",
    )
    dedupe.set_defaults(handler=cmd_dedupe)
