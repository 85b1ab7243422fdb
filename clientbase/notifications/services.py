"""Writing in-app notifications, and marking them read."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from clientbase.access.models import User
from clientbase.notifications.models import Notification


def notify(
    *, recipient: User, kind: str, title: str, body: str = "", link: str = ""
) -> Notification:
    """One notification to `recipient`. Called inside the transaction of the write it tells
    about (an approval, an alert), which audits that write; the text is already translated
    into the recipient's language by the caller."""
    return Notification.objects.create(
        recipient=recipient, kind=kind, title=title[:200], body=body, link=link
    )


def mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of `actor`'s own notifications read (another user's id is a 404)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(recipient=actor, pk=notification_id)
            .first()
        )
        if notification is None:
            raise Http404("No such notification")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification
