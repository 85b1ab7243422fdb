"""`clientbase metrics` (the base's own data) and `clientbase analyze` (plain files)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_metrics(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _progress_printer, _setup_django

    _setup_django()
    from django.core.management import call_command

    from clientbase.analytics.services import MetricsRunError, run_metrics

    call_command("migrate", interactive=False, verbosity=0)
    try:
        run = run_metrics(actor=None, as_of=args.as_of, trigger="cli", progress=_progress_printer())
    except MetricsRunError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"Computed the metrics and models of {run.accounts:,} accounts as of {run.as_of} "
        f"in {run.seconds:.1f} s (run {run.pk})."
    )


def cmd_analyze(args: argparse.Namespace) -> None:
    from clientbase.analytics.engine import compute_metrics
    from clientbase.analytics.files import FileSourceError, from_files, latest_order_date
    from clientbase.analytics.report import write_html, write_xlsx
    from clientbase.cli import CommandError

    if not args.report and not args.xlsx:
        raise CommandError("say where to write: --report FILE.html and/or --xlsx FILE.xlsx")
    try:
        sources, keys = from_files(args.orders, args.accounts)
    except FileSourceError as exc:
        raise CommandError(str(exc)) from None
    as_of = args.as_of or latest_order_date(sources)
    table = compute_metrics(sources, as_of)
    if args.report:
        write_html(table, keys, Path(args.report), as_of)
        print(f"Report: {args.report}")
    if args.xlsx:
        write_xlsx(table, keys, Path(args.xlsx))
        print(f"Workbook: {args.xlsx}")
    print(f"Analysed {table.num_rows:,} accounts as of {as_of}.")


def cmd_playbook_tasks(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _setup_django

    _setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from clientbase.access.models import User
    from clientbase.analytics.playbook_selectors import get_playbook
    from clientbase.analytics.playbook_services import create_playbook_tasks

    actor = User.objects.filter(username=args.user, is_active=True).first()
    if actor is None:
        raise CommandError(f"no active user {args.user!r}")
    try:
        playbook = get_playbook(actor=actor, kind=args.kind, key=args.key)
        result = create_playbook_tasks(actor=actor, playbook=playbook)
    except Http404:
        raise CommandError(f"no playbook {args.kind} {args.key} for {args.user}") from None
    except (PermissionDenied, ValidationError) as exc:
        raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
    print(
        f"{playbook.label}: {result.created:,} tasks created for {result.accounts:,} accounts "
        f"({result.already_open:,} already had one open, {result.unassigned:,} with nobody "
        "to give it to)."
    )


def add_analytics_parsers(commands: Any) -> None:
    metrics = commands.add_parser(
        "metrics", help="compute every account's metrics and models into the base"
    )
    metrics.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default today)")
    metrics.set_defaults(handler=cmd_metrics)

    analyze = commands.add_parser(
        "analyze", help="analyse an orders file without a server: HTML report and Excel workbook"
    )
    analyze.add_argument(
        "orders", help="CSV, Parquet or JSON Lines: account, date, revenue[, cost]"
    )
    analyze.add_argument("--accounts", default=None, help="a file listing every account")
    analyze.add_argument(
        "--as-of",
        type=_date,
        default=None,
        help="YYYY-MM-DD (default: the day after the last order)",
    )
    analyze.add_argument("--report", default=None, metavar="FILE.html")
    analyze.add_argument("--xlsx", default=None, metavar="FILE.xlsx")
    analyze.set_defaults(handler=cmd_analyze)

    tasks = commands.add_parser(
        "playbook-tasks",
        help="create a follow-up task for each account a playbook covers (as a user, in scope)",
    )
    tasks.add_argument("kind", choices=["tier", "quadrant", "rfm", "abc", "segment"])
    tasks.add_argument("key", help="the class (1a, III, champions, A) or the segment's id")
    tasks.add_argument("--user", required=True, help="whose rights and scope to run it with")
    tasks.set_defaults(handler=cmd_playbook_tasks)
