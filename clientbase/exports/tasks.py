"""Background exports: the worker (`clientbase worker`) writes a large export's file, with its
progress on the Export row for the progress page to poll."""

from __future__ import annotations

import time

from django.tasks import task

from clientbase.exports.models import Export
from clientbase.exports.services import Progress, run_export

WRITE_EVERY_SECONDS = 0.5  # the page polls each second; more writes would only add load


def progress_writer(export_id: int) -> Progress:
    last_at = [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - last_at[0] < WRITE_EVERY_SECONDS:
            return
        last_at[0] = now
        Export.objects.filter(pk=export_id).update(progress_done=done)

    return report


@task
def run_export_task(export_id: int) -> str:
    return run_export(export_id=export_id, progress=progress_writer(export_id))
