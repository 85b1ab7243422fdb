"""The account page's playbooks card (a separate include, so it merges apart from other cards)."""

from __future__ import annotations

from typing import Any

from django import template

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.playbook_selectors import account_playbooks

register = template.Library()


@register.inclusion_tag("web/playbooks/account_card.html", takes_context=True)
def account_playbooks_card(context: dict[str, Any], account: Account) -> dict[str, Any]:
    user = context["request"].user
    shown = account_playbooks(actor=user, account=account) if isinstance(user, User) else []
    return {"account": account, "playbooks": shown}


@register.filter
def may_edit_playbooks(user: object) -> bool:
    from clientbase.analytics.playbook_selectors import may_edit_playbooks as may_edit

    return may_edit(user)
