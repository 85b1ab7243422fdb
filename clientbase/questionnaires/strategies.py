"""The deployment strategy each tier carries (shown on the account page)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clientbase.questionnaires.models import Tier

STRATEGIES: dict[str, tuple[Promise, Promise]] = {
    Tier.T1A: (
        _("Growth hotspot, aligned with how we work"),
        _(
            "High-touch personal service: a named account manager, regular senior visits and "
            "solution selling of our growth lines; protect and expand the relationship."
        ),
    ),
    Tier.T1B: (
        _("Growth hotspot that buys differently"),
        _(
            "Consultative selling: map the buyers and their authority, show the value of our "
            "growth lines, and change how they buy before scaling the relationship."
        ),
    ),
    Tier.T2: (
        _("High on need or value"),
        _(
            "Incentives and targeted offers to lift the weaker side (share of wallet, basket, "
            "high-margin lines), with a periodic review by the account manager."
        ),
    ),
    Tier.T3: (
        _("The rest of the base"),
        _(
            "Low-touch automation: self-service ordering, e-mail campaigns and standard terms; "
            "no personal visits unless the tier changes."
        ),
    ),
}


def strategy_of(tier: str) -> tuple[str, str]:
    """(headline, what to do) of a tier, in the current language."""
    headline, text = STRATEGIES[tier]
    return str(headline), str(text)
