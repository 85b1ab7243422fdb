"""How well the models recover what the demo generator planted (its truth file).

Used by the tests (scale XS, loose floors) and by bench/bench_analytics.py (scale S and M, the
figures in docs/benchmarks.md). The models never read the truth file; only this module does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from clientbase.analytics.cost_to_serve import SegmentCost, segment_costs
from clientbase.analytics.engine import compute_metrics
from clientbase.analytics.pipeline import STEPS
from clientbase.analytics.segmentation import ModelSettings
from clientbase.analytics.sources import Sources

# The backtest needs only the metrics and the churn steps; the final `segments` step is
# replaced by `churn` itself as the last one.
_NOT_FOR_CHURN = frozenset({"abc", "cost_to_serve", "xyz", "rfm", "quadrants", "segments"})


@dataclass(frozen=True)
class Recovery:
    planted: int
    found: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.planted if self.planted else 0.0


def recovery(planted: set[int], found: set[int]) -> Recovery:
    return Recovery(planted=len(planted), found=len(found), correct=len(planted & found))


def load_truth(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def _column(table: pa.Table, name: str) -> dict[int, Any]:
    return dict(zip(table["account_id"].to_pylist(), table[name].to_pylist(), strict=True))


@dataclass(frozen=True)
class CostToServeFinding:
    flagged: list[SegmentCost]
    hogs: Recovery  # the planted workload hogs against the accounts of the flagged segments


def cost_to_serve_finding(table: pa.Table, truth: dict[str, Any]) -> CostToServeFinding:
    costs = segment_costs(table, by="cts_class")
    flagged = [c for c in costs if c.flagged]
    classes = _column(table, "cts_class")
    # The segment whose workload most exceeds its margin is the finding a director acts on.
    worst = max(flagged, key=lambda c: c.workload_share - c.margin_share, default=None)
    found = {a for a, c in classes.items() if worst is not None and c == worst.segment}
    return CostToServeFinding(
        flagged=flagged, hogs=recovery(set(truth["workload_hogs"]["ids"]), found)
    )


def quadrant_recovery(table: pa.Table, truth: dict[str, Any]) -> dict[str, Recovery]:
    quadrants = _column(table, "quadrant")
    return {
        name: recovery(set(truth[name]["ids"]), {a for a, q in quadrants.items() if q == quadrant})
        for name, quadrant in (("loyal_low_profit", "II"), ("profitable_disloyal", "IV"))
    }


def pareto_share(table: pa.Table, top: float = 0.2) -> float:
    """Share of trailing-year revenue brought by the top `top` of accounts."""
    revenue = np.sort(table["revenue_ltm"].to_numpy())[::-1]
    total = float(revenue[revenue > 0].sum())
    k = max(1, round(len(revenue) * top))
    return float(revenue[:k].sum()) / total if total else 0.0


@dataclass(frozen=True)
class ChurnBacktest:
    churners: int
    warned_before_stop: int  # a warning between the start of the decline and the last order
    median_lead_days: float
    warned_before_planted_end: int  # ... or before the planted rate reached zero
    median_days_before_planted_end: float  # from the first such warning
    warnings: int  # accounts flagged, summed over the days the model ran
    false_alarms: int  # warnings after which the account bought again within half a year
    false_alarm_accounts: int

    @property
    def recall(self) -> float:
        return self.warned_before_stop / self.churners if self.churners else 0.0

    @property
    def false_alarm_share(self) -> float:
        return self.false_alarms / self.warnings if self.warnings else 0.0


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], dt.date(first.year, first.month, 1)
    while day <= last:
        out.append(day)
        day = _add_months(day, 1)
    return out


def _run_days(first: dt.date, last: dt.date, every_days: int | None) -> list[dt.date]:
    if every_days is None:
        return _month_starts(first, last)
    count = (last - first).days // every_days + 1
    return [first + dt.timedelta(days=every_days * i) for i in range(count)]


def churn_backtest(
    sources: Sources,
    truth: dict[str, Any],
    settings: ModelSettings | None = None,
    *,
    every_days: int | None = None,
) -> ChurnBacktest:
    """Run the churn model as of the first of every month (or every `every_days` days: the
    product recomputes nightly, so a finer cadence is closer to what users see), as if each
    day were today, from the second year of history on.

    A warning for a planted churner between the start of its decline and its last order is
    early; the lead is the time from the first such warning to the last order. A warning
    after which the account (churner before its decline, or anyone else) bought again within
    180 days was a false alarm."""
    churners = {
        c["id"]: (dt.date.fromisoformat(c["decay_start"]), dt.date.fromisoformat(c["last_order"]))
        for c in truth["churners"]["accounts"]
    }
    planted_end = {
        c["id"]: _add_months(dt.date.fromisoformat(c["decay_start"]), int(c["decay_months"]))
        for c in truth["churners"]["accounts"]
    }
    as_of = dt.date.fromisoformat(truth["as_of"])
    start = dt.date.fromisoformat(truth["window_start"])
    steps = tuple(s for s in STEPS if s.name not in _NOT_FOR_CHURN)
    orders = sources.tables["orders"]
    days_by_account: dict[int, list[dt.date]] = {}
    for account, day in zip(
        orders["account_id"].to_pylist(), orders["date"].to_pylist(), strict=True
    ):
        days_by_account.setdefault(account, []).append(day)
    for days in days_by_account.values():
        days.sort()
    first_early: dict[int, dt.date] = {}
    before_end: dict[int, dt.date] = {}
    warnings = false_alarms = 0
    false_accounts: set[int] = set()
    for day in _run_days(start.replace(year=start.year + 1), as_of, every_days):
        flags = _column(compute_metrics(sources, day, settings, steps=steps), "churn_flag")
        for account, flagged in flags.items():
            if not flagged:
                continue
            warnings += 1
            planted = churners.get(account)
            if planted and planted[0] <= day <= planted_end[account]:
                before_end.setdefault(account, day)
            if planted and planted[0] <= day <= planted[1]:
                first_early.setdefault(account, day)
                continue
            horizon = day + dt.timedelta(days=180)
            if any(day < d <= horizon for d in days_by_account.get(account, ())):
                false_alarms += 1
                false_accounts.add(account)
    leads = [(churners[a][1] - d).days for a, d in first_early.items()]
    to_end = [(planted_end[a] - d).days for a, d in before_end.items()]
    return ChurnBacktest(
        churners=len(churners),
        warned_before_stop=len(first_early),
        median_lead_days=float(np.median(leads)) if leads else 0.0,
        warned_before_planted_end=len(before_end),
        median_days_before_planted_end=float(np.median(to_end)) if to_end else 0.0,
        warnings=warnings,
        false_alarms=false_alarms,
        false_alarm_accounts=len(false_accounts),
    )
