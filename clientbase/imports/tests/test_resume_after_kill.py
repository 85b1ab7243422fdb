"""A process killed with SIGKILL mid-import, then re-run, leaves one done batch, no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from clientbase.imports.models import BatchStatus, ImportBatch, ImportChunk
from clientbase.imports.tests.conftest import INN_A, INN_B, orders_csv
from clientbase.sales.models import Order, OrderLine

SCRIPT = """
import sys
from pathlib import Path
from clientbase.cli import _setup_django
_setup_django()
from clientbase.imports.services import run_import
run_import(actor=None, path=Path(sys.argv[1]), source_system="1c", target="orders", chunk_size=2)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _run(path: Path, kill_at: int | None, writers: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CLIENTBASE_VAR_DIR": str(settings.VAR_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CLIENTBASE_IMPORT_WRITERS": str(writers),  # PostgreSQL writes chunks on this many
    }
    env.pop("CLIENTBASE_IMPORT_KILL_AT_CHUNK", None)
    if kill_at is not None:
        env["CLIENTBASE_IMPORT_KILL_AT_CHUNK"] = str(kill_at)
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(settings.BASE_DIR),
        check=False,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalog", "customers")
@pytest.mark.parametrize("kill_at", [0, 2])
@pytest.mark.parametrize("writers", [1, 2], ids=["one writer", "two writers"])
def test_a_killed_import_resumes_without_duplicates(
    write: Callable[..., Path], kill_at: int, writers: int, settings: Any
) -> None:
    lines = [
        f"R-{n};01.02.2024;{INN_A if n % 2 else INN_B};P-{1 + n % 3};{n};{n * 10};1"
        for n in range(1, 9)
    ]
    path = write("orders.csv", orders_csv(*lines))

    killed = _run(path, kill_at, writers)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.RUNNING  # never "done" with chunks missing
    assert ImportChunk.objects.filter(batch=batch).count() == kill_at
    assert Order.objects.count() == 2 * kill_at  # whole chunks only: the killed one rolled back

    resumed = _run(path, None, writers)
    assert resumed.returncode == 0, resumed.stderr
    batch.refresh_from_db()
    assert ImportBatch.objects.count() == 1
    assert batch.status == BatchStatus.DONE
    assert batch.counts["created"] == 8
    assert Order.objects.count() == 8
    assert OrderLine.objects.count() == 8
    assert sorted(Order.objects.values_list("external_id", flat=True)) == sorted(
        f"R-{n}" for n in range(1, 9)
    )
