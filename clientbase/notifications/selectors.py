"""Reads of notifications: each user reads only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from clientbase.access.models import User
from clientbase.notifications.models import Notification


def inbox(*, actor: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-id")[:limit]


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
