"""The truth file: what was planted, and the figure each truth achieves in the written data."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np

from clientbase.demo.calendar import AS_OF, MONTH_START, iso
from clientbase.demo.columns import I64

WORKLOAD_DEFINITION = (
    "workload(account) = number of orders + sum of Order.documents + number of Activity rows "
    "of the account (every kind and status: calls, meetings, e-mails, tasks, notes and "
    "support tickets, kind='ticket')"
)
MARGIN_DEFINITION = "margin = sum over the account's orders of (net_revenue_base - cost_base)"
STATUS_RULES = {
    "prospect": "no orders",
    "active": "last order within 180 days of as_of",
    "dormant": "last order 181-365 days before as_of",
    "lost": "last order more than 365 days before as_of (stopped buying)",
    "former": "last order more than 365 days before as_of; relationship ended (closed/merged)",
}


def top_share(values: I64, frac: float = 0.2) -> float:
    k = max(1, round(len(values) * frac))
    total = int(values.sum())
    if total <= 0:
        return 0.0
    return int(np.sort(values)[::-1][:k].sum()) / total


def share(values: I64, mask: np.ndarray) -> float:
    total = float(values.sum())
    return float(values[mask].sum()) / total if total else 0.0


def quarter_counts(order_days: I64, last: int, quarters: int = 6) -> list[int]:
    """Orders in the 90-day windows before (and including) the last order, oldest first."""
    out = []
    for q in range(quarters - 1, -1, -1):
        hi, lo = last - 90 * q, last - 90 * (q + 1)
        out.append(int(((order_days > lo) & (order_days <= hi)).sum()))
    return out


def rate_table(keys: I64, won: np.ndarray, closed: np.ndarray, labels: dict[int, Any]) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {}
    for k, label in labels.items():
        sel = (keys == k) & closed
        c = int(sel.sum())
        w = int((sel & won).sum())
        out[str(label)] = {"closed": c, "won": w, "achieved_rate": round(w / c, 4) if c else None}
    return out


def month_iso(m: int) -> str:
    return iso(int(MONTH_START[m]))


def write(path: pathlib.Path, truth: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False), "utf-8")
    tmp.replace(path)


__all__ = ["AS_OF", "MARGIN_DEFINITION", "STATUS_RULES", "WORKLOAD_DEFINITION", "write"]
