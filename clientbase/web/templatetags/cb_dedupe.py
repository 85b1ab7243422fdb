"""Template helpers for the duplicates pages."""

from __future__ import annotations

from django import template

from clientbase.access.models import Scope, User
from clientbase.access.selectors import scope_of

register = template.Library()


@register.filter
def may_review_duplicates(user: object) -> bool:
    """Whether the navigation offers the duplicates queue (the views check it again)."""
    return isinstance(user, User) and user.is_authenticated and scope_of(user) == Scope.ALL
