"""`clientbase audit verify` and `clientbase audit prune`."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_audit_verify(args: argparse.Namespace) -> None:
    """Exit 0 and print the head (keep it elsewhere to detect a cut-off tail later), or exit
    1 naming the first row that does not fit."""
    from clientbase.cli import _fail, _setup_django

    _setup_django()
    from clientbase.access.audit_trail import verify

    verdict = verify()
    if not verdict.ok:
        _fail(
            f"audit trail BROKEN at row seq {verdict.broken_seq} (id {verdict.broken_id}): "
            f"{verdict.reason}; {verdict.checked:,} rows before it verified",
            code=1,
        )
    print(
        f"audit trail OK: {verdict.checked:,} rows, head seq {verdict.head_seq}, "
        f"head hash {verdict.head_hash}"
    )


def cmd_audit_prune(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _setup_django

    _setup_django()
    from django.conf import settings

    from clientbase.access.audit_trail import prune

    days = (
        args.older_than_days
        if args.older_than_days is not None
        else (settings.AUDIT_RETENTION_DAYS)
    )
    if days <= 0:
        raise CommandError(
            "no retention period: set CLIENTBASE_AUDIT_RETENTION_DAYS or pass --older-than-days"
        )
    pruned = prune(actor=None, older_than_days=days)
    period = f"{days} day" if days == 1 else f"{days} days"
    if not pruned.rows:
        print(f"No audit rows older than {period}.")
        return
    print(
        f"Pruned {pruned.rows:,} audit rows older than {period} (through seq "
        f"{pruned.through_seq}); anchor row seq {pruned.anchor.seq if pruned.anchor else '-'}."
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the number of days must be at least 1")
    return value


def add_audit_parser(commands: Any) -> None:
    audit = commands.add_parser("audit", help="check or prune the append-only audit trail")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser("verify", help="check the hash chain; report the first bad row")
    verify.set_defaults(handler=cmd_audit_verify)
    prune = actions.add_parser(
        "prune", help="delete rows past the retention period, keeping the chain verifiable"
    )
    prune.add_argument(
        "--older-than-days",
        type=_positive,
        default=None,
        help="default: CLIENTBASE_AUDIT_RETENTION_DAYS",
    )
    prune.set_defaults(handler=cmd_audit_prune)
