"""`clientbase dedupe`: find duplicate accounts across the base and print a summary."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_dedupe(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _progress_printer, _setup_django

    if args.auto_merge_above is not None:
        raise CommandError(
            "merge is not available yet: run without --auto-merge-above and review the pairs"
        )
    if not 0.0 < args.threshold <= 1.0:
        raise CommandError(f"--threshold must be above 0 and at most 1, not {args.threshold}")
    _setup_django()
    from django.core.management import call_command

    from clientbase.identity.services import run_dedupe

    call_command("migrate", interactive=False, verbosity=0)
    run = run_dedupe(actor=None, threshold=args.threshold, progress=_progress_printer())
    print(
        f"Compared {run.accounts_compared:,} accounts in {run.seconds:.1f} s: "
        f"{run.pairs_scored:,} candidate pairs scored "
        f"({run.pairs_exact:,} found by exact keys, {run.pairs_probabilistic:,} only by fuzzy "
        f"keys); {run.pairs_above_threshold:,} at or above {run.threshold:g}, "
        f"{run.candidates_new:,} new in the review queue (run {run.pk})."
    )


def add_dedupe_parser(commands: Any) -> None:
    dedupe = commands.add_parser("dedupe", help="find duplicate accounts across the whole base")
    dedupe.add_argument(
        "--threshold", type=float, default=0.99, help="match probability for the review queue"
    )
    dedupe.add_argument(
        "--auto-merge-above", type=float, default=None, metavar="P", help="not available yet"
    )
    dedupe.set_defaults(handler=cmd_dedupe)
