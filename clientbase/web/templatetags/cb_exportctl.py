"""Navigation helpers for export control: which links a user sees, and unread notifications."""

from __future__ import annotations

from django import template

from clientbase.access.models import User
from clientbase.access.selectors import EXPORT, can
from clientbase.exports.limits import (
    APPROVE,
    EXPORT_POLICY,
    EXPORT_REQUESTS,
    MANAGE,
    REVIEW,
    USAGE_ALERTS,
)
from clientbase.notifications.selectors import unread_count

register = template.Library()


@register.filter
def may_see_export_requests(user: object) -> bool:
    return can(user, EXPORT, "accounts") or can(user, APPROVE, EXPORT_REQUESTS)


@register.filter
def may_review_alerts(user: object) -> bool:
    return can(user, REVIEW, USAGE_ALERTS)


@register.filter
def may_manage_export_policy(user: object) -> bool:
    return can(user, MANAGE, EXPORT_POLICY)


@register.filter
def unread_notifications(user: object) -> int:
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return unread_count(actor=user)
