"""One row per export, immediate or background: who exported what, when, and how many rows.

The record the access issue extends with per-role limits and approvals (and a watermark).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class Export(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    object_type = models.CharField(_("list"), max_length=40, default="accounts")
    # The list's filter as the user set it (q, status, sort): what the export holds.
    filter: models.JSONField[Any, Any] = models.JSONField(_("filter"), default=dict)
    fmt = models.CharField(_("format"), max_length=8)
    columns: models.JSONField[Any, Any] = models.JSONField(_("columns"), default=list)
    background = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    row_count = models.BigIntegerField(_("rows"), default=0)
    # Written by the background task as it goes, read by the progress page.
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    # The finished file, relative to the exports folder under VAR_DIR; empty once removed.
    file_path = models.CharField(max_length=300, blank=True, default="")
    file_size = models.BigIntegerField(default=0)
    message = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("export")
        indexes = [
            models.Index(fields=["created_by", "-id"], name="export_by_user_idx"),
            models.Index(fields=["status", "finished_at"], name="export_status_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} export #{self.pk}"
