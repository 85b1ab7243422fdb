"""The words of the analytics pages: each model's classes in plain language, and the
account page's segments card. No database access but through the analytics selectors."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientbase.access.models import User
from clientbase.access.roles import METRICS_MARGIN
from clientbase.access.selectors import may_see_field
from clientbase.accounts.models import Account
from clientbase.analytics import selectors
from clientbase.analytics.models import AccountMetrics
from clientbase.analytics.playbook_selectors import class_playbooks
from clientbase.web.formatting import format_number

STRATEGIES: dict[str, Promise] = {
    "I": gettext_lazy(
        "Neither loyal nor profitable: keep the service even and grow the inflow of new buyers."
    ),
    "II": gettext_lazy(
        "Golden reserve, loyal but not yet profitable: raise purchase frequency and basket "
        "size, ask for referrals."
    ),
    "III": gettext_lazy("Loyal and profitable: maximum care and loyalty programmes."),
    "IV": gettext_lazy("Profitable but not loyal: find out why, and win them over."),
}
QUADRANT_NAMES: dict[str, Promise] = {
    "I": gettext_lazy("I · low loyalty, low profit"),
    "II": gettext_lazy("II · loyal, low profit"),
    "III": gettext_lazy("III · loyal, profitable"),
    "IV": gettext_lazy("IV · profitable, not loyal"),
}
ABC_MEANING: dict[str, Promise] = {
    # xgettext:no-python-format
    "A": gettext_lazy("among the accounts bringing the first 80% of it"),
    # xgettext:no-python-format
    "B": gettext_lazy("among the accounts bringing the next 15% of it"),
    # xgettext:no-python-format
    "C": gettext_lazy("among the accounts bringing the last 5% of it"),
    "D": gettext_lazy("nothing in the last 12 months"),
}
XYZ_MEANING: dict[str, Promise] = {
    "X": gettext_lazy("buys steadily month after month"),
    "Y": gettext_lazy("buys with ups and downs"),
    "Z": gettext_lazy("buys irregularly, hard to predict"),
}
CTS_MEANING: dict[str, Promise] = {
    "A": gettext_lazy("among the most margin per hour of our work"),
    "B": gettext_lazy("a fair margin for the work it takes"),
    "C": gettext_lazy("little margin for the work it takes"),
    "D": gettext_lazy("the work it takes costs more than its margin justifies"),
}
RFM_NAMES: dict[str, Promise] = {
    "champions": gettext_lazy("Champions"),
    "loyal": gettext_lazy("Loyal"),
    "potential_loyalists": gettext_lazy("Potential loyalists"),
    "new": gettext_lazy("New"),
    "promising": gettext_lazy("Promising"),
    "need_attention": gettext_lazy("Need attention"),
    "about_to_sleep": gettext_lazy("About to sleep"),
    "cannot_lose": gettext_lazy("Cannot lose them"),
    "at_risk": gettext_lazy("At risk"),
    "hibernating": gettext_lazy("Hibernating"),
    "lost": gettext_lazy("Lost"),
}
RFM_MEANING: dict[str, Promise] = {
    "champions": gettext_lazy("bought recently, buys often and much"),
    "loyal": gettext_lazy("buys often, fairly recently"),
    "potential_loyalists": gettext_lazy("recent buyer who could become a regular"),
    "new": gettext_lazy("bought for the first time recently"),
    "promising": gettext_lazy("recent buyer, not frequent yet"),
    "need_attention": gettext_lazy("average on every count, slipping"),
    "about_to_sleep": gettext_lazy("buying less and less recently"),
    "cannot_lose": gettext_lazy("used to buy very often, has gone quiet"),
    "at_risk": gettext_lazy("bought often before, not lately"),
    "hibernating": gettext_lazy("quiet for a long time, bought little"),
    "lost": gettext_lazy("has not bought for a long time"),
}


def percent(share: float | None) -> str:
    """A 0..1 share as a whole percentage in the active language's digits."""
    if share is None:
        return "—"
    sign = "٪" if translation.get_language() == "fa" else "%"
    return f"{format_number(share * 100, translation.get_language(), 0)}{sign}"


def segments_card(*, actor: User, account: Account) -> dict[str, Any] | None:
    """The account page's segments card: each model's verdict with a one-line meaning."""
    row = selectors.account_segments(actor=actor, account=account)
    if row is None:
        return None
    quadrants = {
        key: playbook.description
        for key, playbook in class_playbooks(actor=actor, kind="quadrant").items()
    }
    margin = may_see_field(actor, METRICS_MARGIN)
    return {"row": row, "lines": _segment_lines(row, quadrants, margin=margin)}


def _segment_lines(
    row: AccountMetrics, quadrants: dict[str, str], *, margin: bool
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []

    def add(label: str, value: str | None, meaning: Any) -> None:
        lines.append({"label": label, "value": value or "—", "meaning": meaning or ""})

    revenue_meaning = ABC_MEANING.get(row.abc_revenue or "")
    margin_meaning = ABC_MEANING.get(row.abc_margin or "")
    add(
        _("ABC by revenue"),
        row.abc_revenue,
        _("Revenue: %(meaning)s.") % {"meaning": revenue_meaning} if revenue_meaning else "",
    )
    if margin:  # a margin figure: only for a reader with the field right
        add(
            _("ABC by margin"),
            row.abc_margin,
            _("Margin: %(meaning)s.") % {"meaning": margin_meaning} if margin_meaning else "",
        )
    add(_("XYZ"), row.xyz, XYZ_MEANING.get(row.xyz or "") or _("Too few purchases to tell."))
    add(_("Cost to serve"), row.cts_class, CTS_MEANING.get(row.cts_class or ""))
    add(
        _("RFM segment"),
        str(RFM_NAMES.get(row.rfm_segment or "", row.rfm_segment or "")),
        RFM_MEANING.get(row.rfm_segment or ""),
    )
    add(_("Quadrant"), row.quadrant, quadrants.get(row.quadrant or ""))
    risk_meaning = (
        _("Warning: buying has stopped or dropped well below its usual rhythm.")
        if row.churn_flag
        else _("Buying keeps to its usual rhythm.")
    )
    add(
        _("Churn risk"),
        percent(row.churn_risk) if row.churn_risk is not None else None,
        risk_meaning,
    )
    return lines
