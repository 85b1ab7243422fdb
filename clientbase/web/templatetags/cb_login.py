from __future__ import annotations

from django import template

from clientbase.access.selectors import MANAGE, USERS, can

register = template.Library()


@register.filter
def may_manage_users(user: object) -> bool:
    return can(user, MANAGE, USERS)
