"""What the analytics charts draw, as plain data for the page's JSON block (json_script).

The browser draws them with the vendored Chart.js (static/web/js/analytics-charts.js); every
chart keeps its data table beside it, which is also what a reader without script sees. Pure
functions, no database access. Labels are data, never markup: the script draws them on a
canvas as text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clientbase.analytics.cost_to_serve import SegmentCost
from clientbase.web.formatting import MINUS, SEPARATORS, base_language

Chart = dict[str, Any]

MEASURES = ("account_share", "revenue_share", "margin_share", "workload_share")
COLOURS = {
    "account_share": "#94a3b8",
    "revenue_share": "#4f46e5",
    "margin_share": "#16a34a",
    "workload_share": "#f59e0b",
}
QUADRANT_COLOURS = {"I": "#94a3b8", "II": "#f59e0b", "III": "#16a34a", "IV": "#4f46e5"}
# Where the quadrants' numerals sit (loyalty across, profitability up).
QUADRANT_LABELS = [[0.25, 0.06, "I"], [0.75, 0.06, "II"], [0.75, 0.9, "III"], [0.25, 0.9, "IV"]]
RISK_COLOUR, WATCH_COLOUR = "#dc2626", "#f59e0b"


def number_format(language: str | None) -> dict[str, str]:
    """The separators and digits the server's own number filters use, for the script."""
    lang = base_language(language)
    thousands, decimal = SEPARATORS[lang]
    return {
        "thousands": thousands,
        "decimal": decimal,
        "minus": "-" if lang == "en" else MINUS,
        "digits": "۰۱۲۳۴۵۶۷۸۹" if lang == "fa" else "",
        "percent": "٪" if lang == "fa" else "%",
    }


def payload(charts: dict[str, Chart], *, language: str | None, rtl: bool) -> dict[str, Any]:
    return {"format": number_format(language), "rtl": rtl, "charts": charts}


def pareto_chart(points: list[tuple[float, float]], top80: float | None) -> Chart:
    return {
        "kind": "curve",
        "label": _("Share of revenue"),
        "points": [[round(a, 4), round(r, 4)] for a, r in points],
        "mark": None if top80 is None else round(top80, 4),
        "xTitle": _("share of accounts"),
        "yTitle": _("share of revenue"),
    }


def cost_chart(costs: list[SegmentCost], *, measures: tuple[str, ...] = MEASURES) -> Chart:
    """Horizontal bars: per class, its share of accounts, revenue, margin and workload (the
    margin only in `measures` for a reader who may see margin figures)."""
    names = {
        "account_share": _("accounts"),
        "revenue_share": _("revenue"),
        "margin_share": _("margin"),
        "workload_share": _("workload"),
    }
    return {
        "kind": "bars",
        "horizontal": True,
        "percent": True,
        "categories": [c.segment for c in costs],
        "highlight": [c.flagged for c in costs],
        "series": [
            {
                "label": names[m],
                "color": COLOURS[m],
                "values": [round(float(getattr(c, m)), 4) for c in costs],
            }
            for m in measures
        ],
    }


def quadrant_chart(points: list[tuple[float, float, str]], names: dict[str, Any]) -> Chart:
    """Loyalty along the horizontal axis, profitability up; the cuts at the median."""
    return {
        "kind": "scatter",
        "xTitle": _("loyalty"),
        "yTitle": _("profitability"),
        "labels": QUADRANT_LABELS,
        "groups": [
            {
                "label": str(names[q]),
                "color": QUADRANT_COLOURS[q],
                "points": [[round(lo, 4), round(pr, 4)] for lo, pr, pq in points if pq == q],
            }
            for q in QUADRANT_COLOURS
        ],
    }


def share_bars(categories: list[str], accounts: list[float], revenue: list[float]) -> Chart:
    """Vertical bars: per segment its share of accounts and of revenue (RFM)."""
    return {
        "kind": "bars",
        "percent": True,
        "categories": categories,
        "series": [
            {"label": _("accounts"), "color": COLOURS["account_share"], "values": accounts},
            {"label": _("revenue"), "color": COLOURS["revenue_share"], "values": revenue},
        ],
    }


def churn_chart(names: list[str], risks: list[float], flags: list[bool]) -> Chart:
    """Horizontal bars: each watched account's churn risk, the warned ones highlighted."""
    return {
        "kind": "bars",
        "horizontal": True,
        "percent": True,
        "max": 1,
        "categories": names,
        "highlight": flags,
        "valueTitle": _("Churn risk"),
        "series": [
            {
                "label": _("Churn risk"),
                "color": [RISK_COLOUR if f else WATCH_COLOUR for f in flags],
                "values": [round(r, 4) for r in risks],
            }
        ],
    }


def movement_chart(names: list[str], entered: list[int], left: list[int]) -> Chart:
    """Vertical bars: per saved segment, how many accounts entered and left it."""
    return {
        "kind": "bars",
        "percent": False,
        "categories": names,
        "series": [
            {"label": pgettext("segments", "Entered"), "color": "#16a34a", "values": entered},
            {"label": pgettext("segments", "Left"), "color": "#dc2626", "values": left},
        ],
    }


def matrix_chart(rows: list[str], columns: list[str], counts: dict[tuple[str, str], int]) -> Chart:
    """The ABC–XYZ matrix as bubbles: a row per ABC class, a column per XYZ class."""
    return {
        "kind": "matrix",
        "label": _("Accounts"),
        "rows": rows,
        "columns": columns,
        "cells": [
            [i, j, counts.get((a, x), 0)] for i, a in enumerate(rows) for j, x in enumerate(columns)
        ],
        "xTitle": _("how steadily they buy (XYZ)"),
        "yTitle": _("revenue class (ABC)"),
    }


def heat_level(count: int, highest: int) -> int:
    """0..5, for the ABC–XYZ matrix cells' shading classes (no inline styles under the CSP)."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(5, round(5 * count / highest)))
