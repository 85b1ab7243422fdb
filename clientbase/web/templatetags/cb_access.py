"""Template filter for navigation links: the same rights the pages' declarations check."""

from __future__ import annotations

from django import template

from clientbase.access.roles import EDIT, ROLE
from clientbase.access.selectors import can

register = template.Library()


@register.filter
def may_manage_roles(user: object) -> bool:
    return can(user, EDIT, ROLE)
