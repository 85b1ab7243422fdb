"""The account page's tier card (a separate include, so it merges apart from other cards)."""

from __future__ import annotations

from typing import Any

from django import template

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.questionnaires.selectors import account_tier, may_edit_questionnaires

register = template.Library()


@register.inclusion_tag("web/questionnaires/tier_card.html", takes_context=True)
def account_tier_card(context: dict[str, Any], account: Account) -> dict[str, Any]:
    user = context["request"].user
    shown = account_tier(actor=user, account=account) if isinstance(user, User) else None
    return {"account": account, "tier": shown, "may_edit": may_edit_questionnaires(user)}
