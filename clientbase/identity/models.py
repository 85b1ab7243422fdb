"""Runs of duplicate detection, the candidate pairs they found, and the name keys they left.

A candidate is the input of a later merge step: it names two accounts (left.id < right.id),
how sure the model is, and which fields agreed and how. Merge sets status=merged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class MatchRun(models.Model):
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    threshold = models.FloatField(_("threshold"))
    accounts_compared = models.PositiveIntegerField(_("accounts compared"), default=0)
    pairs_scored = models.PositiveIntegerField(_("pairs scored"), default=0)
    pairs_exact = models.PositiveIntegerField(_("pairs found by exact keys"), default=0)
    pairs_probabilistic = models.PositiveIntegerField(
        _("pairs found only by fuzzy keys"), default=0
    )
    pairs_above_threshold = models.PositiveIntegerField(_("pairs above threshold"), default=0)
    candidates_new = models.PositiveIntegerField(_("new candidates"), default=0)
    seconds = models.FloatField(_("seconds"), default=0.0)

    class Meta:
        verbose_name = _("match run")

    def __str__(self) -> str:
        return f"match run {self.pk} ({self.status})"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidate(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="candidates")
    left = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    right = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("possible duplicate"),
    )
    probability = models.FloatField(_("match probability"))
    # {"name": "exact" | "skeleton" | "fuzzy_high" | ..., "phone": "exact", "tax_id": "differs"}
    agreements: models.JSONField[Any, Any] = models.JSONField(_("agreements"), default=dict)
    found_by: models.JSONField[Any, Any] = models.JSONField(_("found by"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="identity_cand_left_lt_right"
            ),
            models.UniqueConstraint(
                fields=["left", "right"],
                condition=models.Q(status="open"),
                name="identity_cand_one_open_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-probability"], name="identity_cand_queue_idx"),
            models.Index(fields=["left", "right"], name="identity_cand_pair_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.probability:.3f})"


class NameKey(models.Model):
    """Each account's name keys as of the last dedupe run: the entry-time check's fuzzy index.

    `prefix` is the first four letters of the consonant skeleton, so a name typed in another
    script still finds its bucket with one indexed lookup.
    """

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    latin = models.CharField(max_length=300)
    skeleton = models.CharField(max_length=300)
    prefix = models.CharField(max_length=4, db_index=True)

    class Meta:
        verbose_name = _("name key")

    def __str__(self) -> str:
        return self.latin
