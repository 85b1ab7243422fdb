"""Template helpers for the duplicates pages."""

from __future__ import annotations

from django import template

from clientbase.access.models import Role, Scope, User
from clientbase.access.selectors import scope_of

register = template.Library()

# Deciding on pairs needs to see the whole base (identity's rule for a dedupe run: scope ALL)
# and to be a role that curates it: auditors, marketing and service see all but only read.
DEDUPE_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST})


@register.filter
def may_review_duplicates(user: object) -> bool:
    """Whether `user` may use the duplicates queue; the navigation and the views both ask."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    role_fits = user.is_superuser or user.role in DEDUPE_ROLES
    return role_fits and scope_of(user) == Scope.ALL
