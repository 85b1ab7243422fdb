"""The `clientbase` command: demo, serve, generate, createuser.

Bad arguments or configuration end in one clear line on stderr and a non-zero exit, never a
traceback: a person typing a command deserves a sentence, not a stack.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import NoReturn

EXIT_USAGE = 2
DEMO_PASSWORD = "clientbase-demo"  # noqa: S105 - printed on screen for the local demo only
SCALES = ("XS", "S", "M", "L")


class CommandError(Exception):
    """A failure the user can act on; its message is printed as the one line."""


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    print(f"clientbase: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _fail(message)


def _progress_printer() -> Callable[[str, int, int], None]:
    """A one-line progress bar on a terminal; plain lines when piped."""
    interactive = sys.stderr.isatty()
    last: dict[str, float] = {}
    finished_stages: set[str] = set()

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total > 0 and done >= total
        if stage in finished_stages:
            return
        if finished:
            finished_stages.add(stage)
        if not finished and now - last.get(stage, 0.0) < (0.2 if interactive else 5.0):
            return
        last[stage] = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        line = f"{stage:<16} [{bar:<30}] {share:6.1%} {done:>12,}/{total:,}"
        if interactive:
            print(f"\r{line}", end="\n" if finished else "", file=sys.stderr, flush=True)
        elif finished or done == 0:
            print(line, file=sys.stderr, flush=True)

    return report


# --- commands --------------------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    summary = _generate(scale=args.scale, seed=args.seed)
    print(summary)


def _generate(*, scale: str, seed: int) -> str:
    from clientbase.demo.generator import generate

    started = time.monotonic()
    try:
        summary = generate(scale=scale, seed=seed, progress=_progress_printer())
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    took = time.monotonic() - started
    counts = summary.counts
    return (
        f"Generated the demo company (scale {scale}, seed {seed}, as of {summary.as_of}) "
        f"in {took:.1f} s: {counts.get('accounts.Account', 0):,} accounts, "
        f"{counts.get('accounts.Contact', 0):,} contacts, {counts.get('sales.Order', 0):,} orders "
        f"with {counts.get('sales.OrderLine', 0):,} lines, {counts.get('sales.Deal', 0):,} deals, "
        f"{counts.get('activities.Activity', 0):,} activities. "
        f"Planted truths: {summary.truth_path}"
    )


def cmd_createuser(args: argparse.Namespace) -> None:
    _setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from clientbase.access.models import Role, User
    from clientbase.access.services import create_user

    if args.role not in Role.values:
        raise CommandError(f"unknown role {args.role!r}; choose one of {', '.join(Role.values)}")
    if User.objects.filter(username=args.username).exists():
        raise CommandError(f"a user named {args.username!r} already exists")
    password = args.password or os.environ.get("CLIENTBASE_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CommandError("give --password or set CLIENTBASE_PASSWORD when not on a terminal")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
    try:
        validate_password(password, User(username=args.username))
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    user = create_user(
        actor=None,
        username=args.username,
        password=password,
        role=args.role,
        email=args.email or "",
        language=args.language,
    )
    print(f"Created {user.username} ({user.get_role_display()}).")


def cmd_serve(args: argparse.Namespace) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _serve(args.host, args.port)


def _serve(host: str, port: int) -> None:
    # waitress: a production-grade, pure-Python WSGI server, so the demo runs as deployed.
    from waitress import serve

    from clientbase.imports.worker import background_worker
    from config.wsgi import application

    print(f"Serving clientbase at http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    try:
        with background_worker():  # runs uploaded imports
            serve(application, host=host, port=port, threads=8, ident="clientbase")
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _analyse_demo() -> None:
    """The dashboards are the point of the demo: compute them once, as of the demo's date."""
    from clientbase.analytics.models import MetricRun, RunStatus
    from clientbase.analytics.services import MetricsRunError, run_metrics
    from clientbase.demo.calendar import AS_OF

    if MetricRun.objects.filter(status=RunStatus.DONE).exists():
        return
    print("Computing the segmentation…", flush=True)
    try:
        run = run_metrics(actor=None, as_of=AS_OF, trigger="cli")
    except MetricsRunError as exc:
        print(f"clientbase: warning: {exc}", file=sys.stderr, flush=True)
        return
    print(f"Analysed {run.accounts:,} accounts in {run.seconds:.1f} s.", flush=True)


def cmd_demo(args: argparse.Namespace) -> None:
    _setup_django()
    from django.core.management import call_command

    from clientbase.accounts.models import Account

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not Account.objects.exists():
        print(_generate(scale=args.scale, seed=args.seed), flush=True)
    else:
        print("The database already holds accounts; keeping them.", flush=True)
    _analyse_demo()
    logins = ensure_demo_users()
    print(f"\nclientbase demo: http://{args.host}:{args.port}/\n")
    print(f"Logins (password for all: {DEMO_PASSWORD}):")
    for username, role in logins:
        print(f"  {username:<12} {role}")
    print(flush=True)
    if not args.no_serve:
        _serve(args.host, args.port)


def ensure_demo_users() -> list[tuple[str, str]]:
    """One login per role. Reps, account managers and team leads reuse generated people who own
    accounts, so each login sees a realistic book; the other roles get a fresh user."""
    from django.db import transaction

    from clientbase.access.models import Role, User
    from clientbase.access.services import create_user, record_audit

    languages = {Role.DIRECTOR: "ru", Role.ACCOUNT_MANAGER: "fa"}
    logins: list[tuple[str, str]] = []
    for role in Role:
        existing = User.objects.filter(role=role).order_by("id").first()
        language = languages.get(role, "en")
        if role in (Role.REP, Role.ACCOUNT_MANAGER, Role.TEAM_LEAD) and existing is not None:
            user = existing
            with transaction.atomic():
                user.set_password(DEMO_PASSWORD)
                user.language = language
                user.save(update_fields=["password", "language"])
                record_audit(actor=None, action="user.demo_password", obj=user)
        else:
            username = role.value.replace("_", "")
            user_or_none = User.objects.filter(username=username).first()
            if user_or_none is None:
                user_or_none = create_user(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    language=language,
                )
            user = user_or_none
        logins.append((user.username, str(role.label)))
    return logins


# --- entry point -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="clientbase", description="clientbase: the CRM for the client base")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = commands.add_parser("demo", help="migrate, load the demo company if empty, and serve")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--scale", choices=SCALES, default="S")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--no-serve", action="store_true", help="prepare everything, do not serve")
    demo.set_defaults(handler=cmd_demo)

    serve = commands.add_parser("serve", help="serve the web interface")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    generate = commands.add_parser("generate", help="generate the demo company into an empty base")
    generate.add_argument("--scale", choices=SCALES, default="S")
    generate.add_argument("--seed", type=int, default=42)
    generate.set_defaults(handler=cmd_generate)

    createuser = commands.add_parser("createuser", help="create a user with a role")
    createuser.add_argument("username")
    createuser.add_argument("--role", required=True)
    createuser.add_argument("--email")
    createuser.add_argument("--password", help="or set CLIENTBASE_PASSWORD; asked if omitted")
    createuser.add_argument("--language", choices=("en", "ru", "fa"), default="en")
    createuser.set_defaults(handler=cmd_createuser)

    from clientbase.imports.commands import add_parser as add_import_parser

    add_import_parser(commands)

    from clientbase.imports.worker import add_worker_parser

    add_worker_parser(commands)

    from clientbase.identity.commands import add_dedupe_parser

    add_dedupe_parser(commands)

    from clientbase.analytics.commands import add_analytics_parsers

    add_analytics_parsers(commands)

    from clientbase.privacy.commands import add_privacy_parser

    add_privacy_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    try:
        args.handler(args)
    except CommandError as exc:
        _fail(str(exc))
    except ImproperlyConfigured as exc:
        _fail(f"configuration: {exc}")
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _fail(f"database: {first_line}", code=1)
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    # Run the importable module, not this __main__ copy, so that CommandError raised by the
    # apps' command modules (imported from clientbase.cli) is the class caught here.
    from clientbase.cli import main as installed_main

    installed_main()
