"""Template filters of the analytics pages."""

from __future__ import annotations

from django import template

from clientbase.web.analytics_text import percent as format_percent

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A 0..1 share as a percentage in the active language's digits: {{ 0.8|percent }}."""
    return format_percent(share)
