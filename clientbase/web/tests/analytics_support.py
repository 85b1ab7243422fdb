"""Fixtures for the analytics page tests: a finished metrics run written row by row, so each
test states the figures it checks (the engine itself is tested in clientbase/analytics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from clientbase.accounts.models import Account
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus

AS_OF = dt.date(2026, 11, 30)
ZERO = {
    "revenue_ltm": 0.0,
    "margin_ltm": 0.0,
    "revenue_prev_ltm": 0.0,
    "revenue_lifetime": 0.0,
    "margin_lifetime": 0.0,
    "orders_lifetime": 0,
    "orders_ltm": 0,
    "frequency": 0,
    "monetary": 0.0,
    "documents": 0,
    "activities": 0,
    "tickets": 0,
    "hours": 0.0,
    "workload": 0,
    "repeat_purchases": 0,
}


def buyer(revenue: float, **fields: Any) -> dict[str, Any]:
    """A buying account's figures: revenue, a 40% margin, and whatever the test sets."""
    figures: dict[str, Any] = {
        "revenue_ltm": revenue,
        "margin_ltm": revenue * 0.4,
        "revenue_lifetime": revenue * 2,
        "margin_lifetime": revenue * 0.8,
        "orders_lifetime": 4,
        "orders_ltm": 2,
        "frequency": 4,
        "workload": 2,
        "abc_revenue": "A",
        "abc_margin": "A",
        "xyz": "X",
        "cts_class": "A",
        "rfm_segment": "loyal",
        "loyalty": 0.7,
        "profitability": 0.7,
        "quadrant": "III",
        "churn_risk": 0.1,
        "recency_days": 30,
    }
    figures.update(fields)
    return figures


MakeRun = Callable[..., MetricRun]


@pytest.fixture
def make_run(db: None) -> MakeRun:
    """A DONE run as of AS_OF holding the given accounts' figures."""

    def make(rows: dict[Account, dict[str, Any]], as_of: dt.date = AS_OF) -> MetricRun:
        now = timezone.now()
        run = MetricRun.objects.create(
            as_of=as_of,
            status=RunStatus.DONE,
            started_at=now - dt.timedelta(seconds=3),
            finished_at=now,
            seconds=3.0,
            accounts=len(rows),
        )
        AccountMetrics.objects.bulk_create(
            AccountMetrics(run=run, account=account, as_of=as_of, **{**ZERO, **figures})
            for account, figures in rows.items()
        )
        return run

    return make
