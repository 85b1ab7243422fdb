"""Template filters for the personal-data pages."""

from __future__ import annotations

from django import template

from clientbase.access.selectors import can

register = template.Library()


@register.filter
def may_view_destruction_acts(user: object) -> bool:
    return can(user, "view", "destruction_act")
