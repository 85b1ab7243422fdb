"""Template filters for the audit trail's page and its nav link."""

from __future__ import annotations

import json
from typing import Any

from django import template

from clientbase.access.audit_selectors import AUDIT
from clientbase.access.selectors import VIEW, can

register = template.Library()


@register.filter
def may_view_audit(user: object) -> bool:
    return can(user, VIEW, AUDIT)


@register.filter
def audit_json(changes: Any) -> str:
    """A diff as compact JSON text (escaped by the template like any other text)."""
    return json.dumps(changes, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
