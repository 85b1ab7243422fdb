"""Reads of usage counters and alerts. Alerts are for directors and admins only."""

from __future__ import annotations

from django.db.models import QuerySet

from clientbase.access.models import User
from clientbase.access.selectors import can, require
from clientbase.exports.limits import REVIEW, USAGE_ALERTS
from clientbase.usage.models import AlertSettings, UsageAlert


def alert_settings() -> AlertSettings:
    """The alert settings (system configuration, not client data); defaults before the first
    save."""
    return AlertSettings.objects.filter(pk=1).first() or AlertSettings(pk=1)


def alert_reviewers() -> list[User]:
    """Active users who receive anti-theft alerts (those with the right to review them)."""
    candidates = User.objects.filter(is_active=True).order_by("pk")
    return [user for user in candidates if can(user, REVIEW, USAGE_ALERTS)]


def recent_alerts(*, actor: User, limit: int = 100) -> QuerySet[UsageAlert]:
    require(actor, REVIEW, USAGE_ALERTS)
    return UsageAlert.objects.select_related("user").order_by("-id")[:limit]
