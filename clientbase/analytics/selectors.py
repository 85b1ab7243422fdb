"""Reads of the analytics results. Each takes the acting user and covers only the accounts
that user may see: a rep's dashboard is built from their own accounts' rows alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db.models import Q, QuerySet
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.analytics.cost_to_serve import SegmentCost, segment_costs
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
from clientbase.analytics.segmentation import ModelSettings

ABC = ("A", "B", "C", "D")
XYZ = ("X", "Y", "Z")
QUADRANTS = ("I", "II", "III", "IV")
RFM_SEGMENTS = (
    "champions",
    "loyal",
    "potential_loyalists",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "cannot_lose",
    "at_risk",
    "hibernating",
    "lost",
)
PARETO_POINTS = 50  # the curve is drawn through this many points, whatever the base's size
SCATTER_POINTS = 600  # more dots only blur the picture and weigh down the page
WATCH_LIST = 25
STALE_RUN = dt.timedelta(hours=6)  # far beyond a run of the largest base

# What the dashboard reads of each row: one query, no per-row lookups.
COLUMNS = (
    "account_id",
    "revenue_ltm",
    "revenue_lifetime",
    "margin_lifetime",
    "workload",
    "abc_revenue",
    "xyz",
    "cts_class",
    "rfm_segment",
    "loyalty",
    "profitability",
    "quadrant",
)


def latest_run() -> MetricRun | None:
    """The newest finished run (by date of the figures, then by when it ran)."""
    return (
        MetricRun.objects.filter(status=RunStatus.DONE)
        .order_by("-as_of", "-finished_at", "-pk")
        .first()
    )


def recent_runs(limit: int = 10) -> list[MetricRun]:
    """When the figures were computed (runs hold no client data)."""
    return list(MetricRun.objects.order_by("-started_at", "-pk")[:limit])


def running_run() -> MetricRun | None:
    """A run in progress. One left RUNNING by a worker that died long ago does not count,
    or it would keep the Recompute button away for good."""
    since = timezone.now() - STALE_RUN
    return (
        MetricRun.objects.filter(status=RunStatus.RUNNING, started_at__gte=since)
        .order_by("-started_at")
        .first()
    )


def visible_metrics(*, actor: User, run: MetricRun) -> QuerySet[AccountMetrics]:
    """The run's rows of the accounts `actor` may see."""
    return AccountMetrics.objects.filter(
        run=run, account_id__in=visible_accounts(actor=actor).values("pk")
    )


@dataclass(frozen=True)
class RfmRow:
    segment: str
    accounts: int
    revenue: float
    account_share: float
    revenue_share: float


@dataclass(frozen=True)
class WatchRow:
    account_id: int
    name: str
    churn_risk: float
    churn_flag: bool
    recency_days: int | None
    usual_gap_days: float | None
    revenue_ltm: float


@dataclass
class Dashboard:
    run: MetricRun
    accounts: int
    pareto: list[tuple[float, float]]  # (share of accounts, share of revenue), cumulative
    top_share_for_80: float | None  # the share of accounts that brings 80% of revenue
    costs: list[SegmentCost]
    quadrant_counts: dict[str, int]
    scatter: list[tuple[float, float, str]]  # (loyalty, profitability, quadrant)
    matrix: dict[tuple[str, str], int]
    rfm: list[RfmRow]
    watch: list[WatchRow] = field(default_factory=list)

    @property
    def matrix_max(self) -> int:
        return max(self.matrix.values(), default=0)


def dashboard(*, actor: User, run: MetricRun | None = None) -> Dashboard | None:
    """Everything the analytics dashboard shows, from `run` (the latest by default); None
    when no run exists yet. A fixed number of queries whatever the base's size."""
    run = run or latest_run()
    if run is None:
        return None
    rows = list(visible_metrics(actor=actor, run=run).values_list(*COLUMNS))
    data = {name: [row[i] for row in rows] for i, name in enumerate(COLUMNS)}
    pareto, top80 = _pareto([float(v or 0) for v in data["revenue_ltm"]])
    table = pa.table(
        {
            "cts_class": pa.array(data["cts_class"], pa.string()),
            "revenue_lifetime": pa.array(data["revenue_lifetime"], pa.float64()),
            "margin_lifetime": pa.array(data["margin_lifetime"], pa.float64()),
            "workload": pa.array(data["workload"], pa.int64()),
        }
    )
    costs = segment_costs(table, by="cts_class") if rows else []
    quadrants = Counter(q for q in data["quadrant"] if q)
    placed = [
        (float(lo), float(pr), str(q))
        for lo, pr, q in zip(data["loyalty"], data["profitability"], data["quadrant"], strict=True)
        if lo is not None and pr is not None and q
    ]
    step = max(1, -(-len(placed) // SCATTER_POINTS))
    matrix = Counter(
        (a, x) for a, x in zip(data["abc_revenue"], data["xyz"], strict=True) if a and x
    )
    return Dashboard(
        run=run,
        accounts=len(rows),
        pareto=pareto,
        top_share_for_80=top80,
        costs=costs,
        quadrant_counts={q: quadrants.get(q, 0) for q in QUADRANTS},
        scatter=placed[::step],
        matrix=dict(matrix),
        rfm=_rfm(data["rfm_segment"], data["revenue_ltm"]),
        watch=watch_list(actor=actor, run=run),
    )


def _pareto(revenues: list[float]) -> tuple[list[tuple[float, float]], float | None]:
    ordered = sorted((max(r, 0.0) for r in revenues), reverse=True)
    total = sum(ordered)
    if not ordered or total <= 0:
        return [], None
    n = len(ordered)
    points = [(0.0, 0.0)]
    cumulative = 0.0
    top80: float | None = None
    marks = {max(1, round(n * k / PARETO_POINTS)) for k in range(1, PARETO_POINTS + 1)}
    for index, revenue in enumerate(ordered, start=1):
        cumulative += revenue
        if top80 is None and cumulative >= 0.8 * total:
            top80 = index / n
        if index in marks:
            points.append((index / n, cumulative / total))
    return points, top80


def _rfm(segments: list[Any], revenues: list[Any]) -> list[RfmRow]:
    counts: Counter[str] = Counter()
    money: dict[str, float] = {}
    for segment, revenue in zip(segments, revenues, strict=True):
        if segment:
            counts[segment] += 1
            money[segment] = money.get(segment, 0.0) + max(float(revenue or 0), 0.0)
    accounts, revenue_total = sum(counts.values()), sum(money.values())
    order = [s for s in RFM_SEGMENTS if s in counts] + sorted(set(counts) - set(RFM_SEGMENTS))
    return [
        RfmRow(
            segment=s,
            accounts=counts[s],
            revenue=money[s],
            account_share=counts[s] / accounts if accounts else 0.0,
            revenue_share=money[s] / revenue_total if revenue_total else 0.0,
        )
        for s in order
    ]


def watch_list(*, actor: User, run: MetricRun, limit: int = WATCH_LIST) -> list[WatchRow]:
    """The accounts most at risk of leaving, flagged ones first. Accounts silent for longer
    than the churn horizon are lost already, not a warning: they are left out."""
    horizon = ModelSettings().churn_horizon_days
    rows = (
        visible_metrics(actor=actor, run=run)
        .filter(churn_risk__isnull=False)
        .filter(Q(churn_flag=True) | Q(recency_days__lte=horizon))
        .order_by("-churn_flag", "-churn_risk", "account_id")
        .values_list(
            "account_id",
            "account__display_name",
            "churn_risk",
            "churn_flag",
            "recency_days",
            "usual_gap_days",
            "revenue_ltm",
        )[:limit]
    )
    return [
        WatchRow(
            account_id=account_id,
            name=name,
            churn_risk=float(risk or 0),
            churn_flag=bool(flag),
            recency_days=recency,
            usual_gap_days=gap,
            revenue_ltm=float(revenue or 0),
        )
        for account_id, name, risk, flag, recency, gap, revenue in rows
    ]


def account_segments(*, actor: User, account: Account) -> AccountMetrics | None:
    """The account's row in the latest run, if `actor` may see the account."""
    run = latest_run()
    if run is None:
        return None
    return visible_metrics(actor=actor, run=run).filter(account_id=account.pk).first()
