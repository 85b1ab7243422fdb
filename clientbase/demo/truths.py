"""The truth file: what was planted, and the figure each truth achieves in the written data."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np

from clientbase.demo.activities import Activities, workload
from clientbase.demo.calendar import AS_OF, AS_OF_DAY, MONTH_START, START_DAY, iso
from clientbase.demo.columns import I64
from clientbase.demo.contacts import Contacts
from clientbase.demo.deals import Deals, planted_rates
from clientbase.demo.dupes import Cluster
from clientbase.demo.orders import Orders, months_with_orders
from clientbase.demo.org import Org
from clientbase.demo.segments import (
    CHURNER,
    HOG,
    HOTSPOT,
    LOYAL_LOW,
    PROFIT_DISLOYAL,
    SEGMENT_NAMES,
    Segments,
)

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


def rate_table(
    keys: I64, won: np.ndarray, closed: np.ndarray, labels: dict[int, Any]
) -> dict[str, Any]:
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


def _ids(mask: Any, acc_base: int) -> list[int]:
    return [int(x) + acc_base + 1 for x in np.flatnonzero(mask)]


def build(
    scale: str,
    seed: int,
    s: Segments,
    o: Orders,
    d: Deals,
    a: Activities,
    c: Contacts,
    clusters: list[Cluster],
    org: Org,
    acc_base: int,
    base: dict[str, int],
    rev: I64,
    cost: I64,
    first: I64,
    last: I64,
    status: list[str],
    script: I64,
) -> dict[str, Any]:
    n = s.n
    margin = rev - cost
    work = workload(n, o.account, o.docs, a.account)
    k = max(1, round(n * 0.2))
    top = np.argsort(-rev, kind="stable")[:k]
    hog, hot = s.seg == HOG, s.seg == HOTSPOT
    loyal, disloyal, churn = s.seg == LOYAL_LOW, s.seg == PROFIT_DISLOYAL, s.seg == CHURNER
    mwo = months_with_orders(o, n)
    # Loyalty: months with an order out of the months since the first order (up to AS_OF).
    tenure_m = np.where(first >= 0, np.minimum((AS_OF_DAY - first) / 30.44 + 1, 60), 0)
    regularity = np.where(first >= 0, mwo / np.maximum(tenure_m, 1), 0)
    cust = first >= 0
    m_rate = np.where(rev > 0, margin / np.maximum(rev, 1), 0)

    def group(mask: Any) -> dict[str, Any]:
        sel = mask & cust
        return {
            "accounts": int(mask.sum()),
            "margin_rate": round(float(margin[sel].sum() / max(rev[sel].sum(), 1)), 4),
            "median_loyalty_months_with_orders_share": round(
                float(np.median(regularity[sel])) if sel.any() else 0.0, 4
            ),
            "median_tenure_months": round(float(np.median(tenure_m[sel])) if sel.any() else 0.0, 2),
        }

    churners = []
    srt = np.argsort(o.account, kind="stable")
    bounds = np.searchsorted(o.account[srt], np.arange(n + 1))
    rate_before, rate_during = [], []
    for i in np.flatnonzero(churn):
        days = o.day[srt[bounds[i] : bounds[i + 1]]]
        ds = int(_month_start(int(s.decay_start[i])))
        dl_days = int(s.decay_len[i] * 30.44)
        before = float(((days >= ds - 182) & (days < ds)).sum()) / 6.0
        during = float(((days >= ds) & (days < ds + dl_days)).sum()) / float(s.decay_len[i])
        rate_before.append(before)
        rate_during.append(during)
        churners.append(
            {
                "id": int(i) + acc_base + 1,
                "decay_start": iso(ds),
                "orders_per_month_6m_before_decay": round(before, 3),
                "decay_months": int(s.decay_len[i]),
                "orders_per_month_during_decay": round(during, 3),
                "last_order": iso(int(last[i])) if last[i] >= 0 else None,
                "orders_per_quarter_before_last": quarter_counts(days, int(last[i]))
                if last[i] >= 0
                else [],
            }
        )
    q = np.asarray(
        [
            ch["orders_per_quarter_before_last"]
            for ch in churners
            if ch["orders_per_quarter_before_last"]
        ]
    )
    nb_closed = (d.pipeline == 0) & (d.status != 0)
    as_closed = (d.pipeline == 1) & (d.status != 0)
    won = d.status == 1
    return {
        "generator": "clientbase.demo",
        "version": 1,
        "scale": scale,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "window_start": iso(START_DAY),
        "id_offsets": {
            "account": acc_base,
            "contact": base["contact"],
            "order": base["order"],
            "deal": base["deal"],
        },
        "definitions": {
            "workload": WORKLOAD_DEFINITION,
            "margin": MARGIN_DEFINITION,
            "revenue": "sum of Order.net_revenue_base over all orders (base currency RUB)",
            "population": "all Account rows, including prospects and duplicates (0 revenue)",
            "status_rules": STATUS_RULES,
        },
        "segments": {name: int((s.seg == code).sum()) for code, name in enumerate(SEGMENT_NAMES)},
        "pareto": {
            "top_fraction": 0.2,
            "top_accounts": k,
            "achieved_top_share_of_revenue": round(top_share(rev), 4),
            "top_ids": sorted(int(x) + acc_base + 1 for x in top),
        },
        "workload_hogs": {
            "ids": _ids(hog, acc_base),
            "achieved_share_of_accounts": round(float(hog.mean()), 4),
            "achieved_share_of_workload": round(share(work, hog), 4),
            "achieved_share_of_margin": round(share(margin, hog), 4),
            "achieved_share_of_revenue": round(share(rev, hog), 4),
            "service_activities_added": a.hog_filler,
            "price_level_discount": round(o.hog_discount, 4),
        },
        "growth_hotspots": {
            "ids": _ids(hot, acc_base),
            "tier_1a_ids": _ids(s.tier == 1, acc_base),
            "tier_1b_ids": _ids(s.tier == 2, acc_base),
            "achieved_share_of_accounts": round(float(hot.mean()), 4),
            "rule": "need > 0.7 and value > 0.7; behaviour > 0.6 -> 1a, < 0.4 -> 1b",
        },
        "scores": {
            "first_id": acc_base + 1,
            "note": (
                "indexed by account id - first_id; "
                "a planted duplicate carries its true entity's scores"
            ),
            "need": np.round(s.need, 3).tolist(),
            "value": np.round(s.value, 3).tolist(),
            "behaviour": np.round(s.behaviour, 3).tolist(),
        },
        "loyal_low_profit": {
            "ids": _ids(loyal, acc_base),
            **group(loyal),
            "all_customers": group(np.ones(n, bool)),
        },
        "profitable_disloyal": {"ids": _ids(disloyal, acc_base), **group(disloyal)},
        "churners": {
            "accounts": churners,
            "definition": (
                "decay_start = first day of the month the planted order rate starts to fall; "
                "it reaches 0 after decay_months (6-12)"
            ),
            "mean_orders_per_month_6m_before_decay": round(float(np.mean(rate_before)), 3)
            if rate_before
            else None,
            "mean_orders_per_month_during_decay": round(float(np.mean(rate_during)), 3)
            if rate_during
            else None,
            "mean_orders_per_quarter_before_last": np.round(q.mean(axis=0), 3).tolist()
            if len(q)
            else [],
        },
        "duplicates": {
            "achieved_share_of_accounts": round(float((s.dup_of >= 0).mean()), 4),
            "clusters": [
                {
                    "true_id": cl.true + acc_base + 1,
                    "duplicate_ids": [x + acc_base + 1 for x in cl.dups],
                    "rules": cl.variants,
                    "scripts": [["ru", "fa", "en"][int(script[x])] for x in cl.dups],
                }
                for cl in clusters
            ],
            "contact_clusters": [
                {
                    "true_id": t + base["contact"] + 1,
                    "duplicate_ids": [x + base["contact"] + 1 for x in ds],
                    "rules": rules,
                }
                for t, ds, rules in c.clusters
            ],
        },
        "conversion": {
            "planted": planted_rates(org),
            "achieved_by_channel": rate_table(
                d.channel, won, nb_closed, dict(enumerate(org.channel_codes))
            ),
            "achieved_by_rep": rate_table(
                d.owner, won, nb_closed, {int(u): int(u) for u in org.reps}
            ),
            "achieved_after_sales_by_manager": rate_table(
                d.owner, won, as_closed, {int(u): int(u) for u in org.ams}
            ),
        },
        "status_counts": {
            str(k_): int(v)
            for k_, v in zip(*np.unique(np.asarray(status), return_counts=True), strict=True)
        },
        "margin_rate_all": round(float(margin.sum()) / max(float(rev.sum()), 1.0), 4),
        "median_margin_rate_customers": round(float(np.median(m_rate[cust])), 4),
    }


def _month_start(m: int) -> int:
    return int(MONTH_START[max(0, min(m, len(MONTH_START) - 1))])
