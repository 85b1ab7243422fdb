"""Calls, meetings, e-mails, tasks, notes and support tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientbase.core.models import Provenance, TimeStamped


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    TASK = "task", _("Task")
    NOTE = "note", _("Note")
    TICKET = "ticket", _("Support ticket")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(Provenance, TimeStamped):
    kind = models.CharField(_("kind"), max_length=8, choices=ActivityKind.choices)
    status = models.CharField(
        _("status"), max_length=9, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    subject = models.CharField(_("subject"), max_length=200)
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
        db_index=False,  # covered by activity_account_due_idx
    )
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        db_index=False,  # covered by activity_owner_due_idx
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration, min"), default=0)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True, default="")

    class Meta(Provenance.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["account", "-due_at"], name="activity_account_due_idx"),
            models.Index(fields=["owner", "status", "due_at"], name="activity_owner_due_idx"),
        ]

    def __str__(self) -> str:
        return self.subject
