"""Each user's daily volume of record views, exported rows and API reads, and the alerts raised
when a day goes far beyond the user's usual days (issue 5, anti-theft).

The counters are our own (not derived from the audit trail): one row per user, day and kind,
incremented by one UPDATE per counted request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsageKind(models.TextChoices):
    VIEWS = "views", _("Record views")
    EXPORT_ROWS = "export_rows", _("Exported rows")
    API_READS = "api_reads", _("API reads")


class UsageDay(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=UsageKind.choices)
    count = models.BigIntegerField(_("count"), default=0)
    # The user's usual day for this kind, computed once when the day's row is created.
    baseline = models.FloatField(_("usual day"), default=0)
    # The count that raises an alert today (from the baseline and the alert settings).
    threshold = models.BigIntegerField(_("threshold"), default=0)
    alerted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("usage day")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "day"], name="usage_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id} on {self.day}: {self.count}"


class UsageAlert(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=UsageKind.choices)
    count = models.BigIntegerField(_("count"))
    baseline = models.FloatField(_("usual day"))
    threshold = models.BigIntegerField(_("threshold"))
    # Whether the user's export right was suspended automatically with this alert.
    suspended = models.BooleanField(_("exports suspended"), default=False)

    class Meta:
        verbose_name = _("usage alert")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "day"], name="usage_alert_unique")
        ]
        indexes = [models.Index(fields=["-id"], name="usage_alert_recent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} alert for {self.user_id} on {self.day}"


class AlertSettings(models.Model):
    """When a day is "far beyond" the usual one. A single row (pk=1), edited by admins."""

    multiplier = models.PositiveSmallIntegerField(_("times the usual day"), default=5)
    views_floor = models.PositiveIntegerField(_("minimum record views"), default=100)
    api_floor = models.PositiveIntegerField(_("minimum API reads"), default=1000)
    export_rows_floor = models.PositiveIntegerField(_("minimum exported rows"), default=500)
    # Exported rows reaching this share of the role's daily limit raise an alert too.
    export_limit_percent = models.PositiveSmallIntegerField(
        _("share of the daily export limit (%)"), default=80
    )
    baseline_days = models.PositiveSmallIntegerField(_("days of history"), default=28)
    suspend_exports = models.BooleanField(_("suspend exports on alert"), default=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("alert settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(multiplier__gte=2), name="usage_alert_multiplier_min"
            ),
            models.CheckConstraint(
                condition=models.Q(export_limit_percent__gte=1, export_limit_percent__lte=100),
                name="usage_alert_export_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return "alert settings"
