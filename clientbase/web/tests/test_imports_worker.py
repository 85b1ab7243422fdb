"""The database task backend: starting an import queues a task row, the worker runs it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.cli import build_parser
from clientbase.imports.models import BatchStatus
from clientbase.imports.uploads import queue_batch, receive_upload
from clientbase.imports.worker import cmd_worker


# The worker closes its connections after a task, as a real one must: real commits needed.
@pytest.mark.django_db(transaction=True)
def test_a_queued_import_waits_for_the_worker_and_then_runs(
    settings: Any, tmp_path: Path, lead: User
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VAR_DIR = tmp_path
    data = b"external_id,legal_name\nW-1,Worker LLC\nW-2,Queue LLC\n"
    batch = receive_upload(
        actor=lead,
        name="w.csv",
        content=io.BytesIO(data),
        size=len(data),
        source_system="crm",
        target="accounts",
    )
    queue_batch(actor=lead, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Account.objects.filter(import_batch_id=batch.pk).count() == 2


def test_the_worker_command_is_on_the_cli() -> None:
    args = build_parser().parse_args(["worker", "--batch"])
    assert args.handler is cmd_worker
    assert args.batch is True
