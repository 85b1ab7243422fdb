"""Background tasks: an uploaded import runs in the worker (`clientbase worker`), writing its
progress to the batch row for the progress page to poll."""

from __future__ import annotations

import logging
import time

from django.tasks import task
from django.utils.translation import gettext as _

from clientbase.analytics.tasks import request_metrics_run
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.imports.services import ImportRunError, Progress, run_import
from clientbase.imports.uploads import mark_failed, stored_file

log = logging.getLogger(__name__)
WRITE_EVERY_SECONDS = 0.5  # the page polls each second; more writes would only add load


def progress_writer(batch_id: int) -> Progress:
    last_at = [0.0]
    last_stage = [""]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total > 0 and done >= total
        if stage == last_stage[0] and not finished and now - last_at[0] < WRITE_EVERY_SECONDS:
            return
        last_at[0], last_stage[0] = now, stage
        ImportBatch.objects.filter(pk=batch_id).update(
            progress_stage=stage, progress_done=done, progress_total=total
        )

    return report


@task
def run_import_task(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status not in (BatchStatus.PENDING, BatchStatus.RUNNING):
        return str(batch.status)  # rolled back or finished meanwhile: nothing to do
    ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.RUNNING)
    try:
        result = run_import(
            actor=batch.created_by,
            path=stored_file(batch),
            source_system=batch.source_system,
            target=batch.target,
            mapping={"columns": batch.mapping},
            mode=batch.mode or "all-or-nothing",
            progress=progress_writer(batch_id),
        )
    except (ImportRunError, ValueError) as exc:
        mark_failed(actor=batch.created_by, batch_id=batch_id, message=str(exc))
        return str(BatchStatus.FAILED)
    except Exception:
        log.exception("import batch %s failed", batch_id)
        mark_failed(
            actor=batch.created_by,
            batch_id=batch_id,
            message=_("The import stopped on an unexpected error; the worker log has details."),
        )
        return str(BatchStatus.FAILED)
    ImportBatch.objects.filter(pk=batch_id).update(progress_stage="")
    if result.status == BatchStatus.DONE:
        request_metrics_run(actor=None, trigger="import")  # fresh segments for the new data
    return result.status
