"""`clientbase privacy ...`: retention rules, the retention run, consent texts, erasure acts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def _setup() -> None:
    from clientbase.cli import _setup_django

    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _validation_message(error: Any) -> str:
    messages = getattr(error, "message_dict", None)
    if messages:
        return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in messages.items())
    return " ".join(getattr(error, "messages", [str(error)]))


def cmd_enforce_retention(args: argparse.Namespace) -> None:
    _setup()
    from django.utils import timezone

    from clientbase.privacy.models import RetentionRule
    from clientbase.privacy.retention import enforce_retention

    if not RetentionRule.objects.filter(active=True).exists():
        print(
            "No active retention rule: nothing to do (set one with `clientbase privacy retention`)."
        )
        return
    outcome = enforce_retention(now=timezone.now(), dry_run=args.dry_run)
    for kind, ids in outcome.expired.items():
        verb = "would be anonymised" if args.dry_run else "anonymised"
        print(f"{kind}: {len(ids):,} contacts {verb}")
    if outcome.acts:
        print(f"Destruction acts: {outcome.acts[0]} … {outcome.acts[-1]} ({len(outcome.acts):,})")


def cmd_retention(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError

    _setup()
    from django.core.exceptions import ValidationError

    from clientbase.privacy.models import RetentionRule
    from clientbase.privacy.services import set_retention_rule

    if args.set is not None:
        kind, days = args.set
        try:
            set_retention_rule(actor=None, kind=kind, days=int(days), active=not args.off)
        except ValueError:
            raise CommandError(f"days must be a whole number, not {days!r}") from None
        except ValidationError as error:
            raise CommandError(_validation_message(error)) from None
    rules = list(RetentionRule.objects.order_by("kind"))
    if not rules:
        print("No retention rules.")
    for rule in rules:
        state = "active" if rule.active else "off"
        print(f"{rule.kind:<20} {rule.days:>6} days  {state}")


def cmd_consent_text(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError

    _setup()
    from django.core.exceptions import ValidationError

    from clientbase.privacy.services import publish_consent_text

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    try:
        published = publish_consent_text(
            actor=None,
            purpose=args.purpose,
            version=args.version,
            language=args.language,
            text=text,
        )
    except ValidationError as error:
        raise CommandError(_validation_message(error)) from None
    print(f"Published consent text {published.purpose} {published.version} ({published.language}).")


def add_privacy_parser(commands: Any) -> None:
    privacy = commands.add_parser("privacy", help="personal data: retention, consent texts")
    sub = privacy.add_subparsers(dest="privacy_command", required=True)

    enforce = sub.add_parser(
        "enforce-retention", help="anonymise contacts kept past their retention rule"
    )
    enforce.add_argument("--dry-run", action="store_true", help="list, change nothing")
    enforce.set_defaults(handler=cmd_enforce_retention)

    retention = sub.add_parser("retention", help="show or set retention rules")
    retention.add_argument(
        "--set",
        nargs=2,
        metavar=("KIND", "DAYS"),
        help="inactive_contact or consent_withdrawn, and the days to keep",
    )
    retention.add_argument("--off", action="store_true", help="with --set: keep the rule off")
    retention.set_defaults(handler=cmd_retention)

    text = sub.add_parser("consent-text", help="publish a new version of a consent text")
    text.add_argument("--purpose", required=True)
    text.add_argument("--version", required=True)
    text.add_argument("--language", required=True, choices=("en", "ru", "fa"))
    text.add_argument("--file", required=True, help="a UTF-8 text file, or - for stdin")
    text.set_defaults(handler=cmd_consent_text)
