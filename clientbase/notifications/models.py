"""In-app notifications: a short message to one user, with a link to what it is about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # What it is about, e.g. "export.approved", "usage.alert": lets pages filter and tests ask.
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True, default="")
    link = models.CharField(_("link"), max_length=300, blank=True, default="")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"
