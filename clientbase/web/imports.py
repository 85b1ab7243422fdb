"""Import pages: the batch list, upload, the mapping step, progress, error report, rollback.

The import right is `can(user, "import", "account")`; a batch is visible to its creator and to
admins and directors only, anyone else gets a 404 for it (its id says nothing).
"""

from __future__ import annotations

import csv
import itertools
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, IMPORT
from clientbase.access.selectors import can
from clientbase.imports.models import BatchStatus, ImportBatch, ImportMapping
from clientbase.imports.readers import BadRow, FileError, open_table
from clientbase.imports.selectors import parked_rows, visible_batches
from clientbase.imports.services import ImportRunError, rollback_batch
from clientbase.imports.uploads import (
    queue_batch,
    receive_upload,
    report_file,
    set_mapping,
    stored_file,
)
from clientbase.imports.validation import TARGETS
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

PREVIEW_ROWS = 10
REPORT_ROWS = 100
LIST_SIZE = 100
FINISHED = (BatchStatus.DONE, BatchStatus.FAILED, BatchStatus.REJECTED, BatchStatus.ROLLED_BACK)
TARGET_CHOICES = [
    ("accounts", _("Accounts")),
    ("contacts", _("Contacts")),
    ("products", _("Products")),
    ("orders", _("Orders")),
    ("deals", _("Deals")),
    ("activities", _("Activities")),
]
MODE_CHOICES = [
    ("all-or-nothing", _("All or nothing: any bad row stops the whole file")),
    ("valid-rows", _("Valid rows: import the good rows, park the bad ones")),
]


def _importer(request: HttpRequest) -> User:
    actor = acting_user(request)
    if not can(actor, "import", "account"):
        raise PermissionDenied(_("Importing needs the import right."))
    return actor


def _batch(actor: User, batch_id: int) -> ImportBatch:
    return get_object_or_404(visible_batches(actor=actor), pk=batch_id)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX, Parquet or JSONL"))
    source_system = forms.CharField(
        label=_("Source system"), max_length=64, help_text=_("e.g. 1c, bitrix24, amocrm")
    )
    target = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("", _("Detect from the columns")), *TARGET_CHOICES],
        required=False,
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=MODE_CHOICES, initial="all-or-nothing")
    saved_mapping = forms.ModelChoiceField(
        label=_("Saved mapping"),
        queryset=ImportMapping.objects.order_by("source_system", "name"),
        required=False,
        empty_label=_("Match columns automatically"),
    )


@allow(IMPORT, ACCOUNT)
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    batches = list(
        visible_batches(actor=actor).select_related("created_by").order_by("-pk")[:LIST_SIZE]
    )
    return render(request, "web/imports/list.html", {"batches": batches})


@allow(IMPORT, ACCOUNT)
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = receive_upload(
                actor=actor,
                name=upload.name or "upload.csv",
                content=upload,
                size=upload.size or 0,
                source_system=form.cleaned_data["source_system"],
                target=form.cleaned_data["target"],
                mode=form.cleaned_data["mode"],
                saved_mapping=form.cleaned_data["saved_mapping"],
            )
        except ImportRunError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("web:import_mapping", batch_id=batch.pk)
    return render(request, "web/imports/new.html", {"form": form})


def _read_head(batch: ImportBatch) -> tuple[list[str], list[list[str]]]:
    """The file's headers and its first rows as text, for the mapping page."""
    try:
        table = open_table(stored_file(batch))
        rows: list[list[str]] = []
        for _number, cells in itertools.islice(table.rows, PREVIEW_ROWS):
            if isinstance(cells, BadRow):
                rows.append([cells.reason])
            else:
                rows.append(["" if c is None else str(c) for c in cells])
    except (FileError, OSError) as exc:
        raise ImportRunError(str(exc)) from None
    return table.headers, rows


@allow(IMPORT, ACCOUNT)
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    if batch.status != BatchStatus.PENDING or batch.progress_stage:
        return redirect("web:import_detail", batch_id=batch.pk)
    try:
        headers, preview = _read_head(batch)
    except ImportRunError as exc:
        return render(request, "web/imports/mapping.html", {"batch": batch, "error": exc})
    fields = sorted(TARGETS[batch.target].fields)
    chosen: dict[str, str] = dict(batch.mapping)
    error = ""
    if request.method == "POST":
        chosen = {
            header: field
            for index, header in enumerate(headers)
            if (field := request.POST.get(f"col-{index}", "")) in fields
        }
        template = ""
        if request.POST.get("save_template"):
            template = request.POST.get("template_name", "").strip() or batch.source_system
        try:
            set_mapping(
                actor=actor,
                batch=batch,
                columns=chosen,
                headers=headers,
                template_name=template,
            )
            queue_batch(actor=actor, batch=batch)
        except ImportRunError as exc:
            error = str(exc)
        else:
            return redirect("web:import_detail", batch_id=batch.pk)
    columns = [
        {"index": i, "header": h, "field": chosen.get(h, ""), "sample": _samples(preview, i)}
        for i, h in enumerate(headers)
    ]
    context: dict[str, Any] = {
        "batch": batch,
        "columns": columns,
        "fields": fields,
        "headers": headers,
        "preview": preview,
        "error": error,
    }
    return render(request, "web/imports/mapping.html", context)


def _samples(preview: list[list[str]], index: int) -> str:
    values = [row[index] for row in preview[:3] if index < len(row) and row[index]]
    return ", ".join(values)


def _progress_context(batch: ImportBatch) -> dict[str, Any]:
    counts = batch.counts or {}
    share = None
    if batch.status == BatchStatus.DONE:
        share = 100
    elif batch.progress_stage == "writing" and batch.progress_total:
        share = int(100 * batch.progress_done / batch.progress_total)
    return {
        "batch": batch,
        "running": batch.status not in FINISHED,
        "share": share,
        "counts": {
            "rows": counts.get("rows", 0),
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0),
            "rejected": counts.get("rejected", batch.error_count),
        },
    }


def _report_rows(batch: ImportBatch) -> list[list[str]]:
    path = report_file(batch)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return list(itertools.islice(reader, REPORT_ROWS))


@allow(IMPORT, ACCOUNT)
@require_GET
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    context = _progress_context(batch)
    context["errors"] = [] if context["running"] else _report_rows(batch)
    context["may_roll_back"] = batch.status == BatchStatus.DONE
    context["parked_count"] = parked_rows(actor=actor, batch=batch).count()
    return render(request, "web/imports/detail.html", context)


@allow(IMPORT, ACCOUNT)
@require_GET
def import_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    context = _progress_context(batch)
    response = render(request, "web/imports/detail.html#progress", context)
    if not context["running"] and request.GET.get("polling"):
        response["HX-Refresh"] = "true"  # once: the full page then shows the report
    return response


@allow(IMPORT, ACCOUNT)
@require_GET
def import_report(request: HttpRequest, batch_id: int) -> FileResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    path = report_file(batch)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{batch.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@allow(IMPORT, ACCOUNT)
@require_POST
def import_rollback(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = _importer(request)
    batch = _batch(actor, batch_id)
    error = ""
    if not request.POST.get("confirm"):
        error = str(_("Tick the box to confirm the rollback."))
    else:
        try:
            rollback_batch(actor=actor, batch=batch)
        except ImportRunError as exc:
            error = str(exc)
        else:
            return redirect("web:import_detail", batch_id=batch.pk)
    context = _progress_context(batch)
    context.update(errors=_report_rows(batch), may_roll_back=True, rollback_error=error)
    return render(request, "web/imports/detail.html", context, status=400)
