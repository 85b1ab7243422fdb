"""Export pages: a large export's progress, its download, and the user's recent exports.

An export is its requester's alone: another user's export id is a 404, whatever their role.
Starting an export is views.account_export (the list's buttons); the right is checked by the
export services at request, at run and at download time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientbase.access.roles import ACCOUNT, EXPORT
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.selectors import get_own_export, recent_background_exports
from clientbase.exports.services import open_export_file
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

RUNNING = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def _progress_context(export: Export) -> dict[str, Any]:
    share = None
    if export.status == ExportStatus.DONE:
        share = 100
    elif export.status == ExportStatus.RUNNING and export.progress_total:
        share = min(100, int(100 * export.progress_done / export.progress_total))
    expires_at = None
    if export.status == ExportStatus.DONE and export.finished_at is not None:
        expires_at = export.finished_at + timedelta(hours=int(settings.EXPORT_RETENTION_HOURS))
    return {
        "export": export,
        "running": export.status in RUNNING,
        "share": share,
        "expires_at": expires_at,
    }


@allow(EXPORT, ACCOUNT)
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    exports = recent_background_exports(actor=acting_user(request))
    context = {"exports": exports, "threshold": int(settings.EXPORT_BACKGROUND_ROWS)}
    return render(request, "web/exports/list.html", context)


@allow(EXPORT, ACCOUNT)
@require_GET
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_own_export(actor=acting_user(request), export_id=export_id)
    return render(request, "web/exports/detail.html", _progress_context(export))


@allow(EXPORT, ACCOUNT)
@require_GET
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_own_export(actor=acting_user(request), export_id=export_id)
    return render(request, "web/exports/detail.html#progress", _progress_context(export))


@allow(EXPORT, ACCOUNT, enforce=False)
@require_GET
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    actor = acting_user(request)
    export = get_own_export(actor=actor, export_id=export_id)
    try:
        result = open_export_file(actor=actor, export=export)
    except FileNotFoundError:
        raise Http404("The export's file is not there (not ready yet, or removed)") from None
    return FileResponse(
        result.file, as_attachment=True, filename=result.filename, content_type=result.content_type
    )
