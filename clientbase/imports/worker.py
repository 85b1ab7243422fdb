"""`clientbase worker`: runs queued background tasks (uploaded imports) with django-tasks-db's
database worker. `serve` and `demo` start one as a child process so imports work out of the
box; set CLIENTBASE_EMBEDDED_WORKER=0 when a separate `clientbase worker` runs instead."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def cmd_worker(args: argparse.Namespace) -> None:
    from clientbase.cli import _setup_django

    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not args.batch:
        threading.Thread(target=_schedule_loop, name="metrics-schedule", daemon=True).start()
    call_command(
        "db_worker",
        batch=args.batch,
        reload=False,
        interval=args.interval,
        startup_delay=not args.batch,
        verbosity=1,
    )


def _schedule_loop() -> None:
    """Once a minute, queue the scheduled metrics run if one is due (its own DB connection)."""
    import time

    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.utils import timezone

    from clientbase.analytics.tasks import request_scheduled_run
    from clientbase.privacy.retention import run_if_due

    while True:
        try:
            request_scheduled_run(now=timezone.now(), every_hours=settings.METRICS_EVERY_HOURS)
            run_if_due(now=timezone.now())  # the personal-data retention run, once a day
        except DatabaseError:
            connection.close()  # a busy or restarted database: try again next minute
        time.sleep(60)


def add_worker_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("worker", help="run queued background tasks (web imports)")
    parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.set_defaults(handler=cmd_worker)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def background_worker() -> Iterator[subprocess.Popen[bytes] | None]:
    """A `clientbase worker` child process for as long as the web server runs. A process, not a
    thread: the worker owns its signal handlers and a long import must not hold the server's
    GIL."""
    if os.environ.get("CLIENTBASE_EMBEDDED_WORKER", "1") == "0":
        yield None
        return
    child = subprocess.Popen(
        [sys.executable, "-c", "from clientbase.cli import main; main(['worker'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    print(f"Background worker started (pid {child.pid}).", flush=True)
    if threading.current_thread() is threading.main_thread():
        # A plain `kill` of the server must stop the worker too, not orphan it.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
