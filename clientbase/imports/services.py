"""Imports: run a file into the base, roll a batch back, re-submit parked rows, save mappings.

run_import = pass 1 (checking.py: read, validate, resolve, spool valid records per chunk, write
the error report) + pass 2 (applying.py: one transaction per chunk, resumable). All-or-nothing
mode stops after pass 1 if any row is invalid, so nothing is written at all.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.audit_trail import deferred_audit
from clientbase.access.models import User
from clientbase.access.selectors import can
from clientbase.access.services import record_audit
from clientbase.imports.applying import MODEL_OF, apply_chunks
from clientbase.imports.fast_orders import check_file
from clientbase.imports.mapping import auto_mapping, check_mapping, detect_template
from clientbase.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportMapping,
    ParkedRow,
    RecordHistory,
)
from clientbase.imports.readers import FileError, open_table
from clientbase.imports.selectors import visible_batches
from clientbase.imports.validation import TARGETS, RowError, plan_for, targets

Progress = Callable[[str, int, int], None]
MODES = ("all-or-nothing", "valid-rows")
DEFAULT_CHUNK = 20_000


class ImportRunError(ValueError):
    """An import that cannot start or a rollback that must not happen; the message says why."""


@dataclass
class ImportResult:
    batch_id: int | None
    status: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    report_path: Path | None = None
    errors: list[RowError] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    resumed: bool = False


def imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def guess_target(headers: list[str]) -> str:
    """The target whose required columns the headers cover, preferring the most matches."""
    best, score = "", -1
    for name in ("orders", "contacts", "products", "accounts", "deals", "activities"):
        mapping = auto_mapping(headers, name)
        if check_mapping(mapping, headers, name):
            continue
        if len(mapping) > score:
            best, score = name, len(mapping)
    if not best:
        raise ImportRunError(
            _("cannot tell what the file holds: give --target and a --mapping for its columns")
        )
    return best


@dataclass
class Settled:
    """What a file's header decides before anything is read: source, target and mapping."""

    source_system: str
    target: str
    mapping: dict[str, Any]
    columns: dict[str, str]


def settle_mapping(
    headers: list[str],
    *,
    source_system: str,
    target: str | None = None,
    mapping: dict[str, Any] | None = None,
) -> Settled:
    """The one place that reads a header into source, target and columns, for run_import and
    the upload page alike. A shipped template declaring exactly this header (our own export)
    adds its options even under a given mapping: its source decides what the ids mean."""
    mapping = dict(mapping or {})
    detected = detect_template(headers)
    if detected and (target or mapping.get("target") or detected["target"]) == detected["target"]:
        mapping = {**detected, **mapping}
    if mapping.get("source_system"):
        # Our own export's ids are this base's primary keys: under any other source they
        # would read as foreign external ids and create a copy of every account.
        source_system = str(mapping["source_system"])
    target = target or mapping.get("target") or guess_target(headers)
    if target not in TARGETS:
        raise ImportRunError(_("unknown target %(t)r") % {"t": target})
    columns = dict(mapping.get("columns") or auto_mapping(headers, target))
    return Settled(source_system, target, mapping, columns)


def run_import(
    *,
    actor: User | None,
    path: Path,
    source_system: str,
    target: str | None = None,
    mapping: dict[str, Any] | None = None,
    mode: str = "all-or-nothing",
    dry_run: bool = False,
    chunk_size: int | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    if mode not in MODES:
        raise ImportRunError(
            _("unknown mode %(m)r: use %(ms)s") % {"m": mode, "ms": " or ".join(MODES)}
        )
    if not source_system.strip():
        raise ImportRunError(_("name the source system the file comes from (--source)"))
    try:
        table = open_table(path, sheet=sheet)
    except FileError as exc:
        raise ImportRunError(f"{path.name}: {exc}") from None
    settled = settle_mapping(
        table.headers, source_system=source_system, target=target, mapping=mapping
    )
    source_system, target, mapping = settled.source_system, settled.target, settled.mapping
    columns = settled.columns
    spec_set = targets(jalali=mapping.get("date_format") == "jalali")
    problems = check_mapping(columns, table.headers, target)
    if problems:
        raise ImportRunError("; ".join(problems))
    plan = plan_for(
        table.headers,
        columns,
        spec_set[target],
        restore_csv=bool(mapping.get("restore_csv_cells")) and table.format == "csv",
    )
    chunk_size = chunk_size or int(getattr(settings, "IMPORT_CHUNK_ROWS", DEFAULT_CHUNK))
    if dry_run:
        return _dry_run(
            actor, path, table, target, plan, columns, source_system, chunk_size, progress
        )

    sha = file_sha256(path)
    batch = (
        ImportBatch.objects.filter(
            source_system=source_system,
            file_sha256=sha,
            target=target,
            status__in=[BatchStatus.PENDING, BatchStatus.RUNNING],
        )
        .order_by("-pk")
        .first()
    )
    resumed = batch is not None
    if batch is None:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source_system=source_system,
                file_name=path.name,
                status=BatchStatus.RUNNING,
                created_by=actor,
                target=target,
                mode=mode,
                file_sha256=sha,
                mapping=columns,
            )
            record_audit(
                actor=actor,
                action="import.start",
                obj=batch,
                changes={"file": path.name, "source": source_system, "target": target},
            )
    batch_dir = imports_dir() / str(batch.pk)
    spool = batch_dir / "chunks"
    report = batch_dir / "errors.csv"
    result = ImportResult(batch.pk, BatchStatus.RUNNING, report_path=report, mapping=columns)
    result.resumed = resumed
    if batch.chunks_total is None or not spool.exists():
        ParkedRow.objects.filter(batch=batch).delete()  # a crashed pass 1 is redone whole
        shutil.rmtree(spool, ignore_errors=True)
        checked = check_file(
            path=path,
            table=table,
            target=target,
            plan=plan,
            source_system=source_system,
            spool_dir=spool,
            report_path=report,
            park_batch_id=batch.pk if batch.mode == "valid-rows" else None,
            chunk_size=chunk_size,
            progress=progress,
        )
        batch.chunks_total = checked.chunks
        batch.error_count = checked.rejected_rows
        batch.counts = {"rows": checked.rows, "rejected": checked.rejected_rows}
        batch.save(update_fields=["chunks_total", "error_count", "counts"])
        result.errors = checked.first_errors
    result.rows = int(batch.counts.get("rows", 0))
    result.rejected = batch.error_count
    if batch.error_count and batch.mode == "all-or-nothing":
        with transaction.atomic():
            batch.status = BatchStatus.REJECTED
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "finished_at"])
            record_audit(actor=actor, action="import.reject", obj=batch, changes=batch.counts)
        shutil.rmtree(spool, ignore_errors=True)
        result.status = batch.status
        return result
    counts = apply_chunks(actor=actor, batch=batch, spool_dir=spool, progress=progress)
    with transaction.atomic():
        batch.counts = {**batch.counts, **counts}
        batch.status = BatchStatus.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["counts", "status", "finished_at"])
        record_audit(actor=actor, action="import.done", obj=batch, changes=batch.counts)
    shutil.rmtree(spool, ignore_errors=True)
    result.status = batch.status
    result.created, result.updated, result.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )
    return result


def _dry_run(
    actor: User | None,
    table_path: Path,
    table: Any,
    target: str,
    plan: Any,
    columns: dict[str, str],
    source_system: str,
    chunk_size: int,
    progress: Progress | None,
) -> ImportResult:
    """Everything a real run does, inside a transaction that is rolled back."""
    work = imports_dir() / f"dry-{uuid.uuid4().hex[:12]}"
    report = work / "errors.csv"
    result = ImportResult(None, "dry-run", report_path=report, mapping=columns)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source_system=source_system, target=target, status=BatchStatus.RUNNING
        )
        checked = check_file(
            path=table_path,
            table=table,
            target=target,
            plan=plan,
            source_system=source_system,
            spool_dir=work / "chunks",
            report_path=report,
            park_batch_id=None,
            chunk_size=chunk_size,
            progress=progress,
        )
        batch.chunks_total = checked.chunks
        counts = apply_chunks(actor=actor, batch=batch, spool_dir=work / "chunks", progress=None)
        transaction.set_rollback(True)
    shutil.rmtree(work / "chunks", ignore_errors=True)
    result.rows, result.rejected, result.errors = (
        checked.rows,
        checked.rejected_rows,
        checked.first_errors,
    )
    result.created, result.updated, result.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )
    return result


# --- rollback ----------------------------------------------------------------------------------


def rollback_batch(*, actor: User | None, batch: ImportBatch) -> dict[str, int]:
    """Delete what the batch created and restore what it updated, or refuse if a later batch
    changed the same records since (roll that one back first)."""
    if batch.status in (BatchStatus.ROLLED_BACK, BatchStatus.REJECTED):
        raise ImportRunError(
            _("batch #%(id)d is %(status)s: there is nothing to roll back")
            % {"id": batch.pk, "status": batch.get_status_display()}
        )
    later = (
        RecordHistory.objects.filter(field="import_batch_id", old=batch.pk)
        .exclude(batch=batch)
        .exclude(batch__status=BatchStatus.ROLLED_BACK)
        .order_by("batch_id")
        .first()
    )
    if later is not None:
        raise ImportRunError(
            _(
                "batch #%(later)d changed records of batch #%(id)d since (e.g. %(model)s "
                "%(obj)d): roll back batch #%(later)d first"
            )
            % {
                "later": later.batch_id,
                "id": batch.pk,
                "model": later.model,
                "obj": later.object_id,
            }
        )
    model = MODEL_OF.get(batch.target, "")
    with transaction.atomic(), deferred_audit():  # deal moves back: rows appended at the end
        restored: dict[int, dict[str, Any]] = {}
        for object_id, name, old in (
            RecordHistory.objects.filter(batch=batch)
            .order_by("pk")
            .values_list("object_id", "field", "old")
        ):
            restored.setdefault(object_id, {}).setdefault(name, old)
        for object_id, values in restored.items():
            _restore(actor, model, object_id, values)
        deleted = _delete_created(model, batch)
        batch.status = BatchStatus.ROLLED_BACK
        batch.save(update_fields=["status"])
        counts = {"restored": len(restored), "deleted": deleted}
        record_audit(actor=actor, action="import.rollback", obj=batch, changes=counts)
    return counts


def _restore(actor: User | None, model: str, object_id: int, values: dict[str, Any]) -> None:
    if model == "sales.deal":
        from clientbase.sales.deal_imports import restore_imported_deal

        restore_imported_deal(actor=actor, deal_id=object_id, values=values)
    elif model == "accounts.account":
        from clientbase.accounts.services import restore_imported_account

        restore_imported_account(account_id=object_id, values=values)
    elif model == "sales.order":
        from clientbase.sales.services import restore_imported_order

        restore_imported_order(order_id=object_id, values=values)
    else:
        from django.apps import apps

        from clientbase.core.bulk import restore_fields

        restore_fields(apps.get_model(model), object_id, values)


def _delete_created(model: str, batch: ImportBatch) -> int:
    from django.apps import apps
    from django.db.models import ProtectedError

    if model == "sales.order":
        from clientbase.sales.services import delete_imported_orders

        return delete_imported_orders(batch_id=batch.pk, keep=set())
    from clientbase.core.bulk import delete_created

    try:
        return delete_created(apps.get_model(model), batch_id=batch.pk)
    except ProtectedError as exc:
        first = next(iter(exc.protected_objects))
        raise ImportRunError(
            _("cannot delete what batch #%(id)d created: %(obj)s is still used by %(by)s")
            % {"id": batch.pk, "obj": model, "by": f"{first._meta.label_lower} {first.pk}"}
        ) from None


# --- parked rows and mappings ------------------------------------------------------------------


def resubmit_parked(
    *,
    actor: User | None,
    batch: ImportBatch,
    fixes: dict[int, dict[str, Any]],
    rows: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Re-run the batch's parked rows with `fixes` ({row number: {header: value}}) applied, as
    a new batch from the same source: all of them, or the ParkedRow ids in `rows` together
    with the other parked lines of their orders (an order is written whole or not at all).

    A row that passes is marked resolved; one that fails again stays parked in this batch with
    its fixed values and its new errors (the new batch keeps no parked rows of its own)."""
    _require_batch_right(actor, batch)
    pending = ParkedRow.objects.filter(batch=batch, resolved=False)
    if rows is not None:
        pending = pending.filter(pk__in=_with_order_lines(batch, set(rows)))
    parked = list(pending.order_by("row_number"))
    if not parked:
        raise ImportRunError(_("batch #%(id)d has no such parked rows") % {"id": batch.pk})
    fixed = [{**row.raw, **fixes.get(row.row_number, {})} for row in parked]
    headers = list(dict.fromkeys([*batch.mapping, *(h for values in fixed for h in values)]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"batch-{batch.pk}-resubmit-{uuid.uuid4().hex[:8]}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for values in fixed:  # every line names every header: the reader reads the first
                handle.write(json.dumps({h: values.get(h) for h in headers}) + "\n")
        result = run_import(
            actor=actor,
            path=path,
            source_system=batch.source_system,
            target=batch.target,
            mapping={"columns": batch.mapping},
            mode="valid-rows",
            progress=progress,
        )
    rerun = ParkedRow.objects.filter(batch_id=result.batch_id)
    again = dict(rerun.values_list("row_number", "errors"))
    for line, (row, values) in enumerate(zip(parked, fixed, strict=True), start=2):
        if line in again:
            row.raw, row.errors = values, again[line]
        else:
            row.resolved = True
    with transaction.atomic():
        ParkedRow.objects.bulk_update(parked, ["raw", "errors", "resolved"], batch_size=1000)
        rerun.delete()
        record_audit(
            actor=actor,
            action="import.resubmit",
            obj=batch,
            changes={
                "new_batch": result.batch_id,
                "resolved": [row.row_number for row in parked if row.resolved],
                "still_parked": [row.row_number for row in parked if not row.resolved],
                "fixes": {
                    str(row.row_number): fixes[row.row_number]
                    for row in parked
                    if fixes.get(row.row_number)
                },
            },
        )
    return result


def discard_parked(*, actor: User | None, batch: ImportBatch, rows: Iterable[int]) -> int:
    """Drop parked rows the user will not import; the audit row keeps their values."""
    _require_batch_right(actor, batch)
    with transaction.atomic():
        doomed = list(
            ParkedRow.objects.select_for_update()
            .filter(batch=batch, resolved=False, pk__in=set(rows))
            .order_by("row_number")
        )
        if not doomed:
            raise ImportRunError(_("batch #%(id)d has no such parked rows") % {"id": batch.pk})
        record_audit(
            actor=actor,
            action="import.discard_parked",
            obj=batch,
            changes={
                "rows": [
                    {"row": row.row_number, "raw": row.raw, "errors": row.errors} for row in doomed
                ]
            },
        )
        ParkedRow.objects.filter(pk__in=[row.pk for row in doomed]).delete()
    return len(doomed)


def _require_batch_right(actor: User | None, batch: ImportBatch) -> None:
    """The import right and a batch the actor may see (None is the system, e.g. the CLI)."""
    if actor is None:
        return
    if not can(actor, "import", "account"):
        raise PermissionDenied(_("Importing needs the import right."))
    if not visible_batches(actor=actor).filter(pk=batch.pk).exists():
        raise PermissionDenied(_("You may only fix the rows of your own imports."))


def _with_order_lines(batch: ImportBatch, ids: set[int]) -> set[int]:
    """`ids` and every other parked line of the same orders."""
    header = next((h for h, f in batch.mapping.items() if f == "order_id"), None)
    if batch.target != "orders" or header is None:
        return ids
    lines = list(ParkedRow.objects.filter(batch=batch, resolved=False).values_list("pk", "raw"))
    orders = {str(raw.get(header)) for pk, raw in lines if pk in ids}
    return ids | {pk for pk, raw in lines if str(raw.get(header)) in orders}


def save_mapping(
    *, actor: User | None, source_system: str, name: str, target: str, columns: dict[str, str]
) -> ImportMapping:
    if target not in MODEL_OF:
        raise ImportRunError(_("unknown target %(t)r") % {"t": target})
    with transaction.atomic():
        mapping, _created = ImportMapping.objects.update_or_create(
            source_system=source_system,
            name=name,
            defaults={"target": target, "columns": columns},
        )
        record_audit(
            actor=actor, action="import.mapping_save", obj=mapping, changes={"columns": columns}
        )
    return mapping
