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
    # The line written into the file naming who exported it and when (issue 5).
    watermark = models.TextField(_("watermark"), blank=True, default="")

    class Meta:
        verbose_name = _("export")
        indexes = [
            models.Index(fields=["created_by", "-id"], name="export_by_user_idx"),
            models.Index(fields=["status", "finished_at"], name="export_status_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} export #{self.pk}"


# --- Export control (issue 5): limits per role, approvals above them, suspensions ----------


class ExportPolicy(models.Model):
    """Row limits of one role (keyed by the role's string key, User.role). Empty = unlimited.

    A role without a row uses DEFAULT_LIMITS in clientbase.exports.limits."""

    role = models.CharField(_("role"), max_length=40, unique=True)
    max_rows_per_export = models.PositiveIntegerField(_("rows per export"), null=True, blank=True)
    max_rows_per_day = models.PositiveIntegerField(_("rows per day"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("export policy")

    def __str__(self) -> str:
        return f"export policy {self.role}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    USED = "used", _("Used")


class ExportRequest(models.Model):
    """A request to export more rows than the role's limits allow. Once approved it lets its
    requester run exactly this export (filter and format), once, up to the approved rows."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    object_type = models.CharField(_("list"), max_length=40, default="accounts")
    filter: models.JSONField[Any, Any] = models.JSONField(_("filter"), default=dict)
    fmt = models.CharField(_("format"), max_length=8)
    estimated_rows = models.BigIntegerField(_("rows"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True, default="")
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    export = models.OneToOneField(
        Export, on_delete=models.SET_NULL, null=True, blank=True, related_name="approval"
    )

    class Meta:
        verbose_name = _("export request")
        indexes = [
            models.Index(fields=["requested_by", "status"], name="export_request_by_user_idx"),
            models.Index(fields=["status", "-id"], name="export_request_status_idx"),
        ]

    def __str__(self) -> str:
        return f"export request #{self.pk}"


class ExportSuspension(models.Model):
    """The user's export right is suspended (by an alert or by hand) until someone lifts it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(_("since"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, default="")
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("export suspension")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(lifted_at__isnull=True),
                name="export_one_open_suspension",
            )
        ]

    def __str__(self) -> str:
        return f"export suspension of user {self.user_id}"
