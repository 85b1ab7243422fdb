"""Template helpers for the duplicates pages."""

from __future__ import annotations

from django import template

from clientbase.access.models import Scope, User
from clientbase.access.roles import ACCOUNT, MERGE
from clientbase.access.selectors import scope_of

register = template.Library()


@register.filter
def may_review_duplicates(user: object) -> bool:
    """Whether `user` may use the duplicates queue; the navigation and the views both ask."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    # Deciding on pairs needs the merge right over the whole base (identity's rule for a
    # dedupe run); auditors, marketing and service see all but only read.
    return scope_of(user, ACCOUNT, MERGE) == Scope.ALL
