"""Imports from the web: receive an uploaded file as a pending batch, edit its mapping, queue
it for the background worker, record a failure. The run itself is services.run_import."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.services import record_audit
from clientbase.imports.mapping import check_mapping
from clientbase.imports.models import BatchStatus, ImportBatch, ImportMapping
from clientbase.imports.readers import FileError, open_table
from clientbase.imports.services import (
    MODES,
    ImportRunError,
    file_sha256,
    imports_dir,
    save_mapping,
    settle_mapping,
)

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".jsonl", ".ndjson")
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def stored_file(batch: ImportBatch) -> Path:
    """The uploaded file: a fixed safe name in the batch's folder, never the uploader's name."""
    folder = imports_dir() / str(batch.pk)
    found = sorted(folder.glob("upload.*"))
    return found[0] if found else folder / "upload.csv"


def report_file(batch: ImportBatch) -> Path:
    return imports_dir() / str(batch.pk) / "errors.csv"


def receive_upload(
    *,
    actor: User,
    name: str,
    content: IO[bytes],
    size: int,
    source_system: str,
    target: str = "",
    mode: str = "all-or-nothing",
    saved_mapping: ImportMapping | None = None,
) -> ImportBatch:
    """Store the file and open a pending batch for it, with the saved or automatic mapping."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportRunError(
            _("%(name)s: upload a CSV, XLSX, Parquet or JSONL file") % {"name": name}
        )
    if size > max_upload_bytes():
        raise ImportRunError(
            _("%(name)s is larger than the %(mb)d MB upload limit")
            % {"name": name, "mb": max_upload_bytes() // (1024 * 1024)}
        )
    if mode not in MODES:
        raise ImportRunError(_("unknown mode %(m)r") % {"m": mode})
    source_system = source_system.strip()
    if not source_system:
        raise ImportRunError(_("name the system the file comes from"))
    incoming = imports_dir() / "incoming" / uuid.uuid4().hex
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / f"upload{suffix}"
    try:
        with path.open("wb") as handle:
            shutil.copyfileobj(content, handle, 1024 * 1024)
        try:
            headers = open_table(path).headers
        except FileError as exc:
            raise ImportRunError(f"{name}: {exc}") from None
        settled = settle_mapping(
            headers,
            source_system=source_system,
            target=saved_mapping.target if saved_mapping else target or None,
            mapping={"columns": saved_mapping.columns} if saved_mapping else None,
        )
        source_system, target, columns = (
            settled.source_system,
            settled.target,
            settled.columns,
        )
        sha = file_sha256(path)
        # run_import resumes the newest pending batch of the same file, so there must be one.
        same_file = ImportBatch.objects.filter(
            source_system=source_system, file_sha256=sha, target=target
        )
        busy = (
            same_file.filter(status__in=[BatchStatus.PENDING, BatchStatus.RUNNING])
            .exclude(status=BatchStatus.PENDING, progress_stage="")
            .first()
        )
        if busy is not None:
            raise ImportRunError(
                _("this file from %(source)s is already waiting or running as batch #%(id)d")
                % {"source": source_system, "id": busy.pk}
            )
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source_system=source_system,
                file_name=Path(name).name[:300],
                status=BatchStatus.PENDING,
                created_by=actor,
                target=target,
                mode=mode,
                file_sha256=sha,
                mapping={h: f for h, f in columns.items() if h in headers},
            )
            # An upload left at the mapping step would be resumed instead of this one: retire it.
            for abandoned in same_file.filter(
                status=BatchStatus.PENDING, progress_stage=""
            ).exclude(pk=batch.pk):
                abandoned.status = BatchStatus.FAILED
                abandoned.message = _(
                    "Not started; the same file was uploaded again as #%(id)d."
                ) % {"id": batch.pk}
                abandoned.save(update_fields=["status", "message"])
                record_audit(actor=actor, action="import.supersede", obj=abandoned)
            record_audit(
                actor=actor,
                action="import.upload",
                obj=batch,
                changes={"file": batch.file_name, "source": source_system, "target": target},
            )
            folder = imports_dir() / str(batch.pk)
            shutil.rmtree(folder, ignore_errors=True)  # a leftover of a rolled-back id
            folder.mkdir(parents=True)
            path.rename(folder / path.name)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return batch


def set_mapping(
    *,
    actor: User,
    batch: ImportBatch,
    columns: dict[str, str],
    headers: list[str],
    template_name: str = "",
) -> None:
    """Change a pending batch's mapping, optionally saving it as a template for its source."""
    if batch.status != BatchStatus.PENDING:
        raise ImportRunError(_("batch #%(id)d has already started") % {"id": batch.pk})
    columns = {h: f for h, f in columns.items() if f and h in headers}
    problems = check_mapping(columns, headers, batch.target)
    if problems:
        raise ImportRunError("; ".join(problems))
    with transaction.atomic():
        batch.mapping = columns
        batch.save(update_fields=["mapping"])
        record_audit(actor=actor, action="import.mapping", obj=batch, changes={"columns": columns})
        if template_name.strip():
            save_mapping(
                actor=actor,
                source_system=batch.source_system,
                name=template_name.strip()[:120],
                target=batch.target,
                columns=columns,
            )


def queue_batch(*, actor: User, batch: ImportBatch) -> None:
    """Hand a pending batch to the worker. The task row is written in this transaction, so a
    worker never sees a task whose batch is not committed."""
    from clientbase.imports.tasks import run_import_task

    if batch.status != BatchStatus.PENDING or batch.progress_stage:
        raise ImportRunError(_("batch #%(id)d has already started") % {"id": batch.pk})
    with transaction.atomic():
        batch.progress_stage = "queued"
        batch.save(update_fields=["progress_stage"])
        record_audit(actor=actor, action="import.queue", obj=batch)
        run_import_task.enqueue(batch_id=batch.pk)


def mark_failed(*, actor: User | None, batch_id: int, message: str) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = BatchStatus.FAILED
        batch.message = message
        batch.save(update_fields=["status", "message"])
        record_audit(actor=actor, action="import.fail", obj=batch, changes={"message": message})
