"""Template filter for the import nav link: the same right the import pages check."""

from __future__ import annotations

from django import template

from clientbase.access.selectors import can

register = template.Library()


@register.filter
def may_import(user: object) -> bool:
    return can(user, "import", "account")
