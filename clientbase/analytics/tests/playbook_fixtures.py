"""A finished metrics run where each account has a tier and the built-in models' classes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clientbase.accounts.models import Account
from clientbase.analytics.models import MetricRun
from clientbase.questionnaires.models import AccountTier

from .segment_fixtures import finished_run

AS_OF = dt.date(2026, 11, 30)


def classed_run(rows: dict[Account, dict[str, Any]], as_of: dt.date = AS_OF) -> MetricRun:
    """A DONE run: each account's `tier` (default "3") and metrics columns (quadrant,
    rfm_segment, abc_revenue …) as given."""
    tiers = {account: values.pop("tier", "3") for account, values in rows.items()}
    run = finished_run(as_of, rows)
    AccountTier.objects.bulk_create(
        AccountTier(run=run, account=account, tier=tier) for account, tier in tiers.items()
    )
    return run
