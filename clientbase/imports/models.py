"""Import batches: every imported record points back at the batch that brought it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class ImportBatch(models.Model):
    source_system = models.CharField(_("source system"), max_length=64)
    file_name = models.CharField(_("file"), max_length=300, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts: models.JSONField[Any, Any] = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import batch")

    def __str__(self) -> str:
        return f"{self.source_system} #{self.pk}"
