"""Finished metrics runs written directly (the engine has its own tests), for segment tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from clientbase.accounts.models import Account
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus

ZERO_MEASURES = (
    "revenue_ltm",
    "margin_ltm",
    "revenue_prev_ltm",
    "revenue_lifetime",
    "margin_lifetime",
    "orders_lifetime",
    "orders_ltm",
    "frequency",
    "monetary",
    "documents",
    "activities",
    "tickets",
    "hours",
    "workload",
    "repeat_purchases",
)


def finished_run(as_of: dt.date, rows: dict[Account, dict[str, Any]]) -> MetricRun:
    """A DONE run as of `as_of` with one metrics row per account (unset measures are 0)."""
    run = MetricRun.objects.create(
        as_of=as_of, status=RunStatus.DONE, started_at=timezone.now(), finished_at=timezone.now()
    )
    AccountMetrics.objects.bulk_create(
        AccountMetrics(
            run=run, account=account, as_of=as_of, **{**dict.fromkeys(ZERO_MEASURES, 0), **values}
        )
        for account, values in rows.items()
    )
    return run
