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
    REJECTED = "rejected", _("Rejected")
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
    target = models.CharField(_("target"), max_length=20, blank=True, default="")
    mode = models.CharField(_("mode"), max_length=16, blank=True, default="")
    # The file's content hash: a re-run of the same file from the same source resumes this batch.
    file_sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    mapping: models.JSONField[Any, Any] = models.JSONField(_("mapping"), default=dict, blank=True)
    # Chunks spooled by validation; the batch is done only when all of them are applied.
    chunks_total = models.IntegerField(null=True, blank=True)
    error_count = models.IntegerField(default=0)
    # Written by the background task as it goes, read by the progress page: "checking" counts
    # rows (total unknown, 0), "writing" counts chunks.
    progress_stage = models.CharField(max_length=16, blank=True, default="")
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    # A failure the uploader should read (a bad file, a mapping that no longer fits).
    message = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("import batch")

    def __str__(self) -> str:
        return f"{self.source_system} #{self.pk}"


class ImportChunk(models.Model):
    """One applied chunk, written in the chunk's own transaction: a resumed batch skips it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.IntegerField()
    counts: models.JSONField[Any, Any] = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="imports_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.number}"


class RecordHistory(models.Model):
    """A field an import changed, with its value before, so rollback can restore it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="history")
    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=60)
    old: models.JSONField[Any, Any] = models.JSONField(null=True)
    new: models.JSONField[Any, Any] = models.JSONField(null=True)

    class Meta:
        verbose_name = _("record history")
        indexes = [
            models.Index(fields=["model", "object_id"], name="imports_hist_obj_idx"),
            models.Index(fields=["field", "old"], name="imports_hist_field_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}.{self.field}"


class ParkedRow(models.Model):
    """An invalid row kept with its raw values and errors, to be fixed and re-submitted."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="parked")
    row_number = models.IntegerField()
    raw: models.JSONField[Any, Any] = models.JSONField(default=dict)
    errors: models.JSONField[Any, Any] = models.JSONField(default=list)
    resolved = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("parked row")
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"{self.batch_id}: row {self.row_number}"


class ImportMapping(models.Model):
    """A saved column mapping for one source system's exports: {header: field}."""

    source_system = models.CharField(_("source system"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    target = models.CharField(_("target"), max_length=20)
    columns: models.JSONField[Any, Any] = models.JSONField(_("columns"), default=dict)

    class Meta:
        verbose_name = _("import mapping")
        constraints = [
            models.UniqueConstraint(fields=["source_system", "name"], name="imports_mapping_name")
        ]

    def __str__(self) -> str:
        return f"{self.source_system}: {self.name}"
