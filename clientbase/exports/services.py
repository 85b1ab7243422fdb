"""Exports of lists to CSV and XLSX: checked on the server, streamed, neutralised, audited.

Small exports are written inside the request; above settings.EXPORT_BACKGROUND_ROWS the worker
writes the file (tasks.run_export_task) while the user watches a progress page. Either way
one Export row and one `export.accounts` audit row record who exported which filter, in which
format, and how many rows.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import IO, Literal, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import EXPORT, can, require
from clientbase.access.services import record_audit
from clientbase.accounts import selectors as account_selectors
from clientbase.accounts.selectors import AccountListQuery
from clientbase.analytics.filters import SpecError
from clientbase.exports.cells import WATERMARK_PREFIX, csv_rows
from clientbase.exports.limits import (
    ExportLimitExceeded,
    ExportSuspended,
    check_not_suspended,
    clear_export,
    limits_for,
    use_approval,
)
from clientbase.exports.models import Export, ExportRequest, ExportStatus
from clientbase.exports.xlsx import Watermark, write_xlsx
from clientbase.usage.models import UsageKind
from clientbase.usage.services import count_usage

log = logging.getLogger(__name__)
ExportFormat = Literal["csv", "xlsx"]
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows read per keyset query: plain tuples, so a large page costs little memory.
CHUNK_SIZE = 2000
# Small exports stay in memory; larger ones roll over to a temporary file on disk.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
OBJECT_TYPE = "accounts"
Progress = Callable[[int], None]  # rows written so far
DOUBLE_CLICK_WINDOW = timedelta(minutes=10)


class ExportFormatError(ValueError):
    """An export format we do not write."""


@dataclass(frozen=True)
class ExportResult:
    """A finished export. `file` is positioned at its start; whoever sends it closes it."""

    file: IO[bytes]
    filename: str
    content_type: str
    fmt: str
    row_count: int


def exports_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def download_name(fmt: str, day: str | None = None) -> str:
    return f"{OBJECT_TYPE}-{day or timezone.localdate().isoformat()}.{fmt}"


def _filter_of(query: AccountListQuery) -> dict[str, str]:
    saved = {"q": query.q, "status": query.status, "sort": query.sort}
    if query.spec:  # the segment's conditions as exported, even if it changes later
        saved["spec"] = query.spec
    return saved


def query_from_filter(saved: dict[str, str]) -> AccountListQuery:
    """The list query a saved export filter stands for (an Export's, an ExportRequest's)."""
    return AccountListQuery(
        q=str(saved.get("q", "")),
        status=str(saved.get("status", "")),
        sort=str(saved.get("sort", "")),
        spec=str(saved.get("spec", "")),
    )


def _check_request(*, actor: User, query: AccountListQuery, fmt: str) -> None:
    """The format is ours, the actor holds the export right and it is not suspended (a
    refusal is audited)."""
    if fmt not in CONTENT_TYPES:
        raise ExportFormatError(
            _("Unknown export format %(fmt)r: choose csv or xlsx.") % {"fmt": fmt}
        )
    if not can(actor, EXPORT, OBJECT_TYPE):
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.denied",
                object_type=OBJECT_TYPE,
                changes={"filter": _filter_of(query), "format": fmt},
            )
        require(actor, EXPORT, OBJECT_TYPE)
    try:
        check_not_suspended(actor)
    except ExportSuspended:
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.denied",
                object_type=OBJECT_TYPE,
                changes={"filter": _filter_of(query), "format": fmt, "suspended": True},
            )
        raise


def _clear(
    *,
    actor: User,
    filter_: dict[str, str],
    fmt: str,
    rows: int | Callable[[], int],
    export_id: int | None = None,
) -> ExportRequest | None:
    """The role's row limits (or an approval covering this export); a refusal is audited as
    `export.limit` and raises ExportLimitExceeded."""
    try:
        return clear_export(
            actor=actor,
            object_type=OBJECT_TYPE,
            filter_=filter_,
            fmt=fmt,
            rows=rows,
            exclude_export_id=export_id,
        )
    except ExportLimitExceeded as refused:
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.limit",
                object_type=OBJECT_TYPE,
                object_id=str(export_id or ""),
                changes={
                    "filter": filter_,
                    "format": fmt,
                    "rows": refused.rows,
                    "today": refused.today,
                    "per_export": refused.limits.per_export,
                    "per_day": refused.limits.per_day,
                },
            )
        raise


def watermark_for(actor: User, at: datetime) -> Watermark:
    """The line naming who exported the file and when, in every file (language-neutral
    marker first, so our importer can skip it)."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    name = actor.get_full_name()
    who = f"{actor.username} ({name}, #{actor.pk})" if name else f"{actor.username} (#{actor.pk})"
    text = f"{WATERMARK_PREFIX} · {who} · {stamp} · " + _("confidential, for work use only")
    return Watermark(text=text, user=actor.username, at=at)


def export_accounts(*, actor: User, query: AccountListQuery, fmt: str) -> ExportResult:
    """Every account of the filtered list that `actor` may see, as a CSV or XLSX file, now.

    The filter is the list's (q, status, sort); the cursor and page size are ignored: an
    export is the whole list. A denied attempt is audited as `export.denied` and raises
    PermissionDenied; a successful one writes one Export row and one `export.accounts` audit row.
    """
    _check_request(actor=actor, query=query, fmt=fmt)
    rows = account_selectors.account_export_source(actor=actor, query=query).rows
    approval = _clear(actor=actor, filter_=_filter_of(query), fmt=fmt, rows=rows.count)
    return _export_now(actor=actor, query=query, fmt=fmt, approval=approval)


def request_account_export(
    *, actor: User, query: AccountListQuery, fmt: str
) -> ExportResult | Export:
    """The web's export button: the file at once when the list is small, else a queued Export
    for the worker (or the same one still waiting, when the user clicks twice)."""
    _check_request(actor=actor, query=query, fmt=fmt)
    remove_expired_exports()  # every request sweeps too, so files go on time without a cron
    total = account_selectors.account_export_source(actor=actor, query=query).rows.count()
    waiting = _waiting(actor=actor, filter_=_filter_of(query), fmt=fmt)
    if waiting is not None and total > int(settings.EXPORT_BACKGROUND_ROWS):
        return waiting  # a second click while the first is on its way: not a second export
    approval = _clear(actor=actor, filter_=_filter_of(query), fmt=fmt, rows=total)
    if total <= int(settings.EXPORT_BACKGROUND_ROWS):
        return _export_now(actor=actor, query=query, fmt=fmt, approval=approval)
    return _queue(actor=actor, query=query, fmt=fmt, total=total, approval=approval)


def _export_now(
    *, actor: User, query: AccountListQuery, fmt: str, approval: ExportRequest | None
) -> ExportResult:
    source = account_selectors.account_export_source(actor=actor, query=query)
    header = [field.key for field in source.fields]
    started = timezone.now()
    watermark = watermark_for(actor, started)
    # Not a context manager: the file outlives this call and the response closes it.
    spool = cast(IO[bytes], SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES))  # noqa: SIM115
    try:
        write = _write_csv if fmt == "csv" else _write_xlsx
        count = write(spool, header, _pages(source), watermark)
        with transaction.atomic():
            export = Export.objects.create(
                created_by=actor,
                created_at=started,
                object_type=OBJECT_TYPE,
                filter=_filter_of(query),
                fmt=fmt,
                columns=header,
                status=ExportStatus.DONE,
                row_count=count,
                progress_done=count,
                progress_total=count,
                finished_at=timezone.now(),
                watermark=watermark.text,
            )
            if approval is not None:
                if count > approval.estimated_rows:
                    raise ExportLimitExceeded(
                        _("The list has grown past the approved rows: file a new request."),
                        rows=count,
                        limits=limits_for(actor),
                        today=0,
                    )
                use_approval(approval=approval, export=export)
            _record_export(actor=actor, export=export, approval=approval)
            count_usage(user=actor, kind=UsageKind.EXPORT_ROWS, amount=count)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ExportResult(
        file=spool,
        filename=download_name(fmt),
        content_type=CONTENT_TYPES[fmt],
        fmt=fmt,
        row_count=count,
    )


def _record_export(*, actor: User, export: Export, approval: ExportRequest | None) -> None:
    changes = {
        "filter": export.filter,
        "format": export.fmt,
        "rows": export.row_count,
        "columns": export.columns,
        "watermark": export.watermark,
    }
    if approval is not None:
        changes["approval"] = approval.pk
    record_audit(
        actor=actor,
        action="export.accounts",
        object_type=OBJECT_TYPE,
        object_id=str(export.pk),
        changes=changes,
    )


def _pages(
    source: account_selectors.AccountExportSource, progress: Progress | None = None
) -> Iterator[list[list[str]]]:
    done = 0
    for page in account_selectors.account_export_pages(source, size=CHUNK_SIZE):
        yield page
        done += len(page)
        if progress is not None:
            progress(done)


def _write_csv(
    out: IO[bytes], header: list[str], pages: Iterable[list[list[str]]], watermark: Watermark
) -> int:
    """UTF-8 with a BOM (so Excel reads Cyrillic and Persian), comma-separated, quoted. The
    last line is the watermark, in the first column (our importer skips it)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    count = 0
    for page in pages:
        writer.writerows(csv_rows(page))
        count += len(page)
    writer.writerow([watermark.text] + [""] * (len(header) - 1))
    text.flush()
    text.detach()  # hand the byte stream back without closing it
    return count


def _write_xlsx(
    out: IO[bytes], header: list[str], pages: Iterable[list[list[str]]], watermark: Watermark
) -> int:
    """One sheet, every cell an explicit string (never a formula), written page by page,
    the watermark in its first line, printed header and footer and document properties."""
    return write_xlsx(out, OBJECT_TYPE, header, pages, watermark)


# --- Background exports ----------------------------------------------------------------------


def _waiting(*, actor: User, filter_: dict[str, str], fmt: str) -> Export | None:
    """The same export still on its way (a second click); an older unfinished one (a worker
    that died) must not block a fresh export."""
    return Export.objects.filter(
        created_by=actor,
        object_type=OBJECT_TYPE,
        filter=filter_,
        fmt=fmt,
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
        created_at__gte=timezone.now() - DOUBLE_CLICK_WINDOW,
    ).first()


def _queue(
    *,
    actor: User,
    query: AccountListQuery,
    fmt: str,
    total: int,
    approval: ExportRequest | None,
) -> Export:
    """Open a queued Export and hand it to the worker; the task row is written in the same
    transaction, so a worker never sees a task whose export is not committed. An approval is
    used here, once: the worker honours it for this export alone."""
    from clientbase.exports.tasks import run_export_task

    filter_ = _filter_of(query)
    with transaction.atomic():
        export = Export.objects.create(
            created_by=actor,
            object_type=OBJECT_TYPE,
            filter=filter_,
            fmt=fmt,
            background=True,
            status=ExportStatus.QUEUED,
            progress_total=total,
        )
        if approval is not None:
            use_approval(approval=approval, export=export)
        record_audit(
            actor=actor,
            action="export.queue",
            object_type=OBJECT_TYPE,
            object_id=str(export.pk),
            changes={"filter": filter_, "format": fmt, "expected_rows": total}
            | ({"approval": approval.pk} if approval is not None else {}),
        )
        run_export_task.enqueue(export_id=export.pk)
    return export


def _finish_failed(*, export_id: int, message: str, action: str = "export.fail") -> None:
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export_id)
        export.status = ExportStatus.FAILED
        export.message = message
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "message", "finished_at"])
        record_audit(
            actor=export.created_by,
            action=action,
            object_type=OBJECT_TYPE,
            object_id=str(export.pk),
            changes={"filter": export.filter, "format": export.fmt, "message": message},
        )


def run_export(*, export_id: int, progress: Progress | None = None) -> str:
    """Write a queued export's file as its requester, whose right is checked again: it may have
    been withdrawn since the request. Returns the export's final status."""
    remove_expired_exports()
    export = Export.objects.select_related("created_by").get(pk=export_id)
    if export.status != ExportStatus.QUEUED:
        return str(export.status)  # already run (a retried task): nothing to do
    # Messages the requester reads on the progress page are in their own language.
    with translation.override(export.created_by.language or None):
        return _run(export, progress)


def _run(export: Export, progress: Progress | None) -> str:
    actor = export.created_by
    if not can(actor, EXPORT, export.object_type):
        _finish_failed(
            export_id=export.pk,
            message=_("The export was not written: you no longer have the export right."),
            action="export.denied",
        )
        return str(ExportStatus.FAILED)
    try:
        check_not_suspended(actor)
    except ExportSuspended as suspended:
        _finish_failed(
            export_id=export.pk,
            message=_("The export was not written: %(reason)s") % {"reason": suspended},
            action="export.denied",
        )
        return str(ExportStatus.FAILED)
    query = query_from_filter(export.filter)
    try:
        source = account_selectors.account_export_source(actor=actor, query=query)
        header = [field.key for field in source.fields]
        total = source.rows.count()
    except SpecError as error:  # the segment uses a field since hidden from the requester
        _finish_failed(
            export_id=export.pk,
            message=_("The export was not written: %(reason)s") % {"reason": error},
        )
        return str(ExportStatus.FAILED)
    refusal = _limit_at_run(export, total)
    if refusal:
        _finish_failed(
            export_id=export.pk,
            message=_("The export was not written: %(reason)s") % {"reason": refusal},
            action="export.limit",
        )
        return str(ExportStatus.FAILED)
    claimed = Export.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress_total=total, progress_done=0, columns=header
    )
    if not claimed:
        return str(Export.objects.get(pk=export.pk).status)  # another worker took it
    folder = exports_dir() / str(export.pk)
    relative = f"{export.pk}/export.{export.fmt}"
    watermark = watermark_for(actor, timezone.now())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (exports_dir() / relative).open("wb") as out:
            write = _write_csv if export.fmt == "csv" else _write_xlsx
            count = write(out, header, _pages(source, progress), watermark)
    except Exception:
        log.exception("export %s failed", export.pk)
        shutil.rmtree(folder, ignore_errors=True)
        _finish_failed(
            export_id=export.pk,
            message=_("The export stopped on an unexpected error; the worker log has details."),
        )
        return str(ExportStatus.FAILED)
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        export.status = ExportStatus.DONE
        export.row_count = export.progress_done = export.progress_total = count
        export.columns = header
        export.file_path = relative
        export.file_size = (exports_dir() / relative).stat().st_size
        export.finished_at = timezone.now()
        export.watermark = watermark.text
        export.save()
        approval = ExportRequest.objects.filter(export=export).first()
        _record_export(actor=actor, export=export, approval=approval)
        count_usage(user=actor, kind=UsageKind.EXPORT_ROWS, amount=count)
    return str(ExportStatus.DONE)


def _limit_at_run(export: Export, total: int) -> str:
    """Why the worker must not write `export` now (the limits are checked again when it runs:
    they may have changed since the request), or "" when it may."""
    approval = ExportRequest.objects.filter(export=export).first()
    if approval is not None:  # used at queue time for exactly this export
        if total > approval.estimated_rows:
            return _("the list has grown past the approved rows: file a new request.")
        return ""
    try:
        clear_export(
            actor=export.created_by,
            object_type=export.object_type,
            filter_=export.filter,
            fmt=export.fmt,
            rows=total,
            exclude_export_id=export.pk,
        )
    except ExportLimitExceeded as refused:
        return str(refused)
    return ""


def open_export_file(*, actor: User, export: Export) -> ExportResult:
    """The finished file of `actor`'s own export (the caller found it through the selector),
    with the right checked again (a refusal is audited) and the download audited."""
    if not can(actor, EXPORT, export.object_type):
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.denied",
                object_type=OBJECT_TYPE,
                object_id=str(export.pk),
                changes={"download": True, "format": export.fmt},
            )
        require(actor, EXPORT, export.object_type)
    try:
        check_not_suspended(actor)
    except ExportSuspended:
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.denied",
                object_type=OBJECT_TYPE,
                object_id=str(export.pk),
                changes={"download": True, "format": export.fmt, "suspended": True},
            )
        raise
    path = exports_dir() / export.file_path
    if export.status != ExportStatus.DONE or not export.file_path or not path.is_file():
        raise FileNotFoundError(export.file_path)
    handle = path.open("rb")
    try:
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.download",
                object_type=OBJECT_TYPE,
                object_id=str(export.pk),
                changes={"format": export.fmt, "rows": export.row_count},
            )
    except BaseException:
        handle.close()
        raise
    return ExportResult(
        file=handle,
        filename=download_name(export.fmt, timezone.localdate(export.created_at).isoformat()),
        content_type=CONTENT_TYPES[export.fmt],
        fmt=export.fmt,
        row_count=export.row_count,
    )


def remove_expired_exports(*, now: datetime | None = None) -> int:
    """Delete the files of exports finished longer ago than the retention period; their rows
    stay (as `expired`) for the record. Returns how many were removed."""
    cutoff = (now or timezone.now()) - timedelta(hours=int(settings.EXPORT_RETENTION_HOURS))
    expired = Export.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff).exclude(
        file_path=""
    )
    removed = 0
    for export in expired.only("pk", "file_path"):
        shutil.rmtree(exports_dir() / str(export.pk), ignore_errors=True)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file_path="")
        removed += 1
    return removed
